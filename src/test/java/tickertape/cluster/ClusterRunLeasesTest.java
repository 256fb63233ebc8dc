package tickertape.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tickertape.AppTestSupport;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;
import tickertape.polygon.FakePolygon.Fault;

/**
 * A second instance that starts, and heals, while the first is mid-backfill leaves the first's runs
 * alone: neither its start (the same ticker block's) nor its healing closes a run whose owner renews its
 * lease, nor plans its series again.
 */
class ClusterRunLeasesTest {
    private static final String TICKER = "SPY";
    private static final LocalDate FIRST = LocalDate.of(2024, 3, 4);
    private static final LocalDate LAST = LocalDate.of(2024, 3, 8);
    /** Heals every 300 ms: more than two leases (2 s) pass. */
    private static final int HEALS = 15;
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final FakePolygon fake = new FakePolygon("pk_leases_" + System.nanoTime(),
            Clock.fixed(midnight(LAST.plusDays(1)), ZoneOffset.UTC));
    @RegisterExtension
    final Instances instances = Instances.against(fake, Map.of(
            "polygon.page-limit", "100",
            "ingest.batch-rows", "1",
            "tickertape.backfill-from", FIRST.toString(),
            "ingest.heal-interval-millis", "300",
            "ingest.run-lease", "PT2S",
            "ingest.lease-renew-millis", "500"));

    @Test
    void aSecondInstanceStartingAndHealingLeavesTheFirstsLiveRunsAlone() throws Exception {
        // each minute page arrives late, so the backfill is still going while the second instance heals
        fake.failMatching("/range/1/minute/", Integer.MAX_VALUE, Fault.responseDelay(Duration.ofSeconds(1)));
        // both instances read the same ticker block, as a cluster's do: the first starts its backfill
        instances.startWithTickers(AppTestSupport.tickerBlock(TICKER));
        Instances.await(DEADLINE, "the minute backfill to be under way", () -> instances.queryLong(
                "select count(*) from ingestion_run where timeframe = '1m' and status = 'RUNNING' and api_calls > 0") == 1);
        long run = instances.queryLong("select id from ingestion_run where timeframe = '1m'");
        String owner = instances.queryText("select owner from ingestion_run where id = " + run);

        Main second = instances.startWithTickers(AppTestSupport.tickerBlock(TICKER));
        NotifyBuilder heals = new NotifyBuilder(second.getCamelContext()).fromRoute("heal-holes").whenCompleted(HEALS).create();
        assertThat(heals.matches(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .as(HEALS + " heals of the second instance, each past a lease").isTrue();

        assertThat(instances.queryLong("select count(*) from ingestion_run where id = " + run
                + " and status = 'RUNNING'")).as("the first's run is still its own and running").isEqualTo(1);
        assertThat(instances.queryText("select owner from ingestion_run where id = " + run)).isEqualTo(owner);
        assertThat(instances.queryLong("select count(*) from ingestion_run where id <> " + run
                + " and timeframe = '1m'")).as("no second run of the series").isZero();
    }

    private static Instant midnight(LocalDate day) {
        return day.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant();
    }
}
