package tickertape.polygon;

/**
 * A Polygon request that did not yield a page. The subclass says what the error handler does with it:
 * retry ({@link Retryable}), or park it at once ({@link Rejected}, {@link NotAuthorized}).
 */
public abstract class PolygonFailure extends RuntimeException {
    private final int httpStatus;

    protected PolygonFailure(int httpStatus, String message) {
        super(message);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status Polygon answered, or 0 when no response arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** 5xx, 429, a truncated or non-JSON body: may succeed if asked again. */
    public static class Retryable extends PolygonFailure {
        public Retryable(int httpStatus, String message) {
            super(httpStatus, message);
        }
    }

    /** 400 and other 4xx: the request itself is wrong; asking again cannot help. */
    public static class Rejected extends PolygonFailure {
        public Rejected(int httpStatus, String message) {
            super(httpStatus, message);
        }
    }

    /** 401/403: the key is missing, unknown or not entitled; the job stops so the key is not hammered. */
    public static class NotAuthorized extends PolygonFailure {
        public NotAuthorized(int httpStatus, String message) {
            super(httpStatus, message);
        }
    }
}
