package tickertape.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;

/** GET /api/v2/data/quality on a store seeded with known gaps (bars inserted directly, nothing ingested). */
class QualityReportTest extends QualityTestSupport {
    private static final LocalDate MONDAY = LocalDate.of(2024, 3, 4);
    private static final LocalDate SATURDAY = LocalDate.of(2024, 3, 9);
    /** The day after Thanksgiving 2024: the regular session ends at 13:00, after-hours at 17:00. */
    private static final LocalDate EARLY_CLOSE = LocalDate.of(2024, 11, 29);

    /** A full Monday of 1m bars but for 10:00–10:10 and 15:50–16:00, with 3 pre-market and 2 after-hours bars. */
    private void seedMondayWithTwoGaps(String ticker) throws Exception {
        addTicker(ticker);
        insertBars(ticker, "1m", MONDAY, "09:30", "10:00", "1 minute");
        insertBars(ticker, "1m", MONDAY, "10:10", "15:50", "1 minute");
        insertBars(ticker, "1m", MONDAY, "08:00", "08:03", "1 minute");
        insertBars(ticker, "1m", MONDAY, "16:00", "16:02", "1 minute");
    }

    @Test
    void expectedPresentCoverageAndGapsOfADayAreExactWithExtendedHoursApart() throws Exception {
        seedMondayWithTwoGaps("GAPS");

        JsonNode series = quality("GAPS", "1m", "2024-03-04", "2024-03-04");

        assertThat(series.path("expectedBars").asInt()).isEqualTo(390);
        assertThat(series.path("presentBars").asInt()).isEqualTo(370);
        assertThat(series.path("missingBars").asInt()).isEqualTo(20);
        assertThat(series.path("confirmedEmptyBars").asInt()).isZero();
        assertThat(series.path("coveragePercent").asDouble()).isEqualTo(94.87); // 370 / 390, rounded down
        assertThat(series.path("gapCount").asInt()).isEqualTo(2);
        assertGap(series.path("gaps").get(0), newYorkInstant(MONDAY, "10:00"), newYorkInstant(MONDAY, "10:10"), 10, false);
        assertGap(series.path("gaps").get(1), newYorkInstant(MONDAY, "15:50"), newYorkInstant(MONDAY, "16:00"), 10, false);
        JsonNode extended = series.path("extendedHours");
        assertThat(extended.path("preMarketBars").asInt()).isEqualTo(3);
        assertThat(extended.path("afterHoursBars").asInt()).isEqualTo(2);
        assertThat(extended.path("outsideSessionBars").asInt()).isZero();
        assertThat(series.path("ohlcViolations").asInt()).isZero();
        assertThat(series.path("duplicateTimestamps").asInt()).isZero();
        assertThat(series.path("misalignedBars").asInt()).isZero();
        assertThat(series.has("derivedMismatches")).as("only derived timeframes are compared with 1m").isFalse();
    }

