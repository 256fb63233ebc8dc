package tickertape.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tickertape.market.ExchangeCalendar;
import tickertape.market.MarketSession;
import tickertape.market.Timeframe;

class SandboxPolygonServerTest {

    /** A fixed now after every window used here, so the tests never depend on the date they run. */
    private static final Clock AFTER_ALL_WINDOWS = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
    private static final String AGGS = "/v2/aggs/ticker/";

    private static SandboxPolygonServer server;
    private static SandboxClient client;
    private final ExchangeCalendar calendar = new ExchangeCalendar();

    @BeforeAll
    static void start() {
        server = new SandboxPolygonServer(AFTER_ALL_WINDOWS, new ExchangeCalendar(), false).start();
        client = new SandboxClient(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void sameRequestGivesAnIdenticalBody() {
        String request = AGGS + "SPY/range/5/minute/2024-03-11/2024-03-12?limit=50000";
        assertThat(client.get(request).body()).isEqualTo(client.get(request).body());
    }

    @Test
    void respondsInPolygonsShape() {
        SandboxClient.Reply reply = client.get(AGGS + "SPY/range/1/day/2024-03-04/2024-03-15?limit=5");

        assertThat(reply.json().fieldNames()).toIterable().containsExactly(
                "ticker", "queryCount", "resultsCount", "adjusted", "results", "status", "request_id", "count", "next_url");
        assertThat(reply.json().get("results").get(0).fieldNames()).toIterable()
                .containsExactly("v", "vw", "o", "c", "h", "l", "t", "n");
        assertThat(reply.json().get("ticker").asText()).isEqualTo("SPY");
        assertThat(reply.json().get("status").asText()).isEqualTo("OK");
        assertThat(reply.json().get("request_id").asText()).matches("[0-9a-f]{32}");
        assertThat(reply.json().get("resultsCount").asInt()).isEqualTo(5).isEqualTo(reply.json().get("count").asInt());
        assertThat(reply.json().get("results").get(0).get("v").isDouble()).isTrue();
        // Day volumes run into tens of millions: written plainly, as Polygon does, never as 3.2E7.
        assertThat(reply.body()).doesNotContain("E7").doesNotContain("E8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SPY/range/1/minute/2024-03-09/2024-03-10", "SPY/range/1/hour/2024-12-25/2024-12-25",
            "UVXY/range/1/day/2025-01-09/2025-01-09"})
    void weekendsAndHolidaysHaveNoResultsKey(String request) {
        JsonNode json = client.get(AGGS + request).json();

        assertThat(json.has("results")).isFalse();
        assertThat(json.has("next_url")).isFalse();
        assertThat(json.get("resultsCount").asInt()).isZero();
        assertThat(json.get("status").asText()).isEqualTo("OK");
    }

    @Test
    void thinTickerMissesRegularMinutesAndLiquidOnesDoNot() {
        for (String liquid : List.of("SPY", "QQQ", "IWM")) {
            assertThat(regularMinuteBars(liquid, "2024-03-11")).as(liquid).isEqualTo(390);
        }
        assertThat(regularMinuteBars("UVXY", "2024-03-11")).isLessThan(390);
    }

    @Test
    void paginationByLimitCoversTheWindowWithoutOverlapOrHole() {
        String window = AGGS + "SPY/range/1/minute/2024-03-04/2024-03-15";
        List<SandboxClient.Reply> pages = client.allPages(window + "?limit=1000&apiKey=" + SandboxClient.KEY);

        List<Aggregate> whole = SandboxClient.bars(client.get(window + "?limit=50000"));
        assertThat(pages).as("pages of 1000 of the two weeks' %d minutes", whole.size()).hasSize((whole.size() + 999) / 1000);
        assertThat(pages).allSatisfy(page -> assertThat(page.json().get("queryCount").asInt()).isLessThanOrEqualTo(1000));
        List<Aggregate> paged = pages.stream().flatMap(page -> SandboxClient.bars(page).stream()).toList();
        assertThat(paged).isEqualTo(whole);
        assertThat(paged).extracting(Aggregate::startMillis).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void pagesHoldWholeBuckets() {
        String window = AGGS + "UVXY/range/1/hour/2024-03-04/2024-03-15";
        List<SandboxClient.Reply> pages = client.allPages(window + "?limit=100");

        assertThat(pages).allSatisfy(page -> assertThat(page.json().get("queryCount").asInt()).isLessThanOrEqualTo(100));
        assertThat(pages.stream().flatMap(page -> SandboxClient.bars(page).stream()).toList())
                .isEqualTo(SandboxClient.bars(client.get(window + "?limit=50000")));
    }

    @Test
    void descendingPagesMirrorAscending() {
        String window = AGGS + "UVXY/range/15/minute/2024-03-04/2024-03-08";
        List<Aggregate> descending = new ArrayList<>(client.allBars(window + "?sort=desc&limit=500"));
        Collections.reverse(descending);

        assertThat(descending).isEqualTo(SandboxClient.bars(client.get(window + "?limit=50000")));
    }

    @Test
    void dayBarsCountDaysAgainstTheLimit() {
        List<SandboxClient.Reply> pages = client.allPages(AGGS + "SPY/range/1/day/2024-01-01/2025-12-31?limit=50000");

        assertThat(pages).hasSize(1);
        assertThat(pages.get(0).json().get("queryCount").asInt()).isEqualTo(502).isEqualTo(SandboxClient.bars(pages.get(0)).size());
    }

    /** Windows across both 2024 daylight-saving changes, and two early closes. */
    static Stream<Arguments> rollUpWindows() {
        return Stream.of("SPY", "UVXY").flatMap(ticker -> Stream.of(
                Arguments.of(ticker, "2024-03-08", "2024-03-11"),
                Arguments.of(ticker, "2024-11-01", "2024-11-04"),
                Arguments.of(ticker, "2024-07-03", "2024-07-03"),
                Arguments.of(ticker, "2024-11-29", "2024-11-29")));
    }

    /**
     * Raw bars roll up exactly; adjusted ones are the raw bar adjusted (SandboxSplitsTest), so their
     * summed volume may differ from the sum of adjusted minutes in the last digit.
     */
    @ParameterizedTest(name = "{0} {1}..{2}")
    @MethodSource("rollUpWindows")
    void aggregatesEqualRollUpsOfTheMinuteBars(String ticker, String from, String to) {
        List<Aggregate> minutes = client.allBars(AGGS + ticker + "/range/1/minute/" + from + "/" + to
                + "?limit=50000&adjusted=false");
        for (Timeframe timeframe : List.of(Timeframe.M5, Timeframe.M15, Timeframe.H1, Timeframe.H4, Timeframe.D1)) {
            List<Aggregate> served = client.allBars(AGGS + ticker + "/range/" + timeframe.multiplier() + "/"
                    + timeframe.timespan() + "/" + from + "/" + to + "?limit=50000&adjusted=false");
            List<Aggregate> expected = rollUp(minutes, timeframe);

            assertThat(served).as(timeframe.code()).hasSameSizeAs(expected);
            for (int i = 0; i < served.size(); i++) {
                assertSameBar(served.get(i), expected.get(i));
                SyntheticBarsTest.assertConsistent(served.get(i));
            }
        }
    }

    @Test
    void millisecondBoundsSnapToWholeBuckets() {
        long from = newYork("2024-03-11T10:32:15");
        long to = newYork("2024-03-11T10:47:00");
        List<Aggregate> snapped = SandboxClient.bars(client.get(AGGS + "SPY/range/15/minute/" + from + "/" + to));
        List<Aggregate> wholeDay = SandboxClient.bars(client.get(AGGS + "SPY/range/15/minute/2024-03-11/2024-03-11"));

        assertThat(snapped).extracting(Aggregate::startMillis)
                .containsExactly(newYork("2024-03-11T10:30"), newYork("2024-03-11T10:45"));
        assertThat(wholeDay).containsAll(snapped);
    }

    @Test
    void missingKeyIsUnauthorized() {
        URI uri = URI.create(server.baseUrl() + AGGS + "SPY/range/1/day/2024-03-11/2024-03-11");
        for (Optional<String> authorization : List.of(Optional.<String>empty(), Optional.of("Bearer "), Optional.of("Basic abc"))) {
            SandboxClient.Reply reply = client.send(uri, authorization);

            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.json().get("status").asText()).isEqualTo("NOT_AUTHORIZED");
            assertThat(reply.json().get("request_id").asText()).isNotBlank();
            assertThat(reply.json().get("message").asText()).contains("Bearer");
        }
        assertThat(client.send(URI.create(uri + "?apiKey=anything"), Optional.empty()).status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "SPY/range/1/fortnight/2024-03-11/2024-03-11 | timespan must be one of",
        "SPY/range/1/week/2024-03-11/2024-03-11     | not served by the sandbox",
        "SPY/range/0/minute/2024-03-11/2024-03-11   | multiplier",
        "SPY/range/x/minute/2024-03-11/2024-03-11   | multiplier",
        "SPY/range/1/minute/2024-03-12/2024-03-11   | from must not be after to",
        "SPY/range/1/minute/2024-02-30/2024-03-11   | from is not a valid date",
        "SPY/range/1/minute/2024-03-11/yesterday    | to must be a date",
        "SPY/range/1/minute/2024-03-11/2024-03-11?limit=0      | limit",
        "SPY/range/1/minute/2024-03-11/2024-03-11?limit=50001  | limit",
        "SPY/range/1/minute/2024-03-11/2024-03-11?limit=many   | limit",
        "SPY/range/1/minute/2024-03-11/2024-03-11?sort=up      | sort",
        "SPY/range/1/minute/2024-03-11/2024-03-11?adjusted=yes | adjusted",
        "SPY/range/1/minute/2024-03-11/2024-03-11?cursor=@@@   | cursor"})
    void badParametersAreBadRequests(String request, String error) {
        SandboxClient.Reply reply = client.get(AGGS + request);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("status").asText()).isEqualTo("ERROR");
        assertThat(reply.json().get("request_id").asText()).isNotBlank();
        assertThat(reply.json().get("error").asText()).contains(error);
    }

    @Test
    void unknownPathIsNotFoundInJson() {
        SandboxClient.Reply reply = client.get("/v3/reference/tickers");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().get("status").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void onlyEndedMinutesAreServedAndADelayedFeedLagsFifteenMinutes() {
        Clock elevenAm = Clock.fixed(Instant.ofEpochMilli(newYork("2024-03-11T11:00")), ZoneOffset.UTC);
        String today = AGGS + "SPY/range/1/minute/2024-03-11/2024-03-11?limit=50000";
        try (SandboxPolygonServer realTime = new SandboxPolygonServer(elevenAm, new ExchangeCalendar(), false).start();
                SandboxPolygonServer delayed = new SandboxPolygonServer(elevenAm, new ExchangeCalendar(), true).start()) {
            SandboxClient.Reply live = new SandboxClient(realTime.baseUrl()).get(today);
            SandboxClient.Reply late = new SandboxClient(delayed.baseUrl()).get(today);

            assertThat(lastStart(live)).isEqualTo(newYork("2024-03-11T10:59"));
            assertThat(lastStart(late)).isEqualTo(newYork("2024-03-11T10:44"));
            assertThat(live.json().get("status").asText()).isEqualTo("OK");
            assertThat(late.json().get("status").asText()).isEqualTo("DELAYED");
        }
    }

    @Test
    void countsEveryRequestServed() {
        try (SandboxPolygonServer counted = new SandboxPolygonServer(AFTER_ALL_WINDOWS, new ExchangeCalendar(), false).start()) {
            SandboxClient counting = new SandboxClient(counted.baseUrl());
            counting.get(AGGS + "SPY/range/1/day/2024-03-11/2024-03-11");
            counting.get(AGGS + "SPY/range/1/day/2024-03-12/2024-03-11");
            counting.get("/nowhere");

            assertThat(counted.requestsServed()).isEqualTo(3);
        }
    }

    @Test
    void aFullPageHoldsFiftyThousandBaseMinutes() {
        SandboxClient.Reply reply = client.get(AGGS + "QQQ/range/1/minute/2024-01-01/2024-12-31?limit=50000");

        assertThat(reply.json().get("resultsCount").asInt()).isEqualTo(50_000);
        assertThat(reply.json().get("next_url").asText()).contains("cursor=");
    }

    private long regularMinuteBars(String ticker, String day) {
        return SandboxClient.bars(client.get(AGGS + ticker + "/range/1/minute/" + day + "/" + day + "?limit=50000"))
                .stream()
                .filter(bar -> calendar.session(Instant.ofEpochMilli(bar.startMillis())) == MarketSession.REGULAR)
                .count();
    }

    /** The roll-up as documented: first open, last close, max high, min low, sums, volume-weighted vwap. */
    private static List<Aggregate> rollUp(List<Aggregate> minutes, Timeframe timeframe) {
        Map<Long, List<Aggregate>> buckets = new LinkedHashMap<>();
        for (Aggregate minute : minutes) {
            long bucket = timeframe.bucketStart(Instant.ofEpochMilli(minute.startMillis())).toEpochMilli();
            buckets.computeIfAbsent(bucket, start -> new ArrayList<>()).add(minute);
        }
        List<Aggregate> bars = new ArrayList<>();
        buckets.forEach((start, bucket) -> {
            double volume = 0;
            double notional = 0;
            long trades = 0;
            for (Aggregate minute : bucket) {
                volume += minute.volume();
                notional += minute.vwap() * minute.volume();
                trades += minute.trades();
            }
            bars.add(new Aggregate(start, bucket.get(0).open(),
                    bucket.stream().mapToDouble(Aggregate::high).max().orElseThrow(),
                    bucket.stream().mapToDouble(Aggregate::low).min().orElseThrow(),
                    bucket.get(bucket.size() - 1).close(), volume, notional / volume, trades));
        });
        return bars;
    }

    private static void assertSameBar(Aggregate served, Aggregate expected) {
        assertThat(served).usingRecursiveComparison().ignoringFields("vwap").isEqualTo(expected);
        assertThat(served.vwap()).isCloseTo(expected.vwap(), within(1e-9 * expected.vwap()));
    }

    private static long lastStart(SandboxClient.Reply reply) {
        List<Aggregate> bars = SandboxClient.bars(reply);
        return bars.get(bars.size() - 1).startMillis();
    }

    private static long newYork(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(Timeframe.EXCHANGE_ZONE).toInstant().toEpochMilli();
    }
}
