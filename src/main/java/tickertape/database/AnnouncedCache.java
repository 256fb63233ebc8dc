package tickertape.database;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A cache of what the store holds, kept honest by the announcements of one PostgreSQL NOTIFY channel
 * ({@link ChangeListener}): each announcement forgets what it names, and the cache answers only while
 * the listener vouches for it. It renews a lease each time it has proved that every change committed
 * before then has reached it; without a live lease (listener not connected, or silent for too long)
 * {@link #get} answers nothing and callers read the store, as they would with no cache.
 *
 * <p>Why a lookup cannot leave a stale entry: it notes the {@link #generation()} before it reads the
 * store and {@link #put}s only if no invalidation happened since; put and the invalidations hold the
 * same lock, so an invalidation is either before the put (the put is refused) or after it (it removes
 * the entry). The lock is held only for map operations, never for a query, so the listener never waits
 * for the store on a request's behalf.
 */
public abstract class AnnouncedCache<K, V> {
    private final ConcurrentMap<K, V> entries = new ConcurrentHashMap<>();
    /** Bumped by every invalidation; guarded by this. */
    private long generation;
    /** System.nanoTime() until which the cache may be trusted; a past value means not trusted. */
    private volatile long trustedUntil = System.nanoTime();

    /** The channel whose announcements name what changed. */
    public abstract String channel();

    /** Forgets what one announcement (its payload) says has changed; called after that change committed. */
    public abstract void announced(String payload);

    /** The cached value, or null: not cached, or the cache is not trusted now. */
    public V get(K key) {
        return isTrusted() ? entries.get(key) : null;
    }

    public boolean isTrusted() {
        return trustedUntil - System.nanoTime() > 0;
    }

    public synchronized long generation() {
        return generation;
    }

    /** Caches {@code value}, read from the store after {@code generationBefore} was current, unless something changed since. */
    public synchronized void put(K key, V value, long generationBefore) {
        if (generation == generationBefore) {
            entries.put(key, value);
        }
    }

    /** Forgets one entry: it changed in the store. */
    protected synchronized void invalidate(K key) {
        generation++;
        entries.remove(key);
    }

    /** Forgets every entry: anything may have changed, or changes may have been missed. */
    public synchronized void invalidateAll() {
        generation++;
        entries.clear();
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

    /** How many entries are held (for tests). */
    public int size() {
        return entries.size();
    }
}
