package tickertape.api;

/**
 * A client error, answered as {@code application/problem+json} (RFC 9457). Routes and beans throw
 * it; the API's error handling turns it into the response, so no bean writes an error body itself.
 *
 * @param status the HTTP status (4xx)
 * @param type a stable slug appended to the problem type URI, e.g. {@code invalid-parameter}
 * @param parameter the request parameter or body field at fault, or null
 */
public class ApiProblem extends RuntimeException {
    private final int status;
    private final String type;
    private final String title;
    private final String parameter;

    public ApiProblem(int status, String type, String title, String detail, String parameter) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.parameter = parameter;
    }

    /** 400 naming the parameter or field at fault. */
    public static ApiProblem invalidParameter(String parameter, String detail) {
        return new ApiProblem(400, "invalid-parameter", "Invalid parameter", detail, parameter);
    }

    /** 404 for a named thing that does not exist (an unknown ticker, run or model). */
    public static ApiProblem notFound(String what, String detail) {
        return new ApiProblem(404, "not-found", what + " not found", detail, null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public String parameter() {
        return parameter;
    }
}
