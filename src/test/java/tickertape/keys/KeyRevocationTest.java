package tickertape.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tickertape.api.market.ApiTestSupport;

/**
 * Authenticated keys are kept in memory, and every change to api_key reaches that memory: a key
 * revoked or deleted by SQL (as psql or the keys CLI would) or over REST is refused, also after the
 * listener's connection was killed, and the cache is back in use once the listener reconnects.
 *
 * <p>A change made outside this process is refused once its announcement arrives (milliseconds):
 * those assertions poll until a deadline that only a stalled machine reaches. Each test first checks
 * that its key is held in memory, so a pass cannot come from a cache that was not in use.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeyRevocationTest extends ApiTestSupport {
    private static final String PORTFOLIO = "/api/trading/portfolio";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Override
    protected Properties extraProperties() {
        return withoutTickers();
    }

    @Test
    void aKeyRevokedOrDeletedBySqlIsRefused() throws Exception {
        IssuedKey revoked = cachedKey("revoked by sql");
        IssuedKey deleted = cachedKey("deleted by sql");

        update("update api_key set revoked_at = now() where prefix = ?", revoked.key().prefix());
        update("delete from api_key where prefix = ?", deleted.key().prefix());

        awaitRefused(revoked, "revoked by SQL");
        awaitRefused(deleted, "deleted by SQL");
    }

    @Test
    void aKeyRevokedOverRestIsRefusedOnTheNextRequestWithoutWaitingForTheAnnouncement() throws Exception {
        IssuedKey key = cachedKey("revoked over rest");
        execute("alter table api_key disable trigger api_key_changed");
        try {
            Reply revoked = send(Role.OPS, request("/api/keys/" + key.key().prefix()).DELETE());
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
            assertThat(status(key)).as("the next request, with no announcement to wait for").isEqualTo(401);
        } finally {
            execute("alter table api_key enable trigger api_key_changed");
        }
    }

    @Test
    void whenTheListenersConnectionIsKilledNoRevocationIsMissedAndTheCacheResumes() throws Exception {
        IssuedKey key = cachedKey("revoked while the listener is killed");
        int killedPid = listenerPid();
        // One transaction: the listener's backend is gone by the time the revocation is announced.
        try (Connection connection = dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("select pg_terminate_backend(" + killedPid + ")");
                statement.execute("update api_key set revoked_at = now() where prefix = '" + key.key().prefix() + "'");
            }
            connection.commit();
        }
        awaitRefused(key, "revoked while the listener was killed");

        await(DEADLINE, "the listener on a new connection", () -> {
            Integer pid = listenerPidOrNull();
            return pid != null && pid != killedPid;
        });
        IssuedKey after = cachedKey("revoked after the listener reconnected");
        update("update api_key set revoked_at = now() where prefix = ?", after.key().prefix());
        awaitRefused(after, "revoked after the listener reconnected");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void stoppingTheAppStopsTheListenerThread() throws Exception {
        assertThat(listenerThreads()).as("listener threads while running").isEqualTo(1);
        context.stop();
        assertThat(listenerThreads()).as("listener threads after stop").isZero();
    }

    /** A new bot key, used once, and then held in memory (the cache is trusted, and holds one key more). */
    private IssuedKey cachedKey(String name) throws Exception {
        KeyCache cache = context.getRegistry().lookupByNameAndType("keyCache", KeyCache.class);
        await(DEADLINE, "the key cache to be trusted", cache::isTrusted);
        IssuedKey key = context.getRegistry().lookupByNameAndType("apiKeys", ApiKeys.class).issue(Role.BOT, name, null);
        int before = cache.size();
        assertThat(status(key)).isEqualTo(200);
        assertThat(cache.size()).as("keys in memory after the first request of " + name).isEqualTo(before + 1);
        assertThat(status(key)).isEqualTo(200);
        return key;
    }

    private void awaitRefused(IssuedKey key, String how) throws Exception {
        await(DEADLINE, "a key " + how + " to be refused", () -> status(key) == 401);
    }

    private int status(IssuedKey key) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + PORTFOLIO))
                .header("Authorization", "Bearer " + key.secret()).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private void update(String sql, String prefix) throws Exception {
        try (Connection connection = dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, prefix);
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
    }

    private static long listenerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("tickertape-store-changes") && thread.isAlive())
                .count();
    }
}
