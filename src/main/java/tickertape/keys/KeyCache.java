package tickertape.keys;

import tickertape.database.AnnouncedCache;

/**
 * The keys this process has authenticated, by their hash, so a request needs no query to recognise
 * its key. Every change to api_key that can change whether a key is admitted is announced on
 * {@value #CHANNEL} (sql/V2__api_key_change_notify.sql), and each announcement forgets every key.
 * Only active keys are cached, never an unknown one, so made-up keys cannot grow the map.
 */
public final class KeyCache extends AnnouncedCache<KeyHash, ApiKey> {
    static final String CHANNEL = "api_key_changed";

    @Override
    public String channel() {
        return CHANNEL;
    }

    /** Forgets every key: an announcement names a key's id, and the cache is keyed by hash. */
    @Override
    public void announced(String payload) {
        invalidateAll();
    }
}
