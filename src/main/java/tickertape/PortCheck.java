package tickertape;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks that a port the app will listen on is free before anything starts, so a clash is
 * reported as one line naming the port and the setting that changes it, not as a bind exception
 * deep inside Vert.x after the database has been started.
 */
public final class PortCheck {
    private PortCheck() {
    }

    /** @param property the setting {@code port} is read from, named in the failure with {@code environmentVariable} */
    public static void requireFree(int port, String property, String environmentVariable) {
        if (port == 0) {
            return; // an ephemeral port is always free
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new StartupFailure("Port " + port + " is already in use (" + property + "); stop what uses it or set "
                    + environmentVariable + " to another port");
        }
    }
}
