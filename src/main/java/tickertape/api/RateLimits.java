package tickertape.api;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.caffeine.Bucket4jCaffeine;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ExpiredEntriesCleaner;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import javax.sql.DataSource;
import tickertape.keys.ApiKey;
import tickertape.keys.Role;

/**
 * Token buckets (Bucket4j): one per key, sized by its role's default or its own override, and one
 * per client address for requests without a valid key. A bucket holds {@code limit} tokens and
 * refills them evenly over the window; a request takes its verb's cost.
 *
 * <p>Buckets live in this process ({@code memory}, the default: no database round trip per
 * request) or in table {@code rate_limit_bucket} ({@code postgresql}), where every instance of a
 * cluster shares them. Either way a bucket is dropped once it has refilled, as a fresh one is the same.
 */
public class RateLimits {
    private static final int MEMORY_MAX_BUCKETS = 100_000;
    private static final int EXPIRED_ROWS_PER_SWEEP = 1_000;

    private final ProxyManager<Long> buckets;
    private final Limits limits;

    /** Requests per window: per role, for clients without a key, and the window itself. */
    public record Limits(int bot, int ml, int ops, int anonymous, Duration window) {

        int forRole(Role role) {
            return switch (role) {
                case BOT -> bot;
                case ML -> ml;
                case OPS -> ops;
            };
        }
    }

    /** Who a bucket belongs to and how large it is. */
    public record Client(long bucketId, String policy, long limit) {
    }

    /** The outcome of one request against its bucket, in the terms of the RateLimit headers. */
    public record Decision(boolean admitted, Client client, long remaining, long secondsToFull,
                           long retryAfterSeconds, Duration window) {
    }

    RateLimits(ProxyManager<Long> buckets, Limits limits) {
        this.buckets = buckets;
        this.limits = limits;
    }

    public static RateLimits inMemory(Limits limits) {
        return new RateLimits(Bucket4jCaffeine.<Long>builderFor(Caffeine.newBuilder().maximumSize(MEMORY_MAX_BUCKETS))
                .expirationAfterWrite(dropWhenFull())
                .build(), limits);
    }

    public static RateLimits inPostgreSql(DataSource dataSource, Limits limits) {
        return new RateLimits(Bucket4jPostgreSQL.advisoryLockBasedBuilder(dataSource)
                .table("rate_limit_bucket")
                .idColumn("id")
                .stateColumn("state")
                .expiresAtColumn("expires_at")
                .expirationAfterWrite(dropWhenFull())
                .build(), limits);
    }

    private static ExpirationAfterWriteStrategy dropWhenFull() {
        return ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(5));
    }

    public Client forKey(ApiKey key) {
        boolean ownLimit = key.requestsPerMinute() != null;
        return new Client(key.id(), ownLimit ? "key" : key.role().code(),
                ownLimit ? key.requestsPerMinute() : limits.forRole(key.role()));
    }

    /** Addresses share the key space with key ids (positive) by taking the negative longs. */
    public Client forAddress(String address) {
        return new Client(Long.MIN_VALUE | hash(address), "anonymous", limits.anonymous());
    }

    /** Takes {@code cost} tokens (at most the whole bucket, so a costly verb stays callable). */
    public Decision consume(Client client, long cost) {
        ConsumptionProbe probe = buckets.builder()
                .build(client.bucketId(), () -> configuration(client.limit()))
                .tryConsumeAndReturnRemaining(Math.min(cost, client.limit()));
        return new Decision(probe.isConsumed(), client, probe.getRemainingTokens(),
                ceilSeconds(probe.getNanosToWaitForReset()),
                probe.isConsumed() ? 0 : Math.max(1, ceilSeconds(probe.getNanosToWaitForRefill())),
                limits.window());
    }

    /** Deletes refilled buckets from rate_limit_bucket; in memory, Caffeine expires them itself. */
    public void removeExpired() {
        if (buckets instanceof ExpiredEntriesCleaner cleaner) {
            while (cleaner.removeExpired(EXPIRED_ROWS_PER_SWEEP) == EXPIRED_ROWS_PER_SWEEP) {
                // a full batch: there may be more
            }
        }
    }

    private BucketConfiguration configuration(long limit) {
        return BucketConfiguration.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limit).refillGreedy(limit, limits.window()))
                .build();
    }

    private static long ceilSeconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }

    private static long hash(String address) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(address.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
