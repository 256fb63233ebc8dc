package tickertape.api.market;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import tickertape.api.ApiProblem;

/**
 * How many bar streams each client (its rate-limit bucket: a key, or an address) has open, at most
 * {@code api.market.max-streams-per-key}: a stream holds an API connection for as long as its client
 * reads, so one client cannot take the whole API pool.
 */
public final class StreamPermits {
    private final int maxPerClient;
    private final ConcurrentMap<Long, Integer> open = new ConcurrentHashMap<>();

    public StreamPermits(int maxPerClient) {
        this.maxPerClient = maxPerClient;
    }

    /** A permit, given back by {@link Permit#release}; 429 when the client has its maximum open. */
    public Permit acquire(long client) {
        boolean[] granted = {false};
        open.compute(client, (id, streams) -> {
            int current = streams == null ? 0 : streams;
            granted[0] = current < maxPerClient;
            return granted[0] ? current + 1 : current;
        });
        if (!granted[0]) {
            throw new ApiProblem(429, "too-many-streams", "Too many streams", "This client has " + maxPerClient
                    + " pages of bars streaming, the most it may; read them to their end, then ask again.", null);
        }
        return new Permit(client);
    }

    /** One open stream; released once however often {@link #release} is called. */
    public final class Permit {
        private final long client;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(long client) {
            this.client = client;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                open.computeIfPresent(client, (id, streams) -> streams > 1 ? streams - 1 : null);
            }
        }
    }
}
