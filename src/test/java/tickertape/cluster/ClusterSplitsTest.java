package tickertape.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tickertape.ingest.TickerRoutes;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;

/**
 * Two instances on one database both start the same tickers at once, and both heal every 300 ms:
 * each ticker's splits are asked for once, by whichever instance claimed them in split_check.
 */
class ClusterSplitsTest {
    private static final List<String> TICKERS = List.of("SPY", "QQQ", "IWM", "UVXY");
    private static final LocalDate FIRST = LocalDate.of(2024, 4, 1);
    private static final LocalDate LAST = LocalDate.of(2024, 4, 5);
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final FakePolygon fake = new FakePolygon("pk_splits_" + System.nanoTime(),
            Clock.fixed(LAST.plusDays(1).atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant(), ZoneOffset.UTC));
    @RegisterExtension
    final Instances instances = Instances.against(fake, Map.of(
            "polygon.requests-per-window", "10",
            "polygon.budget-window-millis", "500",
            "tickertape.backfill-from", FIRST.toString(),
            "ingest.heal-interval-millis", "300"));

    @Test
    void twoInstancesAskForEachTickersSplitsOnce() throws Exception {
        List<Main> both = List.of(instances.start(), instances.start());
        for (String symbol : TICKERS) {
            instances.execute("insert into ticker(symbol, active) values ('" + symbol + "', true)");
        }
        // What each instance does when its ticker routes start, sent by hand: a cluster's instances start
        // one after another, and the point is both claiming each ticker's check in the same moment.
        for (String symbol : TICKERS) {
            for (Main instance : both) {
                instance.getCamelContext().createProducerTemplate().asyncSendBody("seda:ticker-started",
                        new TickerRoutes.TickerBlock(symbol, FIRST.toString()));
            }
        }

        Instances.await(DEADLINE, "every ticker's splits checked", () -> instances.queryLong(
                "select count(*) from split_check where checked_at is not null") == TICKERS.size());
        // one more check of every ticker on each instance, awaited: none is due any more
        for (Main instance : both) {
            ProducerTemplate producer = instance.getCamelContext().createProducerTemplate();
            for (String symbol : TICKERS) {
                producer.sendBody("seda:fetch-splits?waitForTaskToComplete=Always",
                        new TickerRoutes.TickerBlock(symbol, FIRST.toString()));
            }
        }

        for (String symbol : TICKERS) {
            assertThat(fake.requests()).as("splits requests of %s", symbol)
                    .filteredOn(request -> request.pathAndQuery().startsWith("/v3/reference/splits?ticker=" + symbol + "&"))
                    .hasSize(1);
        }
        assertThat(instances.queryLong("select count(*) from split where ticker = 'UVXY'")).isEqualTo(13);
    }
}
