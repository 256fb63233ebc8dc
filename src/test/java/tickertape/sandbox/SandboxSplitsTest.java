package tickertape.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;

/**
 * The sandbox's splits: raw answers jump by a split's factor at its execution date, adjusted ones
 * multiply earlier bars by it (volume divided) once the clock's date has reached it, and the splits
 * endpoint lists and pages them. UVXY's default 1-for-10 reverse split of 2025 executes on Tuesday
 * 2025-04-01 (the first trading day of April).
 */
class SandboxSplitsTest {

    private static final String AGGS = "/v2/aggs/ticker/";
    private static final LocalDate SPLIT_2025 = LocalDate.of(2025, 4, 1);
    private static final String AROUND_IT = "UVXY/range/1/day/2025-03-24/2025-04-08?limit=50000";

    @Test
    void adjustedAndRawDifferByTheFactorOfEachSplitExecutedAfterTheBar() {
        try (SandboxPolygonServer server = startedAt("2026-06-01T12:00:00Z")) {
            SandboxClient client = new SandboxClient(server.baseUrl());
            SandboxClient.Reply rawReply = client.get(AGGS + AROUND_IT + "&adjusted=false");
            List<Aggregate> raw = SandboxClient.bars(rawReply);
            List<Aggregate> adjusted = SandboxClient.bars(client.get(AGGS + AROUND_IT));

            assertThat(rawReply.json().get("adjusted").asBoolean()).isFalse();
            assertThat(raw).hasSize(adjusted.size()).hasSize(12);
            for (int i = 0; i < raw.size(); i++) {
                // splits of 2025-04-01 and 2026-04-01 both executed for bars before the first, one after
                double factor = day(raw.get(i)).isBefore(SPLIT_2025) ? 100 : 10;
                assertAdjustedBy(adjusted.get(i), raw.get(i), factor);
            }
            int split = indexOf(raw, SPLIT_2025);
            // raw jumps tenfold at the execution date; adjusted carries on as the day before
            assertThat(raw.get(split).open() / raw.get(split - 1).close()).isBetween(8.0, 12.5);
            assertThat(adjusted.get(split).open() / adjusted.get(split - 1).close()).isBetween(0.8, 1.25);
        }
    }

    @Test
    void minuteAndRolledUpBarsAreAdjustedAsTheirDayIs() {
        try (SandboxPolygonServer server = startedAt("2025-06-01T12:00:00Z")) {
            SandboxClient client = new SandboxClient(server.baseUrl());
            for (String range : List.of("1/minute", "15/minute", "4/hour")) {
                String window = AGGS + "UVXY/range/" + range + "/2025-03-31/2025-04-01?limit=50000";
                List<Aggregate> raw = SandboxClient.bars(client.get(window + "&adjusted=false"));
                List<Aggregate> adjusted = SandboxClient.bars(client.get(window + "&adjusted=true"));

                assertThat(raw).as(range).hasSize(adjusted.size());
                assertThat(raw.stream().map(SandboxSplitsTest::day).distinct()).as(range).hasSize(2);
                IntStream.range(0, raw.size()).forEach(i -> assertAdjustedBy(adjusted.get(i), raw.get(i),
                        day(raw.get(i)).isBefore(SPLIT_2025) ? 10 : 1));
            }
        }
    }

    @Test
    void aSplitChangesNoAnswerBeforeItsDateAndIsListedAhead() {
        try (SandboxPolygonServer before = startedAt("2025-03-25T12:00:00Z");
                SandboxPolygonServer after = startedAt("2025-04-01T21:00:00Z")) {
            SandboxClient early = new SandboxClient(before.baseUrl());
            SandboxClient late = new SandboxClient(after.baseUrl());
            String week = AGGS + "UVXY/range/1/day/2025-03-17/2025-03-21?limit=50000";

            assertThat(SandboxClient.bars(early.get(week))).isEqualTo(SandboxClient.bars(early.get(week + "&adjusted=false")));
            assertThat(early.get("/v3/reference/splits?ticker=UVXY&limit=1").json().get("results").get(0)
                    .get("execution_date").asText()).isEqualTo("2025-04-01");
            // the raw history is the same whatever the day it is asked on
            assertThat(SandboxClient.bars(late.get(week + "&adjusted=false")))
                    .isEqualTo(SandboxClient.bars(early.get(week + "&adjusted=false")));
            List<Aggregate> raw = SandboxClient.bars(late.get(week + "&adjusted=false"));
            List<Aggregate> adjusted = SandboxClient.bars(late.get(week));
            IntStream.range(0, raw.size()).forEach(i -> assertAdjustedBy(adjusted.get(i), raw.get(i), 10));
        }
    }

