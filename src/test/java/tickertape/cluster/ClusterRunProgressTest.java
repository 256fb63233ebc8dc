package tickertape.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tickertape.ingest.IngestionJob;
import tickertape.ingest.RunTrigger;
import tickertape.ingest.RunsEnded;
import tickertape.keys.Role;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;
import tickertape.polygon.FakePolygon.Fault;
import tickertape.sandbox.Aggregate;
import tickertape.sandbox.SyntheticBars;

/**
 * A run fetched by one instance shows the same progress and ETA on the other: both read them from the
 * run's row, not from the memory of the process that fetches it.
 */
class ClusterRunProgressTest {
    private static final String TICKER = "SPY";
    private static final LocalDate DAY = LocalDate.of(2025, 3, 4);
    /** The run's window: the day, both ends inclusive. */
    private static final Instant FROM = midnight(DAY);
    private static final Instant TO = midnight(DAY.plusDays(1)).minusMillis(1);
    /** How long each page after the first is held: the run stands still at its first page meanwhile. */
    private static final Duration HELD = Duration.ofSeconds(10);
    private static final int PAGE_BARS = 200;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakePolygon fake = new FakePolygon("pk_progress_" + System.nanoTime(),
            Clock.fixed(midnight(DAY.plusDays(1)), ZoneOffset.UTC));
    @RegisterExtension
    final Instances instances = Instances.against(fake, Map.of("polygon.page-limit", String.valueOf(PAGE_BARS)));

    @Test
    void aRunFetchedByOneInstanceShowsTheSameProgressOnTheOther() throws Exception {
        Main fetcher = instances.start();
        Main other = instances.start();
        instances.execute("insert into ticker(symbol, active) values ('" + TICKER + "', true)");
        String key = instances.issueKey(Role.OPS);
        fake.failMatching("cursor=", Integer.MAX_VALUE, Fault.responseDelay(HELD));

        NotifyBuilder ended = RunsEnded.after(fetcher.getCamelContext(), 1);
        // newest first, as a backfill fetches: progress counts back from the window's end
        fetcher.getCamelContext().createProducerTemplate().sendBody("direct:queue-jobs",
                List.of(new IngestionJob(RunTrigger.MANUAL, TICKER, Timeframe.M1, FROM, TO, true)));
        Instances.await(DEADLINE, "the run's first page to be written through", () -> instances.queryLong(
                "select count(*) from ingestion_run where status = 'RUNNING' and received > 0") == 1);
        long run = instances.queryLong("select id from ingestion_run");

        JsonNode onFetcher = get(fetcher, "/api/v2/data/ingest/" + run, key);
        JsonNode onOther = get(other, "/api/v2/data/ingest/" + run, key);
        JsonNode runningOnOther = get(other, "/api/v2/data/ingest/status", key).path("running").path(0);

        assertThat(onFetcher.path("progress").asDouble()).as("the first page's share of the day")
                .isEqualTo(firstPageShare());
        assertThat(onOther.path("progress").isNumber()).as("the other instance's answer %s", onOther).isTrue();
        assertThat(onOther.path("progress").asDouble()).isEqualTo(onFetcher.path("progress").asDouble());
        assertThat(runningOnOther.path("id").asLong()).isEqualTo(run);
        assertThat(runningOnOther.path("progress").asDouble()).isEqualTo(onFetcher.path("progress").asDouble());
        // the same estimate, made a few milliseconds later: the time between the answers, scaled by the share left
        long fetcherEta = Instant.parse(onFetcher.path("eta").asText()).toEpochMilli();
        assertThat(Instant.parse(onOther.path("eta").asText()).toEpochMilli()).isCloseTo(fetcherEta, within(5_000L));
        assertThat(Instant.parse(runningOnOther.path("eta").asText()).toEpochMilli())
                .isCloseTo(fetcherEta, within(5_000L));

        fake.clearFaults();
        assertThat(ended.matches(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("the run ended").isTrue();
    }

    /** The share of the day's window (3 decimals) the first page covers: from its end back to the page's oldest bar. */
    private static double firstPageShare() {
        List<Aggregate> minutes = new SyntheticBars(new ExchangeCalendar()).minuteBars(TICKER, DAY);
        long reached = minutes.get(minutes.size() - PAGE_BARS).startMillis();
        double share = (TO.toEpochMilli() - reached) / (double) Duration.between(FROM, TO).toMillis();
        return Math.round(share * 1000) / 1000.0;
    }

    /** {@code path} of {@code app} with {@code key}, answered 200. */
    private static JsonNode get(Main app, String path, String key) throws Exception {
        HttpResponse<String> response = Instances.get(app, path, key);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static Instant midnight(LocalDate day) {
        return day.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant();
    }
}
