package tickertape.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tickertape.AppTestSupport;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;
import tickertape.polygon.FakePolygon.Fault;
import tickertape.polygon.FakePolygon.RecordedRequest;
import tickertape.sandbox.Aggregate;
import tickertape.sandbox.SyntheticBars;

/**
 * Two instances on one database backfill four tickers' week at once, two tickers each, from one fake
 * Polygon that fails a few requests: the one budget holds across both (no window over N, retries
 * included), the pair asks for what one instance would, and the store ends equal to the source.
 */
class ClusterBudgetTest {
    private static final List<String> TICKERS = List.of("SPY", "QQQ", "IWM", "UVXY");
    private static final LocalDate FIRST = LocalDate.of(2024, 3, 4);
    private static final LocalDate LAST = LocalDate.of(2024, 3, 8);
    private static final int REQUESTS_PER_WINDOW = 3;
    /** As in production (61 s for Polygon's 60 s): a second more than the plan's window, for the way there. */
    private static final Duration BUDGET_WINDOW = Duration.ofMillis(2000);
    private static final Duration PLAN_WINDOW = BUDGET_WINDOW.minusSeconds(1);
    private static final int PAGE_LIMIT = 1000;
    private static final int FAULTS = 3;
    private static final Duration BACKFILLED = Duration.ofSeconds(120);
    private static final SyntheticBars SOURCE = new SyntheticBars(new ExchangeCalendar());

    private final FakePolygon fake = new FakePolygon("pk_cluster_" + System.nanoTime(),
            Clock.fixed(midnight(LAST.plusDays(1)), ZoneOffset.UTC));
    @RegisterExtension
    final Instances instances = Instances.against(fake, Map.of(
            "polygon.requests-per-window", String.valueOf(REQUESTS_PER_WINDOW),
            "polygon.budget-window-millis", String.valueOf(BUDGET_WINDOW.toMillis()),
            "polygon.retry-delay-millis", "20",
            "polygon.max-retry-delay-millis", "1500",
            "polygon.page-limit", String.valueOf(PAGE_LIMIT),
            "ingest.batch-rows", "1",
            "tickertape.backfill-from", FIRST.toString(),
            // no healing while a test runs: what is fetched, the tickers' start plans
            "ingest.heal-interval-millis", String.valueOf(Duration.ofHours(1).toMillis())));

    @Test
    void twoInstancesShareOneBudgetAskForWhatOneWouldAndStoreTheSource() throws Exception {
        fake.failMatching("/range/1/minute/", FAULTS, Fault.INTERNAL_SERVER_ERROR);
        // two tickers' blocks in each instance's tickers file: each backfills its own from its start
        instances.startWithTickers(AppTestSupport.tickerBlock(TICKERS.get(0)), AppTestSupport.tickerBlock(TICKERS.get(2)));
        instances.startWithTickers(AppTestSupport.tickerBlock(TICKERS.get(1)), AppTestSupport.tickerBlock(TICKERS.get(3)));

        Instances.await(BACKFILLED, "every series to be whole, no run open", () -> TICKERS.stream().allMatch(this::whole)
                && instances.queryLong("select count(*) from ingestion_run where status = 'RUNNING'") == 0);

        List<RecordedRequest> requests = fake.requests();
        assertThat(instances.queryLong("select count(distinct split_part(owner, '/', 1)) from ingestion_run"
                + " where api_calls > 0")).as("both instances asked Polygon").isEqualTo(2);
        assertThat(fake.maxRequestsInAnyWindow(PLAN_WINDOW)).as("requests in any %s of %d", PLAN_WINDOW, requests.size())
                .isLessThanOrEqualTo(REQUESTS_PER_WINDOW);
        assertThat(requests.stream().filter(request -> request.servedAs().equals("INTERNAL_SERVER_ERROR")))
                .as("the retries passed the budget too").hasSize(FAULTS);
        // and each ticker's splits: one page, asked for by whichever instance claimed the check
        int oneInstance = TICKERS.stream().mapToInt(ClusterBudgetTest::pages).sum() + FAULTS + TICKERS.size();
        assertThat(requests.size()).as("requests of both, against %d of one instance", oneInstance)
                .isBetween(oneInstance, oneInstance * 11 / 10);
        for (String symbol : TICKERS) {
            assertThat(storedMinutes(symbol)).as("%s 1m", symbol).containsExactlyElementsOf(sourceMinutes(symbol));
        }
        assertThat(instances.queryLong("select count(distinct (ticker, timeframe, ts)) from market_bar"))
                .isEqualTo(instances.queryLong("select count(*) from market_bar"));
    }

