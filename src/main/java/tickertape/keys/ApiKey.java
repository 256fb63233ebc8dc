package tickertape.keys;

import java.time.Instant;

/**
 * A stored API key: everything but the secret, which is kept only as its SHA-256.
 *
 * @param prefix the key's first characters, shown in listings and used to revoke it
 * @param requestsPerMinute this key's rate limit, or null for its role's default
 */
public record ApiKey(long id, String prefix, String name, Role role, Integer requestsPerMinute,
                     Instant createdAt, Instant lastUsedAt, Instant revokedAt) {

    public boolean isRevoked() {
        return revokedAt != null;
    }
}