    @Test
    void splitsArePagedByNextUrlWithoutOverlapOrHole() {
        try (SandboxPolygonServer server = startedAt("2026-06-01T12:00:00Z")) {
            SandboxClient client = new SandboxClient(server.baseUrl());
            List<SandboxClient.Reply> pages = client.allPages("/v3/reference/splits?ticker=UVXY&limit=4&order=asc");
            List<JsonNode> splits = new ArrayList<>();
            pages.forEach(page -> page.json().get("results").forEach(splits::add));

            assertThat(pages).hasSize(4); // 2012 to 2026: 15 yearly splits
            assertThat(pages.get(0).json().fieldNames()).toIterable()
                    .containsExactly("results", "status", "request_id", "next_url");
            assertThat(splits.get(0).fieldNames()).toIterable()
                    .containsExactly("id", "execution_date", "split_from", "split_to", "ticker");
            assertThat(splits).extracting(split -> LocalDate.parse(split.get("execution_date").asText()))
                    .isSorted().doesNotHaveDuplicates()
                    .containsExactlyElementsOf(IntStream.rangeClosed(2012, 2026).mapToObj(SandboxSplitsTest::firstTradingDayOfApril).toList());
            assertThat(splits).allSatisfy(split -> {
                assertThat(split.get("split_from").asInt()).isEqualTo(10);
                assertThat(split.get("split_to").asInt()).isEqualTo(1);
                assertThat(split.get("ticker").asText()).isEqualTo("UVXY");
            });
            assertThat(client.get("/v3/reference/splits?ticker=UVXY&limit=1").json().get("results").get(0)
                    .get("execution_date").asText()).as("newest first by default").isEqualTo("2026-04-01");
            assertThat(client.get("/v3/reference/splits?ticker=SPY").json().get("results")).isEmpty();
            assertThat(client.get("/v3/reference/splits?ticker=UVXY&execution_date.gte=2025-01-01").json()
                    .get("results")).hasSize(2);
            assertThat(client.get("/v3/reference/splits?ticker=UVXY&limit=0").status()).isEqualTo(400);
        }
    }

    @Test
    void anAnnouncedSplitIsListedAtOnceAndAppliedFromItsDate() {
        try (SandboxPolygonServer before = startedAt("2025-06-07T12:00:00Z");
                SandboxPolygonServer after = startedAt("2025-06-12T12:00:00Z")) {
            for (SandboxPolygonServer server : List.of(before, after)) {
                server.announceSplit("SPY", LocalDate.of(2025, 6, 10), 1, 2);
            }
            SandboxClient early = new SandboxClient(before.baseUrl());
            SandboxClient late = new SandboxClient(after.baseUrl());
            String window = AGGS + "SPY/range/1/day/2025-06-02/2025-06-11?limit=50000";

            assertThat(early.get("/v3/reference/splits?ticker=SPY").json().get("results").get(0).get("split_to").asInt())
                    .isEqualTo(2);
            List<Aggregate> rawBefore = SandboxClient.bars(early.get(window + "&adjusted=false"));
            assertThat(SandboxClient.bars(early.get(window))).isEqualTo(rawBefore);
            List<Aggregate> raw = SandboxClient.bars(late.get(window + "&adjusted=false"));
            List<Aggregate> adjusted = SandboxClient.bars(late.get(window));
            assertThat(raw.subList(0, 5)).isEqualTo(rawBefore);
            IntStream.range(0, raw.size()).forEach(i -> assertAdjustedBy(adjusted.get(i), raw.get(i),
                    day(raw.get(i)).isBefore(LocalDate.of(2025, 6, 10)) ? 0.5 : 1));
            int split = indexOf(raw, LocalDate.of(2025, 6, 10));
            assertThat(raw.get(split).open() / raw.get(split - 1).close()).isBetween(0.45, 0.55);
        }
    }

    private static void assertAdjustedBy(Aggregate adjusted, Aggregate raw, double factor) {
        assertThat(adjusted).as("%s adjusted by %s", raw, factor)
                .isEqualTo(new Aggregate(raw.startMillis(), raw.open() * factor, raw.high() * factor,
                        raw.low() * factor, raw.close() * factor, raw.volume() / factor, raw.vwap() * factor,
                        raw.trades()));
    }

    private static SandboxPolygonServer startedAt(String instant) {
        return new SandboxPolygonServer(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC), new ExchangeCalendar(), false).start();
    }

    private static LocalDate day(Aggregate bar) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(bar.startMillis()), Timeframe.EXCHANGE_ZONE);
    }

    private static int indexOf(List<Aggregate> bars, LocalDate day) {
        return IntStream.range(0, bars.size()).filter(i -> day(bars.get(i)).equals(day)).findFirst().orElseThrow();
    }

    private static LocalDate firstTradingDayOfApril(int year) {
        ExchangeCalendar calendar = new ExchangeCalendar();
        LocalDate day = LocalDate.of(year, 4, 1);
        while (!calendar.isTradingDay(day)) {
            day = day.plusDays(1);
        }
        return day;
    }
}
