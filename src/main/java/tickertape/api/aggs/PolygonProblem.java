package tickertape.api.aggs;

import java.util.LinkedHashMap;
import java.util.Map;
import tickertape.api.ApiProblem;

/**
 * A client error on the Polygon-compatible path ({@code GET /v2/aggs/...}), where errors keep
 * Polygon's JSON shape so Polygon clients report them as they would Polygon's own, instead of
 * problem+json. {@code ApiErrors} renders any error of that path, the guard's 401/403/429 included,
 * with {@link #body}.
 */
public class PolygonProblem extends ApiProblem {
    public PolygonProblem(String error) {
        super(400, "invalid-parameter", "Invalid parameter", error, null);
    }

    /** A refusal other than a bad parameter: {@code status} with its own type and title. */
    public PolygonProblem(int status, String type, String title, String error) {
        super(status, type, title, error, null);
    }

    /**
     * Polygon's error body for {@code status}: {@code {"status":"NOT_AUTHORIZED","request_id","message"}}
     * for 401 and 403, {@code {"status":"NOT_FOUND",...,"message"}} for 404, and
     * {@code {"status":"ERROR","request_id","error"}} for everything else (400, 429, 5xx).
     */
    public static Map<String, Object> body(int status, String requestId, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        switch (status) {
            case 401, 403 -> body.put("status", "NOT_AUTHORIZED");
            case 404 -> body.put("status", "NOT_FOUND");
            default -> body.put("status", "ERROR");
        }
        body.put("request_id", requestId);
        body.put(status == 401 || status == 403 || status == 404 ? "message" : "error", message);
        return body;
    }
}
