package tickertape.api;

import java.util.LinkedHashMap;
import java.util.Map;
import tickertape.api.aggs.PolygonProblem;

/**
 * An RFC 9457 problem detail, as every API error is answered ({@code application/problem+json}).
 *
 * @param slug the last segment of the stable {@code type} URI
 * @param instance the request path the problem occurred on
 * @param parameter the request parameter or body field at fault, or null
 * @param requestId the id this request is logged under, to find it on the server
 */
public record Problem(int status, String slug, String title, String detail, String instance, String parameter,
                      String requestId) {
    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://tickertape.dev/problems/";

    public static Problem of(ApiProblem problem, String instance, String requestId) {
        return new Problem(problem.status(), problem.type(), problem.title(), problem.detail(), instance,
                problem.parameter(), requestId);
    }

    /** The problem for a bare HTTP status, as the server answers it before any route runs. */
    public static Problem ofStatus(int status, String detail, String instance, String requestId) {
        return switch (status) {
            case 400 -> new Problem(400, "bad-request", "Bad request", detail, instance, null, requestId);
            case 401 -> new Problem(401, "unauthorized", "Unauthorized", detail, instance, null, requestId);
            case 404 -> new Problem(404, "not-found", "Not found", detail, instance, null, requestId);
            case 405 -> new Problem(405, "method-not-allowed", "Method not allowed", detail, instance, null, requestId);
            case 406 -> new Problem(406, "not-acceptable", "Not acceptable", detail, instance, null, requestId);
            case 413 -> new Problem(413, "payload-too-large", "Payload too large", detail, instance, null, requestId);
            case 414 -> new Problem(414, "uri-too-long", "URI too long", detail, instance, null, requestId);
            case 415 -> new Problem(415, "unsupported-media-type", "Unsupported media type", detail, instance, null,
                    requestId);
            default -> internalError(instance, requestId);
        };
    }

    /** The one answer to a failure of ours: no exception text, only the id to find it in the log. */
    public static Problem internalError(String instance, String requestId) {
        return new Problem(500, "internal-error", "Internal server error",
                "The request failed on the server. Report request id " + requestId + " to find it in the log.",
                instance, null, requestId);
    }

    public String type() {
        return TYPE_BASE + slug;
    }

    /** Where errors are answered in Polygon's own shape, so Polygon's clients report them as theirs. */
    private boolean onPolygonPath() {
        return instance != null && instance.startsWith(ApiGuard.POLYGON_PATH);
    }

    /** The answer's media type: problem+json, or JSON on the Polygon-compatible path. */
    public String mediaType() {
        return onPolygonPath() ? "application/json" : MEDIA_TYPE;
    }

    /** The answer's body: the RFC 9457 members, or Polygon's error body on the Polygon-compatible path. */
    public Map<String, Object> body() {
        return onPolygonPath() ? PolygonProblem.body(status, requestId, detail) : members();
    }

    /** The JSON members, in RFC 9457's order, without the absent ones. */
    private Map<String, Object> members() {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("type", type());
        members.put("title", title);
        members.put("status", status);
        if (detail != null) {
            members.put("detail", detail);
        }
        members.put("instance", instance);
        if (parameter != null) {
            members.put("parameter", parameter);
        }
        members.put("requestId", requestId);
        return members;
    }
}
