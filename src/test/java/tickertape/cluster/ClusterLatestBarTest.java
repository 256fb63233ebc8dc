package tickertape.cluster;

import static org.assertj.core.api.Assertions.assertThat;

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
import tickertape.sandbox.Aggregate;
import tickertape.sandbox.SyntheticBars;

/**
 * Bars ingested through one instance are the latest bar the other serves, though it held the older
 * one in memory: the writer's announcement reaches every instance's cache.
 */
class ClusterLatestBarTest {
    private static final String TICKER = "SPY";
    private static final LocalDate TUESDAY = LocalDate.of(2025, 3, 4);
    private static final LocalDate WEDNESDAY = TUESDAY.plusDays(1);
    /** An announcement takes milliseconds; only a stalled machine reaches this. */
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
    private static final SyntheticBars SOURCE = new SyntheticBars(new ExchangeCalendar());

    private final FakePolygon fake = new FakePolygon("pk_latest_" + System.nanoTime(),
            Clock.fixed(midnight(WEDNESDAY.plusDays(1)), ZoneOffset.UTC));
    @RegisterExtension
    final Instances instances = Instances.against(fake, Map.of());

    @Test
    void barsIngestedThroughOneInstanceAreTheLatestTheOtherServes() throws Exception {
        Main writer = instances.start();
        Main reader = instances.start();
        instances.execute("insert into ticker(symbol, active) values ('" + TICKER + "', true)");
        String key = instances.issueKey(Role.BOT);

        ingest(writer, TUESDAY);
        assertThat(latestStart(reader, key)).as("read, so the reader holds it")
                .isEqualTo(lastMinuteOf(TUESDAY).startMillis());
        ingest(writer, WEDNESDAY);

        long wednesdaysLast = lastMinuteOf(WEDNESDAY).startMillis();
        Instances.await(DEADLINE, "the reader to serve Wednesday's last minute",
                () -> latestStart(reader, key) == wednesdaysLast);
    }

    /** Ingests the day's minutes through {@code app} and waits for its run to succeed. */
    private void ingest(Main app, LocalDate day) throws Exception {
        long before = instances.queryLong("select coalesce(max(id), 0) from ingestion_run");
        NotifyBuilder ended = RunsEnded.after(app.getCamelContext(), 1);
        app.getCamelContext().createProducerTemplate().sendBody("direct:queue-jobs", List.of(
                new IngestionJob(RunTrigger.MANUAL, TICKER, Timeframe.M1, midnight(day), midnight(day.plusDays(1)).minusMillis(1),
                        false)));
        assertThat(ended.matches(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the run of %s ended", day).isTrue();
        assertThat(instances.queryText("select string_agg(status, ',') from ingestion_run where id > " + before))
                .as("the run of %s", day).isEqualTo("SUCCEEDED");
    }

    /** The start (Unix ms) of the latest 1m bar {@code app} serves. */
    private static long latestStart(Main app, String key) throws Exception {
        HttpResponse<String> response = Instances.get(app, "/api/v2/data/market/latest?ticker=" + TICKER
                + "&timeframe=1m", key);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode latest = new ObjectMapper().readTree(response.body());
        return Instant.parse(latest.path("bar").path("ts").asText()).toEpochMilli();
    }

    private static Aggregate lastMinuteOf(LocalDate day) {
        List<Aggregate> minutes = SOURCE.minuteBars(TICKER, day);
        return minutes.get(minutes.size() - 1);
    }

    private static Instant midnight(LocalDate day) {
        return day.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant();
    }
}
