package tickertape;

/**
 * A start-up problem the operator can fix (bad URL, unreachable database, port in use), with a
 * message that says what failed and where. Main prints the message as one line and exits non-zero
 * instead of burying it in a stack trace.
 */
public class StartupFailure extends RuntimeException {
    public StartupFailure(String message) {
        super(message);
    }

    public StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