    @Test
    void aGapTheSourceConfirmedEmptyIsListedAsConfirmedAndNotCountedAsMissingInAnyTimeframe() throws Exception {
        seedMondayWithTwoGaps("CONF");
        setAnswered("CONF", "1m", newYorkInstant(MONDAY, "10:00"), newYorkInstant(MONDAY, "10:10"), true);

        JsonNode minutes = quality("CONF", "1m", "2024-03-04", "2024-03-04");

        assertThat(minutes.path("missingBars").asInt()).isEqualTo(10);
        assertThat(minutes.path("confirmedEmptyBars").asInt()).isEqualTo(10);
        assertThat(minutes.path("coveragePercent").asDouble()).isEqualTo(97.36); // 370 / 380
        assertGap(minutes.path("gaps").get(0), newYorkInstant(MONDAY, "10:00"), newYorkInstant(MONDAY, "10:10"), 10, true);
        assertThat(minutes.path("gaps").get(1).path("confirmed").asBoolean()).isFalse();

        // No 5m bars at all: every bucket is missing, and the two 5m buckets inside the confirmed minutes are confirmed.
        JsonNode fiveMinutes = quality("CONF", "5m", "2024-03-04", "2024-03-04");

        assertThat(fiveMinutes.path("expectedBars").asInt()).isEqualTo(78);
        assertThat(fiveMinutes.path("presentBars").asInt()).isZero();
        assertThat(fiveMinutes.path("missingBars").asInt()).isEqualTo(76);
        assertThat(fiveMinutes.path("confirmedEmptyBars").asInt()).isEqualTo(2);
        assertThat(fiveMinutes.path("coveragePercent").asDouble()).isZero();
        assertGap(fiveMinutes.path("gaps").get(0), newYorkInstant(MONDAY, "09:30"), newYorkInstant(MONDAY, "10:00"), 6, false);
        assertGap(fiveMinutes.path("gaps").get(1), newYorkInstant(MONDAY, "10:00"), newYorkInstant(MONDAY, "10:10"), 2, true);
        assertGap(fiveMinutes.path("gaps").get(2), newYorkInstant(MONDAY, "10:10"), newYorkInstant(MONDAY, "16:00"), 70, false);
        // ... and each 5m bucket holding 1m bars (1 pre-market, 6 + 68 regular, 1 after-hours) lacks its roll-up
        assertThat(fiveMinutes.path("derivedMismatches").path("buckets").asInt()).isEqualTo(76);
    }

    @Test
    void anEarlyCloseExpectsTheShorterSessionInEveryTimeframe() throws Exception {
        addTicker("HALF");
        insertBars("HALF", "1m", EARLY_CLOSE, "09:30", "11:00", "1 minute");
        insertBars("HALF", "1m", EARLY_CLOSE, "11:01", "13:00", "1 minute");
        insertBars("HALF", "1m", EARLY_CLOSE, "13:00", "13:02", "1 minute");

        JsonNode report = get("/api/v2/data/quality?ticker=HALF&from=2024-11-29&to=2024-11-29").json();

        Map<String, JsonNode> byTimeframe = new HashMap<>();
        report.path("series").forEach(series -> byTimeframe.put(series.path("timeframe").asText(), series));
        assertThat(byTimeframe).hasSize(Timeframe.values().length);
        ExchangeCalendar calendar = new ExchangeCalendar();
        for (Timeframe timeframe : Timeframe.values()) {
            assertThat(byTimeframe.get(timeframe.code()).path("expectedBars").asInt()).as(timeframe.code())
                    .isEqualTo(calendar.expectedRegularSessionBars(EARLY_CLOSE, timeframe));
        }
        JsonNode minutes = byTimeframe.get("1m");
        assertThat(minutes.path("expectedBars").asInt()).isEqualTo(210);
        assertThat(minutes.path("presentBars").asInt()).isEqualTo(209);
        assertGap(minutes.path("gaps").get(0), newYorkInstant(EARLY_CLOSE, "11:00"), newYorkInstant(EARLY_CLOSE, "11:01"), 1,
                false);
        assertThat(minutes.path("gapCount").asInt()).isEqualTo(1);
        assertThat(minutes.path("extendedHours").path("afterHoursBars").asInt()).as("13:00 and 13:01 are after-hours")
                .isEqualTo(2);
    }

    @Test
    void dayBarsAreExpectedOnTradingDaysOnlyAndBarsWhereTheExchangeIsClosedAreReported() throws Exception {
        addTicker("DAYS");
        execute("insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume)"
                + " select 'DAYS', '1d', (day::date::timestamp) at time zone 'America/New_York', 10, 11, 9, 10.5, 100"
                + " from unnest(array['2024-03-04', '2024-03-05', '2024-03-07', '2024-03-08', '2024-03-09']) as day");
        insertBars("DAYS", "1m", SATURDAY, "12:00", "12:01", "1 minute");

        JsonNode days = quality("DAYS", "1d", "2024-03-04", "2024-03-10");
        JsonNode saturday = quality("DAYS", "1m", "2024-03-09", "2024-03-09");

        assertThat(days.path("expectedBars").asInt()).isEqualTo(5);
        assertThat(days.path("presentBars").asInt()).isEqualTo(4);
        assertGap(days.path("gaps").get(0), newYorkInstant(LocalDate.of(2024, 3, 6), "00:00"),
                newYorkInstant(LocalDate.of(2024, 3, 7), "00:00"), 1, false);
        assertThat(days.path("extendedHours").path("outsideSessionBars").asInt()).as("the Saturday bar").isEqualTo(1);
        assertThat(saturday.path("expectedBars").asInt()).isZero();
        assertThat(saturday.path("coveragePercent").asDouble()).isEqualTo(100.0);
        assertThat(saturday.path("gapCount").asInt()).isZero();
        assertThat(saturday.path("extendedHours").path("outsideSessionBars").asInt()).isEqualTo(1);
    }

