package tickertape.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tickertape.AppTestSupport;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;
import tickertape.polygon.FakePolygon.Fault;
import tickertape.polygon.FakePolygon.RecordedRequest;
import tickertape.polygon.SettableClock;

/**
 * Splits, the source side: SPY and UVXY configured as ops configure them, backfilled raw from a fake
 * whose now is the Saturday after UVXY's reverse split of Monday 2024-04-01 (so the fake's adjusted
 * UVXY bars before it are ten times the raw ones). Each ticker's splits are fetched once at its start,
 * through the budget, every page of them; then once a day (the production rule: due when last checked
 * before the latest session close, simulated by moving checked_at back), never twice a day; a split
 * the source no longer lists is deleted and one listed twice stored once; a failing splits endpoint
 * costs its attempts once per retry-failed-after, and bars carry on meanwhile.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SplitsTest extends IngestionTestSupport {
    private static final List<String> TICKERS = List.of("SPY", "UVXY");
    private static final LocalDate FIRST = LocalDate.of(2024, 3, 25);
    private static final LocalDate LAST = LocalDate.of(2024, 4, 5);
    private static final LocalDate UVXY_SPLIT = LocalDate.of(2024, 4, 1);
    private static final int SPLITS_PAGE_LIMIT = 5;
    private static final Duration DONE = Duration.ofSeconds(120);
    private static final String SPLITS = "/v3/reference/splits";
    /**
     * Longer than the support's budget window: a request reaches the fake a little after the budget
     * admitted it, by as much as this loaded machine takes, which over a window of 400 ms can put two
     * windows' requests in one.
     */
    private static final Duration WINDOW = Duration.ofSeconds(2);

    // Assigned while the test support's constructor asks for the properties (no initialisers: see AppTestSupport).
    private Path tickersFile;

    @Override
    protected FakePolygon newFake() {
        return new FakePolygon(newKey(), new SettableClock(midnight(LAST.plusDays(1))));
    }

    @Override
    protected Properties moreProperties() {
        Path routes = copyOfRoutesWithoutTickers();
        tickersFile = routes.resolve("tickers.camel.yaml");
        writeFile(tickersFile, "[]\n");
        Properties properties = new Properties();
        properties.put("camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml");
        properties.put("camel.main.routes-reload-enabled", "true");
        properties.put("camel.main.routes-reload-directory", routes.toString());
        properties.put("tickertape.backfill-from", FIRST.toString());
        properties.put("tickertape.refresh-schedule", "0 0 0 1 1 ?");
        properties.put("quality.repair-enabled", "false");
        properties.put("ingest.heal-interval-millis", "500");
        properties.put("ingest.retry-failed-after", "PT1H");
        properties.put("polygon.splits-page-limit", String.valueOf(SPLITS_PAGE_LIMIT));
        properties.put("polygon.budget-window-millis", String.valueOf(WINDOW.toMillis()));
        return properties;
    }

    @Test
    @Order(1)
    void eachTickersSplitsAreFetchedOnceAtItsBackfillEveryPageThroughTheBudgetAndItsBarsAreStoredRaw() throws Exception {
        // The app's first request reaches the fake seconds after its admission (the HTTP client's first
        // connection): made before, on a weekend, so the arrivals measured below follow their admissions.
        addTicker("SPY");
        Run warmUp = ingest("SPY", Timeframe.D1, midnight(LAST.plusDays(1)), midnight(LAST.plusDays(2)));
        assertThat(warmUp.status()).isEqualTo("SUCCEEDED");
        fake.clearRequests();
        writeFile(tickersFile, TICKERS.stream().map(AppTestSupport::tickerBlock).reduce("", String::concat));

        await(DONE, "both tickers backfilled and their splits checked", () -> TICKERS.stream().allMatch(this::backfilled)
                && queryLong("select count(*) from split_check where checked_at is not null") == 2);

        List<LocalDate> uvxySplits = IntStream.rangeClosed(2012, 2024).mapToObj(SplitsTest::firstTradingDayOfApril).toList();
        assertThat(splits("UVXY")).containsExactlyElementsOf(uvxySplits.stream().map(day -> day + " 10:1").toList());
        assertThat(splits("SPY")).isEmpty();
        assertThat(splitRequests("SPY")).hasSize(1);
        // 13 splits, 5 a page: three pages, each asked for once
        assertThat(splitRequests("UVXY")).hasSize(3).extracting(RecordedRequest::pathAndQuery).doesNotHaveDuplicates();
        // the fake sees a request a little after the budget admits it: measured over slightly less than the window
        assertThat(fake.maxRequestsInAnyWindow(WINDOW.multipliedBy(3).dividedBy(4)))
                .isLessThanOrEqualTo(REQUESTS_PER_WINDOW);
        assertThat(fake.requests()).filteredOn(request -> request.pathAndQuery().startsWith("/v2/aggs/"))
                .isNotEmpty()
                .allSatisfy(request -> assertThat(request.pathAndQuery()).contains("adjusted=false"));
        for (String ticker : TICKERS) {
            assertStoredExactly(ticker, Timeframe.M1, midnight(FIRST), midnight(LAST.plusDays(1)),
                    sourceMinutes(ticker, FIRST, LAST));
            assertThat(storedDayCloses(ticker)).as("%s 1d", ticker).isEqualTo(fakeDayCloses(ticker, false));
        }
        // what the store would have held, had it asked adjusted=true: UVXY's closes before its split, times ten
        List<Double> adjusted = fakeDayCloses("UVXY", true);
        List<Double> raw = storedDayCloses("UVXY");
        assertThat(adjusted.get(0)).isEqualTo(raw.get(0) * 10);
        assertThat(adjusted.get(adjusted.size() - 1)).isEqualTo(raw.get(raw.size() - 1));
    }

    @Test
    @Order(2)
    void aSplitAnnouncedAfterTheBackfillIsFetchedByTheNextDailyCheckAndASecondCheckTheSameDayAsksNothing() throws Exception {
        fake.split("SPY", LocalDate.of(2024, 4, 10), 1, 2);
        int before = fake.requestCount();
        checkSplitsNow("SPY");
        assertThat(fake.requestCount()).as("checked today already: nothing asked").isEqualTo(before);

        execute("update split_check set checked_at = checked_at - interval '7 days' where ticker = 'SPY'");
        await(DONE, "the daily check to store SPY's split", () -> splits("SPY").equals(List.of("2024-04-10 1:2")));

        assertThat(splitRequests("SPY")).hasSize(2);
        assertThat(splitRequests("UVXY")).as("UVXY was checked today").hasSize(3);
        int afterCheck = fake.requestCount();
        checkSplitsNow("SPY");
        checkSplitsNow("UVXY");
        assertThat(fake.requestCount()).isEqualTo(afterCheck);
        assertThat(LOGS.lines()).anyMatch(line -> line.contains("Split of SPY on 2024-04-10 recorded"));
    }

    @Test
    @Order(3)
    void aSplitNoLongerListedIsDeletedAndADateListedTwiceIsOneSplit() throws Exception {
        String page = """
                {"results":[
                  {"id":"A1","execution_date":"2024-05-01","split_from":1,"split_to":3,"ticker":"SPY"},
                  {"id":"A2","execution_date":"2024-05-01","split_from":1,"split_to":3,"ticker":"SPY"}],
                 "status":"OK","request_id":"r1"}""";
        fake.failMatching(SPLITS + "\\?ticker=SPY", 1, Fault.json(200, page));
        execute("update split_check set checked_at = checked_at - interval '7 days' where ticker = 'SPY'");

        await(DONE, "SPY's splits to be the answer", () -> splits("SPY").equals(List.of("2024-05-01 1:3")));
        assertThat(LOGS.lines()).anyMatch(line -> line.contains("Split of SPY on 2024-04-10 removed"));
    }

    @Test
    @Order(4)
    void aFailingSplitsEndpointCostsItsAttemptsOncePerRetryPeriodAndBarsCarryOn() throws Exception {
        fake.failMatching(SPLITS + "\\?ticker=UVXY", Integer.MAX_VALUE, Fault.INTERNAL_SERVER_ERROR);
        int before = splitRequests("UVXY").size();
        execute("update split_check set checked_at = checked_at - interval '7 days' where ticker = 'UVXY'");

        await(DONE, "the check to fail", () -> queryLong(
                "select count(*) from split_check where ticker = 'UVXY' and error is not null") == 1);
        assertThat(splitRequests("UVXY")).hasSize(before + 1 + MAX_RETRIES);
        assertThat(text("select error from split_check where ticker = 'UVXY'"))
                .startsWith("request parked as a dead letter").contains("Internal server error");
        assertThat(queryLong("select count(*) from dead_letter where route = 'fetch-splits' and ticker = 'UVXY'"))
                .isEqualTo(1);
        long letter = queryLong("select id from dead_letter where route = 'fetch-splits'");
        HttpResponse<String> replay = post("/api/v2/data/dead-letters/" + letter + "/replay", "");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(422);
        assertThat(json(replay).path("detail").asText()).contains("daily check");
        assertThat(splits("UVXY")).as("the stored splits stay").hasSize(13);

        Run bars = ingest("UVXY", Timeframe.M1, midnight(LAST), midnight(LAST.plusDays(1)).minusMillis(1));
        assertThat(bars.status()).as("bars carry on while splits fail").isEqualTo("SUCCEEDED");
        checkSplitsNow("UVXY");
        checkSplitsNow("UVXY");
        assertThat(splitRequests("UVXY")).as("no retry before retry-failed-after").hasSize(before + 1 + MAX_RETRIES);

        fake.clearFaults();
        execute("update split_check set claimed_until = now() - interval '1 second' where ticker = 'UVXY'");
        await(DONE, "the retry after retry-failed-after to succeed", () -> queryLong(
                "select count(*) from split_check where ticker = 'UVXY' and error is null"
                        + " and checked_at > now() - interval '1 hour'") == 1);
        assertThat(splitRequests("UVXY")).hasSize(before + 1 + MAX_RETRIES + 3);
    }

    /** A check of the ticker's splits, as the healing timer makes, awaited. */
    private void checkSplitsNow(String ticker) {
        template.sendBody("seda:fetch-splits?waitForTaskToComplete=Always", new TickerRoutes.TickerBlock(ticker, null));
    }

    private boolean backfilled(String ticker) {
        try {
            return barCount(ticker, "1m") == sourceMinutes(ticker, FIRST, LAST).size() && barCount(ticker, "1d") == 9
                    && noOpenRun(ticker, "1m") && noOpenRun(ticker, "1d");
        } catch (SQLException e) {
            return false;
        }
    }

    private List<RecordedRequest> splitRequests(String ticker) {
        return fake.requests().stream()
                .filter(request -> request.pathAndQuery().startsWith(SPLITS + "?ticker=" + ticker + "&"))
                .toList();
    }

    /** The stored splits of a ticker, as "date from:to", by date. */
    private List<String> splits(String ticker) throws SQLException {
        return strings("select execution_date || ' ' || split_from || ':' || split_to from split where ticker = '"
                + ticker + "' order by execution_date");
    }

    private List<Double> storedDayCloses(String ticker) throws SQLException {
        return storedBars(ticker, Timeframe.D1, midnight(FIRST), midnight(LAST.plusDays(1))).values().stream()
                .map(StoredBar::close).toList();
    }

    private List<Double> fakeDayCloses(String ticker, boolean adjusted) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/v2/aggs/ticker/"
                        + ticker + "/range/1/day/" + FIRST + "/" + LAST + "?limit=50000&adjusted=" + adjusted))
                .header("Authorization", "Bearer " + fake.expectedKey()).build(), HttpResponse.BodyHandlers.ofString());
        List<Double> closes = new ArrayList<>();
        for (JsonNode bar : JSON.readTree(response.body()).path("results")) {
            closes.add(bar.get("c").asDouble());
        }
        return closes;
    }

    private String text(String sql) throws SQLException {
        List<String> rows = strings(sql);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private List<String> strings(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
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
