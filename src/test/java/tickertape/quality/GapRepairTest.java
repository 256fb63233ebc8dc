package tickertape.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon.Fault;
import tickertape.polygon.FakePolygon.RecordedRequest;
import tickertape.sandbox.SyntheticBars;

/**
 * Gap repair against the fake source: a thin ticker's day is ingested, some bars the source has are
 * deleted, and a repair fetches the gaps' window once, restores what the source has, confirms the
 * rest empty, and never asks again.
 */
class GapRepairTest extends QualityTestSupport {
    private static final ExchangeCalendar CALENDAR = new ExchangeCalendar();
    private static final SyntheticBars SOURCE = new SyntheticBars(CALENDAR);
    private static final LocalDate DAY = LocalDate.of(2024, 3, 5);
    private static final String DATE = DAY.toString();
    private static final String REPAIR = "/api/v2/data/quality/repair?timeframe=1m&from=" + DATE + "&to=" + DATE;

    @Test
    void aThinTickersGapsAreFetchedOnceThenConfirmedEmptyAndNeverAskedForAgain() throws Exception {
        addTicker("UVXY");
        assertThat(ingestDay("UVXY", Timeframe.M1)).isEqualTo("SUCCEEDED");
        deleteBars("UVXY", "1m", DAY, "11:00", "11:10");
        // the day as a write that failed leaves it: its bars partly gone, the source's answer not recorded
        setAnswered("UVXY", "1m", newYorkInstant(DAY, "00:00"), newYorkInstant(DAY.plusDays(1), "00:00"), false);
        int heldAtSource = regularMinutesAtSource("UVXY", "09:30", "16:00");
        int deletedHeldAtSource = regularMinutesAtSource("UVXY", "11:00", "11:10");
        JsonNode before = quality("UVXY", "1m", DATE, DATE);
        assertThat(before.path("missingBars").asInt()).isEqualTo(390 - heldAtSource + deletedHeldAtSource);
        assertThat(before.path("gapCount").asInt()).as("a thin ticker misses many minutes").isGreaterThan(10);
        int since = fake.requestCount();

        Reply repair = post(REPAIR + "&ticker=UVXY");

        assertThat(repair.status()).as(repair.json().toString()).isEqualTo(202);
        assertThat(repair.json().path("runIds")).hasSize(1);
        assertThat(awaitRun(repair.json().path("runIds").get(0).asLong())).isEqualTo("SUCCEEDED");
        await(RUN_TIMEOUT, "the gaps the source lacks to be confirmed empty",
                () -> quality("UVXY", "1m", DATE, DATE).path("missingBars").asInt() == 0);
        JsonNode after = quality("UVXY", "1m", DATE, DATE);
        assertThat(after.path("presentBars").asInt()).as("the deleted bars are back").isEqualTo(heldAtSource);
        assertThat(after.path("confirmedEmptyBars").asInt()).isEqualTo(390 - heldAtSource);
        assertThat(after.path("coveragePercent").asDouble()).isEqualTo(100.0);
        List<RecordedRequest> asked = requestsSince(since);
        assertThat(asked).as("one request for the one window of gaps").hasSize(1);
        assertThat(asked.get(0).pathAndQuery()).startsWith("/v2/aggs/ticker/UVXY/range/1/minute/");

        Reply again = post(REPAIR + "&ticker=UVXY");

        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().path("runIds")).isEmpty();
        assertThat(requestsSince(since)).as("confirmed-empty gaps are not asked again").hasSize(1);
    }

    @Test
    void aRepairThatFailsConfirmsNothing() throws Exception {
        addTicker("FAIL");
        insertBars("FAIL", "1m", DAY, "09:30", "15:00", "1 minute");
        fake.failMatching("/ticker/FAIL/", Integer.MAX_VALUE, Fault.BAD_REQUEST);

        Reply repair = post(REPAIR + "&ticker=FAIL");

        assertThat(awaitRun(repair.json().path("runIds").get(0).asLong())).isEqualTo("FAILED");
        assertThat(quality("FAIL", "1m", DATE, DATE).path("missingBars").asInt()).isEqualTo(60);
        assertThat(queryLong("select count(*) from series_coverage where ticker = 'FAIL'"))
                .as("a failed run answered for nothing").isZero();
    }

    @Test
    void aMissingDayBarIsRefetchedThroughTheDailySeries() throws Exception {
        addTicker("DAYR");
        LocalDate monday = LocalDate.of(2024, 3, 4);
        assertThat(ingest("DAYR", Timeframe.D1, newYorkInstant(monday, "00:00"),
                newYorkInstant(monday.plusDays(5), "00:00").minusMillis(1))).isEqualTo("SUCCEEDED");
        execute("delete from market_bar where ticker = 'DAYR' and timeframe = '1d' and ts = " + newYork(DAY, "00:00"));
        setAnswered("DAYR", "1d", newYorkInstant(DAY, "00:00"), newYorkInstant(DAY.plusDays(1), "00:00"), false);
        int since = fake.requestCount();

        Reply repair = post("/api/v2/data/quality/repair?ticker=DAYR&timeframe=1d&from=2024-03-04&to=2024-03-08");

        assertThat(awaitRun(repair.json().path("runIds").get(0).asLong())).isEqualTo("SUCCEEDED");
        JsonNode days = quality("DAYR", "1d", "2024-03-04", "2024-03-08");
        assertThat(days.path("presentBars").asInt()).isEqualTo(5);
        assertThat(days.path("gapCount").asInt()).isZero();
        assertThat(requestsSince(since)).singleElement()
                .satisfies(request -> assertThat(request.pathAndQuery()).contains("/DAYR/range/1/day/"));
    }

    private String ingestDay(String ticker, Timeframe timeframe) throws Exception {
        return ingest(ticker, timeframe, newYorkInstant(DAY, "00:00"),
                newYorkInstant(DAY.plusDays(1), "00:00").minusMillis(1));
    }

    /** How many of [from, to) New York time on DAY the source has a bar for. */
    private static int regularMinutesAtSource(String ticker, String from, String to) {
        Instant start = newYorkInstant(DAY, from);
        Instant end = newYorkInstant(DAY, to);
        return (int) SOURCE.minuteBars(ticker, DAY).stream()
                .map(bar -> Instant.ofEpochMilli(bar.startMillis()))
                .filter(minute -> !minute.isBefore(start) && minute.isBefore(end))
                .count();
    }

    private List<RecordedRequest> requestsSince(int since) {
        List<RecordedRequest> all = fake.requests();
        return all.subList(since, all.size());
    }
}
