package tickertape.keys;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The keys this process has authenticated, by their hash, so a request needs no query to recognise
 * its key. Trusted only while {@link KeyChangeListener} vouches for it: it renews a lease each time
 * it has proved that every change to api_key committed before then has reached it, and empties the
 * cache on each change. Without a live lease (listener not connected, or silent for too long) the
 * cache answers nothing and every request queries the store, as it did before there was a cache.
 *
 * <p>Why a lookup cannot leave a stale entry: it notes the {@link #generation()} before it queries and
 * {@link #put}s only if no invalidation happened since; put and {@link #invalidateAll} hold the same
 * lock, so an invalidation is either before the put (the put is refused) or after it (it removes the
 * entry). Only active keys are cached, never an unknown one, so made-up keys cannot grow the map.
 */
public final class KeyCache {
    private final ConcurrentMap<KeyHash, ApiKey> keys = new ConcurrentHashMap<>();
    /** Bumped by every invalidation; guarded by this. */
    private long generation;
    /** System.nanoTime() until which the cache may be trusted; a past value means not trusted. */
    private volatile long trustedUntil = System.nanoTime();

    /** The cached active key with this hash, or null: not cached, or the cache is not trusted now. */
    ApiKey get(KeyHash hash) {
        return isTrusted() ? keys.get(hash) : null;
    }

    boolean isTrusted() {
        return trustedUntil - System.nanoTime() > 0;
    }

    synchronized long generation() {
        return generation;
    }

    /** Caches {@code key}, read from the store after {@code generationBefore} was current, unless something changed since. */
    synchronized void put(KeyHash hash, ApiKey key, long generationBefore) {
        if (generation == generationBefore) {
            keys.put(hash, key);
        }
    }

    /** Forgets every key: something in api_key changed, or changes may have been missed. */
    public synchronized void invalidateAll() {
        generation++;
        keys.clear();
    }

    /** Trusts the cache until {@code nanoTime}, a System.nanoTime() value. */
    void trustUntil(long nanoTime) {
        trustedUntil = nanoTime;
    }

    /** Stops trusting the cache now, and forgets it. */
    void distrust() {
        trustedUntil = System.nanoTime();
        invalidateAll();
    }

    /** How many keys are held (for tests). */
    int size() {
        return keys.size();
    }
}
