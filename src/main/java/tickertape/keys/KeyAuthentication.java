package tickertape.keys;

import java.sql.SQLException;
import java.util.Optional;

/**
 * Recognises the key a request presents: from the {@link KeyCache} when it holds the key and is
 * trusted (no query), else by one indexed lookup in the store, whose answer is then cached. A
 * revocation made anywhere (REST, the keys CLI, psql) empties the cache through
 * {@link tickertape.database.ChangeListener} within milliseconds; one made by this process's REST API, at once.
 */
public final class KeyAuthentication {
    private final ApiKeys store;
    private final KeyCache cache;
    private final KeyUses uses;

    public KeyAuthentication(ApiKeys store, KeyCache cache, KeyUses uses) {
        this.store = store;
        this.cache = cache;
        this.uses = uses;
    }

    /** The active (not revoked) key that {@code presented} is, if any; notes its use. */
    public Optional<ApiKey> authenticate(String presented) throws SQLException {
        if (!KeySecret.isWellFormed(presented)) {
            return Optional.empty();
        }
        KeyHash hash = KeyHash.of(presented);
        ApiKey key = cache.get(hash);
        if (key == null) {
            long generation = cache.generation();
            key = store.findActive(hash).orElse(null);
            if (key != null) {
                cache.put(hash, key, generation);
            }
        }
        if (key != null) {
            uses.note(key);
        }
        return Optional.ofNullable(key);
    }
}
