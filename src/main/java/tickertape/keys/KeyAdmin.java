package tickertape.keys;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import tickertape.api.ApiProblem;
import tickertape.api.ClientInput;

/**
 * Key management over REST for ops ({@code routes/api-keys.camel.yaml}), the same operations as the
 * {@code keys} command: create (the secret is in that one answer and nowhere else), list, revoke.
 */
public final class KeyAdmin {
    private final ApiKeys keys;
    private final KeyCache cache;
    private final ObjectMapper mapper;

    public KeyAdmin(ApiKeys keys, KeyCache cache, ObjectMapper mapper) {
        this.keys = keys;
        this.cache = cache;
        this.mapper = mapper;
    }

    /** {@code POST /api/keys} {role, name, requestsPerMinute?}: 201 with the key, shown this once. */
    public record CreateRequest(String role, String name, Integer requestsPerMinute) {
    }

    public Map<String, Object> create(String body, Exchange exchange) throws SQLException {
        CreateRequest request = ClientInput.json(mapper, body, new TypeReference<CreateRequest>() { });
        Role role = role(request.role());
        IssuedKey issued;
        try {
            issued = keys.issue(role, request.name(), request.requestsPerMinute());
        } catch (ApiKeys.InvalidKeyRequest e) {
            throw ApiProblem.invalidParameter(e.parameter(), e.getMessage());
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("key", issued.secret());
        answer.put("note", "This is the only time the key is shown: store it now.");
        answer.put("apiKey", view(issued.key()));
        return answer;
    }

    /** {@code GET /api/keys}: every key, newest first, never a secret. */
    public List<Map<String, Object>> list() throws SQLException {
        return keys.list().stream().map(KeyAdmin::view).toList();
    }

    /**
     * {@code DELETE /api/keys/{prefix}}: the key is refused from its next request on. This process
     * forgets its cached keys before answering, rather than when the change's announcement comes back
     * to its listener a moment later, so the client's next request is refused here for certain.
     */
    public Map<String, Object> revoke(String prefix) throws SQLException {
        Optional<ApiKey> revoked = keys.revoke(prefix);
        cache.invalidateAll();
        return revoked.map(KeyAdmin::view)
                .orElseThrow(() -> ApiProblem.notFound("API key", "no active key with prefix " + prefix));
    }

    private static Role role(String code) {
        try {
            return Role.parse(code);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalidParameter("role", "role must be one of " + Role.codes());
        }
    }

    private static Map<String, Object> view(ApiKey key) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("prefix", key.prefix());
        view.put("role", key.role().code());
        view.put("name", key.name());
        view.put("requestsPerMinute", key.requestsPerMinute());
        view.put("createdAt", key.createdAt());
        view.put("lastUsedAt", key.lastUsedAt());
        view.put("revokedAt", key.revokedAt());
        return view;
    }
}