    @Test
    void twoBarsInOneBucketAreADuplicateAndTheOffsetOneIsMisaligned() throws Exception {
        addTicker("MISAL");
        insertBars("MISAL", "5m", MONDAY, "10:00", "10:01", "5 minutes");
        insertBars("MISAL", "5m", MONDAY, "10:02", "10:03", "5 minutes");

        JsonNode series = quality("MISAL", "5m", "2024-03-04", "2024-03-04");

        assertThat(series.path("duplicateTimestamps").asInt()).isEqualTo(1);
        assertThat(series.path("misalignedBars").asInt()).isEqualTo(1);
        assertThat(series.path("presentBars").asInt()).isEqualTo(1);
    }

    @Test
    void aSeriesIsStaleWhenItsNewestBarIsOlderThanTheScheduleAllows() throws Exception {
        seedMondayWithTwoGaps("OLD");
        addTicker("NEW");
        Instant thisMinute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        execute("insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume)"
                + " values ('NEW', '1m', '" + thisMinute + "', 10, 11, 9, 10.5, 100)");

        JsonNode old = quality("OLD", "1m", "2024-03-04", "2024-03-04");
        JsonNode fresh = quality("NEW", "1m", "2024-03-04", "2024-03-04");

        assertThat(old.path("stale").asBoolean()).isTrue();
        assertThat(old.path("newestBar").asText()).isEqualTo(newYorkInstant(MONDAY, "16:01").toString());
        assertThat(Instant.parse(old.path("dueBar").asText())).isAfter(newYorkInstant(MONDAY, "16:01"));
        assertThat(fresh.path("stale").asBoolean()).isFalse();
        assertThat(fresh.path("newestBar").asText()).isEqualTo(thisMinute.toString());
    }

    @Test
    void badParametersAre400AndAnUnknownTicker404() throws Exception {
        assertProblem(get("/api/v2/data/quality?timeframe=2m"), 400, "timeframe");
        assertProblem(get("/api/v2/data/quality?from=2024-13-01"), 400, "from");
        assertProblem(get("/api/v2/data/quality?to=yesterday"), 400, "to");
        assertProblem(get("/api/v2/data/quality?from=2024-03-05&to=2024-03-04"), 400, "from");
        assertProblem(get("/api/v2/data/quality?from=2023-01-01&to=2024-06-01"), 400, "from");
        assertProblem(get("/api/v2/data/quality?ticker=NOPE"), 404, "ticker");
        assertProblem(post("/api/v2/data/quality/repair?timeframe=2m"), 400, "timeframe");
        assertProblem(post("/api/v2/data/quality/repair?ticker=NOPE"), 404, "ticker");
    }

    private static void assertProblem(Reply reply, int status, String parameter) {
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(status);
        assertThat(reply.json().path("parameter").asText()).isEqualTo(parameter);
    }

    private static void assertGap(JsonNode gap, Instant start, Instant end, int bars, boolean confirmed) {
        assertThat(gap.path("start").asText()).as("gap %s", gap).isEqualTo(start.toString());
        assertThat(gap.path("end").asText()).as("gap %s", gap).isEqualTo(end.toString());
        assertThat(gap.path("bars").asInt()).as("gap %s", gap).isEqualTo(bars);
        assertThat(gap.path("confirmed").asBoolean()).as("gap %s", gap).isEqualTo(confirmed);
    }
}
