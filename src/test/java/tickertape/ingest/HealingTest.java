package tickertape.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tickertape.AppTestSupport;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;
import tickertape.polygon.FakePolygon.RecordedRequest;

/**
 * Four tickers configured as ops configure them (blocks in tickers.camel.yaml), backfilled from a
 * fake whose week ends on a Friday, while the database refuses one day of SPY's minutes (a trigger):
 * only the page holding that day fails, no other ticker's or timeframe's pages go with it, the hole is
 * reported while the fault lasts, and once it is gone the next plan fills the hole, with no restart and
 * no other page asked for again. Then the runs of another instance: one whose lease ran out is closed
 * and its series planned again; a live one's series is left to it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealingTest extends IngestionTestSupport {
    private static final List<String> TICKERS = List.of("SPY", "QQQ", "IWM", "UVXY");
    private static final LocalDate FIRST = LocalDate.of(2024, 3, 4);
    private static final LocalDate LAST = LocalDate.of(2024, 3, 8);
    private static final LocalDate REFUSED_DAY = LocalDate.of(2024, 3, 6);
    private static final Duration HEALED = Duration.ofSeconds(120);

    // Assigned while the test support's constructor asks for the properties (no initialisers: see AppTestSupport).
    private Path tickersFile;

    @Override
    protected FakePolygon newFake() {
        // the source's now: the Saturday after the week, so the week is all it has
        return new FakePolygon(newKey(), Clock.fixed(midnight(LAST.plusDays(1)), ZoneOffset.UTC));
    }

    @Override
    protected Properties moreProperties() {
        Path routes = copyOfRoutesWithoutTickers();
        tickersFile = routes.resolve("tickers.camel.yaml");
        writeFile(tickersFile, "[]\n"); // no ticker until the fault is in place
        Properties properties = new Properties();
        properties.put("camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml");
        properties.put("camel.main.routes-reload-enabled", "true");
        properties.put("camel.main.routes-reload-directory", routes.toString());
        properties.put("tickertape.backfill-from", FIRST.toString());
        // no scheduled refresh fires while the test runs (the ticks that plan are the healing ones), and
        // the quality report, which expects bars up to a refresh period ago, expects the whole week
        properties.put("tickertape.refresh-schedule", "0 0 0 1 1 ?");
        properties.put("quality.repair-enabled", "false");
        properties.put("ingest.heal-interval-millis", "500");
        properties.put("ingest.retry-failed-after", "PT3S");
        return properties;
    }

    @Test
    @Order(1)
    void aDayTheDatabaseRefusesIsAHoleWhileTheFaultLastsAndIsFilledByTheNextPlanWithoutARestart() throws Exception {
        execute("""
                create function refuse_day() returns trigger language plpgsql as $$
                begin
                    raise exception 'injected write fault';
                end $$""");
        execute("create trigger refuse_day before insert or update on market_bar for each row"
                + " when (new.ticker = 'SPY' and new.timeframe = '1m' and new.ts >= '" + midnight(REFUSED_DAY)
                + "' and new.ts < '" + midnight(REFUSED_DAY.plusDays(1)) + "') execute function refuse_day()");
        writeFile(tickersFile, TICKERS.stream().map(AppTestSupport::tickerBlock).reduce("", String::concat));

        await(HEALED, "every series but SPY 1m to be complete, and SPY 1m to have failed on the refused day",
                () -> TICKERS.stream().allMatch(this::completeOrSpyMinutes)
                        && queryLong("select count(*) from ingestion_run where ticker = 'SPY' and timeframe = '1m'"
                        + " and status = 'FAILED' and error like 'write failed: %injected write fault%'") > 0);
        for (String symbol : TICKERS) {
            assertThat(barCount(symbol, "1d")).as("%s 1d", symbol).isEqualTo(5);
            if (!symbol.equals("SPY")) {
                assertStoredExactly(symbol, Timeframe.M1, midnight(FIRST), midnight(LAST.plusDays(1)),
                        sourceMinutes(symbol, FIRST, LAST));
            }
        }
        assertThat(storedBars("SPY", Timeframe.M1, midnight(REFUSED_DAY), midnight(REFUSED_DAY.plusDays(1))))
                .as("nothing of the refused day").isEmpty();
        assertThat(storedBars("SPY", Timeframe.M1, midnight(LAST), midnight(LAST.plusDays(1))).keySet())
                .as("the pages before the refused one are kept")
                .containsExactlyElementsOf(SOURCE.minuteBars("SPY", LAST).stream().map(bar -> bar.startMillis()).toList());
        assertThat(missingRegularBars("SPY", REFUSED_DAY)).as("the hole is reported while it exists").isEqualTo(390);

        // right after a failed attempt, so the next one (retry-failed-after) is the first after the fault
        long failed = queryLong("select count(*) from ingestion_run where status = 'FAILED'");
        await(HEALED, "another attempt to fail", () -> queryLong(
                "select count(*) from ingestion_run where status = 'FAILED'") > failed);
        int beforeRepair = fake.requestCount();
        execute("drop trigger refuse_day on market_bar");

        await(HEALED, "SPY 1m to be whole", () -> barCount("SPY", "1m") == sourceMinutes("SPY", FIRST, LAST).size()
                && noOpenRun("SPY", "1m"));
        assertStoredExactly("SPY", Timeframe.M1, midnight(FIRST), midnight(LAST.plusDays(1)),
                sourceMinutes("SPY", FIRST, LAST));
        assertThat(missingRegularBars("SPY", REFUSED_DAY)).isZero();
        List<RecordedRequest> refetched = requestsFor("SPY", beforeRepair);
        long holeMinutes = sourceMinutes("SPY", FIRST, LAST).size() - PAGE_LIMIT; // all but the first page
        assertThat(refetched).as("only the hole's pages are asked for again")
                .hasSize((int) ((holeMinutes + PAGE_LIMIT - 1) / PAGE_LIMIT))
                .allSatisfy(request -> assertThat(request.pathAndQuery()).contains("/range/1/minute/"));
        assertThat(queryLong("select count(*) from ingestion_run where status = 'RUNNING'")).isZero();
        assertThat(queryLong("select count(distinct (ticker, timeframe, ts)) from market_bar"))
                .isEqualTo(queryLong("select count(*) from market_bar"));
    }

    @Test
    @Order(2)
    void aRunWhoseLeaseExpiredIsClosedAndItsSeriesPlannedAgainWhileALiveOnesSeriesIsLeftToIt() throws Exception {
        await(HEALED, "every series to be whole", () -> TICKERS.stream().allMatch(this::whole));
        execute("delete from market_bar where ticker = 'UVXY' and timeframe = '1m' and ts >= '" + midnight(LAST)
                + "'");
        setAnswered("UVXY", "1m", midnight(LAST), midnight(LAST.plusDays(1)), false);
        setAnswered("IWM", "1m", midnight(LAST), midnight(LAST.plusDays(1)), false);
        // runs of another instance: one died a while ago (its lease ran out), one is alive
        long dead = queryLong(foreignRun("UVXY", "now() - interval '1 second'"));
        long alive = queryLong(foreignRun("IWM", "now() + interval '1 hour'"));
        int since = fake.requestCount();

        await(HEALED, "UVXY 1m to be whole again", () -> barCount("UVXY", "1m") == sourceMinutes("UVXY", FIRST, LAST)
                .size() && noOpenRun("UVXY", "1m"));
        assertThat(run(dead).status()).isEqualTo("FAILED");
        assertThat(run(dead).error()).startsWith("lease expired: other-host:8080/");
        assertStoredExactly("UVXY", Timeframe.M1, midnight(FIRST), midnight(LAST.plusDays(1)),
                sourceMinutes("UVXY", FIRST, LAST));
        assertThat(run(alive).status()).as("a live instance's run is its own").isEqualTo("RUNNING");
        assertThat(requestsFor("IWM", since)).as("its series is left to it").isEmpty();
        execute("update ingestion_run set status = 'FAILED', finished_at = now() where id = " + alive);
    }

    /** A query opening a run of the symbol's minutes for another instance, its lease until {@code leaseUntil}. */
    private static String foreignRun(String symbol, String leaseUntil) {
        return "insert into ingestion_run(trigger, ticker, timeframe, window_from, window_to, status, owner,"
                + " lease_until) values ('backfill', '" + symbol + "', '1m', '" + midnight(FIRST) + "', '"
                + midnight(LAST.plusDays(1)) + "', 'RUNNING', 'other-host:8080/" + symbol + "', " + leaseUntil
                + ") returning id";
    }

    private boolean whole(String symbol) {
        try {
            return barCount(symbol, "1m") == sourceMinutes(symbol, FIRST, LAST).size() && noOpenRun(symbol, "1m");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The series of the symbol hold the whole week, but SPY 1m, which only has to have ended a run. */
    private boolean completeOrSpyMinutes(String symbol) {
        try {
            boolean days = barCount(symbol, "1d") == 5;
            boolean minutes = symbol.equals("SPY")
                    || barCount(symbol, "1m") == sourceMinutes(symbol, FIRST, LAST).size();
            return days && minutes && noOpenRun(symbol, "1d");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private int missingRegularBars(String symbol, LocalDate day) throws Exception {
        var response = get("/api/v2/data/quality?ticker=" + symbol + "&timeframe=1m&from=" + day + "&to=" + day);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response).path("series").get(0).path("missingBars").asInt();
    }
}
