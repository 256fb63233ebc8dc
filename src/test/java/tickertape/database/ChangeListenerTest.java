package tickertape.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tickertape.api.market.ApiTestSupport;
import tickertape.bars.LatestBarCache;
import tickertape.bars.MarketBarChanges;
import tickertape.bars.SplitAdjustments;
import tickertape.market.Timeframe;

/**
 * A listener that cannot connect vouches for nothing: its cache answers no lookup, so every lookup reads
 * the store and sees even a change nobody announced; once it connects the cache is used again. Run on a
 * listener of the test's own, whose connections fail on demand, against the app's PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChangeListenerTest extends ApiTestSupport {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String APPLICATION_NAME = "change listener under test";
    private static final MarketBarChanges.Series SERIES = new MarketBarChanges.Series("CHLA", "1m");

    private volatile boolean databaseUnreachable;

    @Override
    protected Properties extraProperties() {
        return withoutTickers();
    }

    @Test
    void whileTheListenerIsDownEveryLookupReadsTheStoreAndOnceBackTheCacheIsUsedAgain() throws Exception {
        addTicker("CHLA");
        insertBars("CHLA", "1m", Instant.parse("2025-01-02T14:30:00Z"), Duration.ofMinutes(1), 1);
        LatestBarCache cache = new LatestBarCache(dataSource(), new SplitAdjustments(dataSource(), Clock.systemUTC()));
        ChangeListener listener = new ChangeListener(this::connectUnlessUnreachable, List.of(cache),
                Duration.ofMillis(200), Duration.ofMillis(200));
        listener.start();
        try {
            await(DEADLINE, "the listener vouching for the cache", cache::isTrusted);
            assertThat(close(cache)).isEqualTo(closeAt(0));
            assertThat(cache.get(SERIES)).as("held while trusted").isNotNull();

            databaseUnreachable = true;
            execute("select pg_terminate_backend(pid) from pg_stat_activity where application_name = '"
                    + APPLICATION_NAME + "'");
            await(DEADLINE, "the cache no longer trusted", () -> !cache.isTrusted());
            setCloseUnannounced(55.5);
            assertThat(close(cache)).as("a change nobody announced, read from the store").isEqualTo(55.5);
            setCloseUnannounced(56.5);
            assertThat(close(cache)).as("and the next one").isEqualTo(56.5);
            assertThat(cache.get(SERIES)).as("nothing answered from memory while not trusted").isNull();

            databaseUnreachable = false;
            await(DEADLINE, "the listener vouching for the cache again", cache::isTrusted);
            assertThat(close(cache)).isEqualTo(56.5);
            assertThat(cache.get(SERIES)).as("held once trusted again").isNotNull();
        } finally {
            listener.stop();
        }
        assertThat(cache.isTrusted()).as("trusted after the listener stopped").isFalse();
    }

    private Connection connectUnlessUnreachable() throws SQLException {
        if (databaseUnreachable) {
            throw new SQLException("the test made the database unreachable");
        }
        return context.getRegistry().lookupByNameAndType("database", Database.class)
                .openDedicatedConnection(APPLICATION_NAME);
    }

    private static double close(LatestBarCache cache) {
        return cache.latest(SERIES.ticker(), Timeframe.M1, true).orElseThrow().close();
    }

    private void setCloseUnannounced(double close) throws Exception {
        execute("update market_bar set open = " + close + ", high = " + close + ", low = " + close + ", close = "
                + close + " where ticker = 'CHLA' and timeframe = '1m'");
    }
}