    @Test
    void aStopEndsAWaitForTheBudgetAtOnceAndTheWaitingRunIsClosedWithTheReason() throws Exception {
        // the ticker's two runs (1m and 1d) and its splits check at its start, and a budget of one request
        // an hour: one is answered, the others wait
        Main app = instances.startWithTickers(Map.of("polygon.requests-per-window", "1",
                "polygon.budget-window-millis", String.valueOf(Duration.ofHours(1).toMillis())),
                AppTestSupport.tickerBlock("SPY"));
        Instances.await(BACKFILLED, "the first request to be answered and the others to wait", () -> fake.requestCount() == 1
                && instances.queryLong("select count(*) from ingestion_run") == 2
                && instances.queryLong("select count(*) from split_check") == 1);

        long stopping = System.nanoTime();
        app.stop();
        Duration stop = Duration.ofNanos(System.nanoTime() - stopping);

        assertThat(stop).as("well within the shutdown timeout (20 s), let alone the window")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(fake.requestCount()).as("nothing sent past the budget").isEqualTo(1);
        assertThat(instances.queryLong("select count(*) from ingestion_run where status = 'RUNNING'")).isZero();
        boolean splitsAnswered = fake.requests().get(0).pathAndQuery().startsWith("/v3/reference/splits");
        assertThat(instances.queryLong("select count(*) from ingestion_run where api_calls = 0"
                + " and error like 'stopped: the app was shut down during this run%'"))
                .as("the runs that waited are closed by the stopping app")
                .isEqualTo(instances.queryLong("select count(*) from ingestion_run where api_calls = 0"))
                .as("both runs waited if the splits were answered, else the other one")
                .isEqualTo(splitsAnswered ? 2 : 1);
        assertThat(instances.queryLong("select count(*) from split_check where claimed_until is null"
                + " and checked_at is " + (splitsAnswered ? "not null" : "null") + " and error is null"))
                .as("the splits check: stored if answered, else its claim released; no error").isEqualTo(1);
    }

    /** What one instance asks for a ticker's week: its minute pages and one daily page. */
    private static int pages(String symbol) {
        return (sourceMinutes(symbol).size() + PAGE_LIMIT - 1) / PAGE_LIMIT + 1;
    }

    private boolean whole(String symbol) {
        try {
            return instances.queryLong("select count(*) from market_bar where ticker = '" + symbol
                    + "' and timeframe = '1m'") == sourceMinutes(symbol).size()
                    && instances.queryLong("select count(*) from market_bar where ticker = '" + symbol
                    + "' and timeframe = '1d'") == 5;
        } catch (SQLException e) {
            return false;
        }
    }

    private static List<Aggregate> sourceMinutes(String symbol) {
        List<Aggregate> bars = new ArrayList<>();
        for (LocalDate day = FIRST; !day.isAfter(LAST); day = day.plusDays(1)) {
            bars.addAll(SOURCE.minuteBars(symbol, day));
        }
        return bars;
    }

    private List<Aggregate> storedMinutes(String symbol) throws SQLException {
        String sql = """
                select (extract(epoch from ts) * 1000)::bigint, open, high, low, close, volume, vwap, trades
                from market_bar where ticker = ? and timeframe = '1m' order by ts""";
        List<Aggregate> bars = new ArrayList<>();
        try (Connection connection = instances.store().getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, symbol);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    bars.add(new Aggregate(rows.getLong(1), rows.getDouble(2), rows.getDouble(3), rows.getDouble(4),
                            rows.getDouble(5), rows.getDouble(6), rows.getDouble(7), rows.getLong(8)));
                }
            }
        }
        return bars;
    }

    private static Instant midnight(LocalDate day) {
        return day.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant();
    }
}
