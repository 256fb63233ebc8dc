package tickertape.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import tickertape.bars.LatestBarCache;
import tickertape.bars.MarketBarChanges;
import tickertape.market.Timeframe;
import tickertape.sandbox.Aggregate;

/**
 * GET /api/v2/data/market/latest moves when newer bars are ingested through the whole pipeline (the
 * fake Polygon, the routes, the batch writer): for a fetched timeframe (1m), a rolled-up one (1h) and
 * the daily bars. Each series is first read, so it is held in memory, then newer bars are ingested: the
 * next reads must return them. Nothing in the test tells the cache; the writer's announcement does.
 */
class LatestBarMovesTest extends IngestionTestSupport {
    private static final String TICKER = "SPY";
    private static final LocalDate TUESDAY = LocalDate.of(2025, 3, 4);
    private static final LocalDate WEDNESDAY = TUESDAY.plusDays(1);
    /** The first ingest of 1m bars ends here, 13:00 New York on Tuesday. */
    private static final Instant TUESDAY_AFTERNOON = midnight(TUESDAY).plus(Duration.ofHours(13));
    /** An announcement takes milliseconds; only a stalled machine reaches this. */
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void theLatestBarOfAFetchedARolledUpAndTheDailyTimeframeMovesWhenNewerBarsAreIngested() throws Exception {
        addTicker(TICKER);
        ingestWindow(Timeframe.M1, midnight(TUESDAY), TUESDAY_AFTERNOON);
        ingestWindow(Timeframe.D1, midnight(TUESDAY.minusDays(7)), midnight(WEDNESDAY));
        Aggregate tuesdaysLast = lastMinute(TUESDAY, TUESDAY_AFTERNOON);

        assertLatest(Timeframe.M1, Instant.ofEpochMilli(tuesdaysLast.startMillis()), tuesdaysLast.close());
        assertLatest(Timeframe.H1, hourOf(tuesdaysLast), tuesdaysLast.close());
        assertLatest(Timeframe.D1, midnight(TUESDAY), storedClose(Timeframe.D1, midnight(TUESDAY)));
        for (Timeframe timeframe : List.of(Timeframe.M1, Timeframe.H1, Timeframe.D1)) {
            // a read can race the announcement of the write before it, which then forgets it: read again
            await(DEADLINE, TICKER + " " + timeframe.code() + " held in memory", () -> {
                latest(timeframe);
                return latestBarCache().get(new MarketBarChanges.Series(TICKER, timeframe.code())) != null;
            });
        }

        ingestWindow(Timeframe.M1, TUESDAY_AFTERNOON, midnight(WEDNESDAY.plusDays(1)));
        ingestWindow(Timeframe.D1, midnight(WEDNESDAY), midnight(WEDNESDAY.plusDays(1)));
        Aggregate wednesdaysLast = lastMinute(WEDNESDAY, midnight(WEDNESDAY.plusDays(1)));

        assertLatest(Timeframe.M1, Instant.ofEpochMilli(wednesdaysLast.startMillis()), wednesdaysLast.close());
        assertLatest(Timeframe.H1, hourOf(wednesdaysLast), wednesdaysLast.close());
        assertLatest(Timeframe.D1, midnight(WEDNESDAY), storedClose(Timeframe.D1, midnight(WEDNESDAY)));
    }

    /** Runs a manual run of the 1m or 1d bars starting in [from, to) through the pipeline to its end. */
    private void ingestWindow(Timeframe timeframe, Instant from, Instant to) throws Exception {
        Run run = ingest(TICKER, timeframe, from, to.minusMillis(1));
        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.inserted()).as("bars stored by " + run).isEqualTo(sourceBars(timeframe, from, to));
    }

    /** How many bars the source has starting in [from, to): its minutes, or a day bar per day it trades. */
    private static long sourceBars(Timeframe timeframe, Instant from, Instant to) {
        LocalDate first = from.atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
        LocalDate last = to.minusMillis(1).atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
        if (timeframe == Timeframe.D1) {
            return first.datesUntil(last.plusDays(1))
                    .filter(day -> !sourceMinutes(TICKER, day, day).isEmpty()).count();
        }
        return sourceMinutes(TICKER, first, last).stream()
                .filter(bar -> bar.startMillis() >= from.toEpochMilli() && bar.startMillis() < to.toEpochMilli()).count();
    }

    /** The source's last 1m bar of {@code day} starting before {@code before}. */
    private static Aggregate lastMinute(LocalDate day, Instant before) {
        List<Aggregate> minutes = sourceMinutes(TICKER, day, day).stream()
                .filter(bar -> bar.startMillis() < before.toEpochMilli()).toList();
        return minutes.get(minutes.size() - 1);
    }

    private static Instant hourOf(Aggregate minute) {
        return Timeframe.H1.bucketStart(Instant.ofEpochMilli(minute.startMillis()));
    }

    private double storedClose(Timeframe timeframe, Instant ts) throws Exception {
        StoredBar bar = storedBars(TICKER, timeframe, ts, ts.plusMillis(1)).get(ts.toEpochMilli());
        assertThat(bar).as("stored " + timeframe.code() + " bar at " + ts).isNotNull();
        return bar.close();
    }

    /** Polls the latest bar until it starts at {@code ts} (its announcement takes milliseconds), then checks its close. */
    private void assertLatest(Timeframe timeframe, Instant ts, double close) throws Exception {
        String what = TICKER + " " + timeframe.code() + " latest bar at " + ts;
        await(DEADLINE, what, () -> latest(timeframe).path("bar").path("ts").asText().equals(ts.toString()));
        JsonNode latest = latest(timeframe);
        assertThat(latest.path("ticker").asText()).isEqualTo(TICKER);
        assertThat(latest.path("timeframe").asText()).isEqualTo(timeframe.code());
        assertThat(latest.path("bar").path("close").asDouble()).as("close of " + what).isEqualTo(close);
    }

    private JsonNode latest(Timeframe timeframe) throws Exception {
        HttpResponse<String> response = get("/api/v2/data/market/latest?ticker=" + TICKER + "&timeframe=" + timeframe.code());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private LatestBarCache latestBarCache() {
        return context.getRegistry().lookupByNameAndType("latestBarCache", LatestBarCache.class);
    }
}
