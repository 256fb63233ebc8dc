package tickertape.api.market;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tickertape.bars.MarketBarChanges;
import tickertape.keys.Role;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MarketDataTest extends ApiTestSupport {
    private static final Instant OPEN = Instant.parse("2025-01-02T14:30:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);
    /** Announcements take milliseconds; only a stalled machine reaches this. */
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void aRangeIsJsonWithIsoTimestampsAndEveryBarField() throws Exception {
        addTicker("MKTA");
        insertBars("MKTA", "1m", OPEN, MINUTE, 3);

        Reply reply = get(Role.BOT, "/api/v2/data/market?ticker=mkta&timeframe=1m&from=2025-01-02&to=2025-01-02");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        JsonNode page = reply.json();
        assertThat(page.path("ticker").asText()).isEqualTo("MKTA");
        assertThat(page.path("timeframe").asText()).isEqualTo("1m");
        assertThat(page.path("from").asText()).isEqualTo("2025-01-02T05:00:00Z");
        assertThat(page.path("to").asText()).isEqualTo("2025-01-03T05:00:00Z");
        assertThat(page.path("count").asInt()).isEqualTo(3);
        assertThat(page.path("nextCursor").isNull()).isTrue();
        JsonNode first = page.path("bars").get(0);
        assertThat(first.path("ts").asText()).isEqualTo("2025-01-02T14:30:00Z");
        assertThat(first.path("open").asDouble()).isEqualTo(99.5);
        assertThat(first.path("high").asDouble()).isEqualTo(101.0);
        assertThat(first.path("low").asDouble()).isEqualTo(99.0);
        assertThat(first.path("close").asDouble()).isEqualTo(100.0);
        assertThat(first.path("volume").asDouble()).isEqualTo(1000.5);
        assertThat(first.path("vwap").asDouble()).isEqualTo(99.75);
        assertThat(first.path("trades").asLong()).isEqualTo(10);
        assertThat(page.path("bars")).hasSize(3);
        assertThat(page.path("bars").get(2).path("ts").asText()).isEqualTo("2025-01-02T14:32:00Z");
    }

    @Test
    void cursorsCoverARangeExactlyOnceAndTheInstantBoundsAreHalfOpen() throws Exception {
        addTicker("MKTB");
        insertBars("MKTB", "1m", OPEN, MINUTE, 25);
        String query = "/api/v2/data/market?ticker=MKTB&timeframe=1m&from=2025-01-02T14:30:00Z&to=2025-01-02T14:55:00Z&limit=10";

        List<String> seen = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        String cursor = null;
        do {
            Reply reply = get(Role.ML, query + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            JsonNode page = reply.json();
            page.path("bars").forEach(bar -> seen.add(bar.path("ts").asText()));
            counts.add(page.path("count").asInt());
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
            if (cursor != null) {
                assertThat(reply.header("Link")).contains("cursor=" + cursor).endsWith("rel=\"next\"");
            }
        } while (cursor != null);

        assertThat(counts).containsExactly(10, 10, 5);
        assertThat(seen).doesNotHaveDuplicates().hasSize(25)
                .startsWith("2025-01-02T14:30:00Z").endsWith("2025-01-02T14:54:00Z");
    }

    @Test
    void aCursorOfAnotherQueryOrNotOursIs400NamingIt() throws Exception {
        addTicker("MKTC");
        insertBars("MKTC", "1m", OPEN, MINUTE, 5);
        JsonNode first = get(Role.BOT, "/api/v2/data/market?ticker=MKTC&timeframe=1m&from=2025-01-02&to=2025-01-02&limit=2")
                .json();
        String cursor = first.path("nextCursor").asText();

        Reply otherQuery = get(Role.BOT,
                "/api/v2/data/market?ticker=MKTC&timeframe=5m&from=2025-01-02&to=2025-01-02&limit=2&cursor=" + cursor);
        Reply garbage = get(Role.BOT,
                "/api/v2/data/market?ticker=MKTC&timeframe=1m&from=2025-01-02&to=2025-01-02&cursor=not-a-cursor");

        assertProblem(otherQuery, 400, "cursor");
        assertProblem(garbage, 400, "cursor");
    }

    @Test
    void badParametersAre400NamingTheFieldAndAnUnknownTickerIs404() throws Exception {
        String good = "ticker=SPY&timeframe=1m&from=2025-01-02&to=2025-01-03";
        assertProblem(get(Role.BOT, "/api/v2/data/market?" + good.replace("1m", "2m")), 400, "timeframe");
        assertProblem(get(Role.BOT, "/api/v2/data/market?" + good.replace("from=2025-01-02", "from=yesterday")), 400, "from");
        assertProblem(get(Role.BOT, "/api/v2/data/market?" + good.replace("to=2025-01-03", "to=2025-13-01")), 400, "to");
        assertProblem(get(Role.BOT, "/api/v2/data/market?" + good.replace("to=2025-01-03", "to=2024-12-01")), 400, "to");
        assertProblem(get(Role.BOT, "/api/v2/data/market?" + good + "&limit=0"), 400, "limit");
        assertProblem(get(Role.BOT, "/api/v2/data/market?" + good + "&limit=99999999999"), 400, "limit");
        assertProblem(get(Role.BOT, "/api/v2/data/market?" + good.replace("ticker=SPY", "ticker=%27%3B--")), 400, "ticker");
        assertProblem(get(Role.BOT, "/api/v2/data/market?" + good.replace("ticker=SPY&", "")), 400, "ticker");
        assertThat(get(Role.BOT, "/api/v2/data/market?" + good.replace("SPY", "NOSUCH")).status()).isEqualTo(404);
        assertThat(get(Role.BOT, "/api/v2/data/market/latest?ticker=NOSUCH&timeframe=1m").status()).isEqualTo(404);
    }

    @Test
    void csvOnAcceptTextCsv() throws Exception {
        addTicker("MKTD");
        insertBars("MKTD", "1d", Instant.parse("2025-01-02T05:00:00Z"), Duration.ofDays(1), 2);
        execute("update market_bar set vwap = null, trades = null where ticker = 'MKTD' and ts = '2025-01-03T05:00:00Z'");

        Reply reply = get(Role.ML, "/api/v2/data/market?ticker=MKTD&timeframe=1d&from=2025-01-01&to=2025-01-31",
                "Accept", "text/csv");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("text/csv");
        assertThat(reply.body()).isEqualTo("""
                ts,open,high,low,close,volume,vwap,trades
                2025-01-02T05:00:00Z,99.5,101.0,99.0,100.0,1000.5,99.75,10
                2025-01-03T05:00:00Z,100.5,102.0,100.0,101.0,1001.5,,
                """);
    }

    @Test
    void aClosedRangeHasAnEtagThatAnswers304UntilItsBarsChange() throws Exception {
        addTicker("MKTE");
        insertBars("MKTE", "1m", OPEN, MINUTE, 5);
        String range = "/api/v2/data/market?ticker=MKTE&timeframe=1m&from=2025-01-02&to=2025-01-02";

        Reply first = get(Role.BOT, range);
        String etag = first.header("ETag");
        assertThat(etag).isNotBlank();
        assertThat(first.header("Cache-Control")).isEqualTo("private, max-age=3600");

        Reply unchanged = get(Role.BOT, range, "If-None-Match", etag);
        assertThat(unchanged.status()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
        assertThat(get(Role.BOT, range, "If-None-Match", etag, "Accept", "text/csv").status())
                .as("the CSV is another representation").isEqualTo(200);

        insertBars("MKTE", "1m", OPEN.plus(Duration.ofMinutes(10)), MINUTE, 1);
        Reply changed = get(Role.BOT, range, "If-None-Match", etag);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().path("count").asInt()).isEqualTo(6);
        assertThat(changed.header("ETag")).isNotEqualTo(etag);
    }

    @Test
    void aRangeReachingTodayHasNoEtag() throws Exception {
        Reply reply = get(Role.BOT, "/api/v2/data/market?ticker=SPY&timeframe=1d&from=2025-01-02&to=" + Instant.now().plus(
                Duration.ofDays(1)));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.header("ETag")).isNull();
    }

    @Test
    void aLargeRangeStreamsInOneResponse() throws Exception {
        addTicker("MKTF");
        execute("""
                insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume)
                select 'MKTF', '1m', timestamptz '2024-01-02 00:00Z' + n * interval '1 minute', 10, 11, 9, 10.5, n
                from generate_series(0, 239999) n""");

        Reply reply = get(Role.ML, "/api/v2/data/market?ticker=MKTF&timeframe=1m&from=2024-01-01&to=2025-01-01&limit=1000000");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Length")).as("streamed, not buffered").isNull();
        JsonNode page = reply.json();
        assertThat(page.path("count").asInt()).isEqualTo(240_000);
        assertThat(page.path("bars")).hasSize(240_000);
        assertThat(page.path("bars").get(239_999).path("volume").asDouble()).isEqualTo(239_999);
    }

    /**
     * Bars written and changed by SQL on another connection, in transactions of their own that announce
     * them as every writer does (as another process would), replace the bar held in memory.
     */
    @Test
    void latestFollowsBarsWrittenAndChangedByAnotherConnection() throws Exception {
        addTicker("MKTG");
        insertBars("MKTG", "5m", OPEN, Duration.ofMinutes(5), 3);
        assertThat(latestBar("MKTG", "5m").path("ts").asText()).isEqualTo("2025-01-02T14:40:00Z");
        awaitHeldInMemory("MKTG", "5m");

        insertBars("MKTG", "5m", OPEN.plus(Duration.ofMinutes(15)), Duration.ofMinutes(5), 1);
        JsonNode inserted = awaitLatestBar("MKTG", "5m", "ts", "2025-01-02T14:45:00Z");
        assertThat(inserted.path("close").asDouble()).isEqualTo(closeAt(0));

        try (Connection connection = dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("update market_bar set high = 123.25, close = 123.25 where ticker = 'MKTG' and timeframe = '5m'"
                    + " and ts = '2025-01-02T14:45:00Z'");
            announce(connection, "MKTG", "5m");
            connection.commit();
        }
        JsonNode updated = awaitLatestBar("MKTG", "5m", "close", "123.25");
        assertThat(updated.path("ts").asText()).isEqualTo("2025-01-02T14:45:00Z");
        assertThat(get(Role.BOT, "/api/v2/data/market/latest?ticker=MKTG&timeframe=1d").status())
                .as("a known ticker without bars of that timeframe").isEqualTo(404);
    }

    /**
     * While the listener is not connected the cache is not trusted: a change made then, even one nobody
     * announced, is served at once; and once the listener is back the cache is in use again.
     */
    @Test
    void aChangeMadeWhileTheListenerIsKilledIsNotMissed() throws Exception {
        addTicker("MKTH");
        insertBars("MKTH", "1m", OPEN, MINUTE, 2);
        assertThat(latestBar("MKTH", "1m").path("close").asDouble()).isEqualTo(closeAt(1));
        awaitHeldInMemory("MKTH", "1m");
        int killedPid = listenerPid();

        // One transaction, announced to no one: the listener's backend is gone by the time it commits.
        try (Connection connection = dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("select pg_terminate_backend(" + killedPid + ")");
            statement.execute("update market_bar set open = 77.5, high = 77.5, low = 77.5, close = 77.5 where ticker = 'MKTH' and timeframe = '1m'"
                    + " and ts = '2025-01-02T14:31:00Z'");
            connection.commit();
        }

        awaitLatestBar("MKTH", "1m", "close", "77.5");
        await(DEADLINE, "the listener on a new connection", () -> {
            Integer pid = listenerPidOrNull();
            return pid != null && pid != killedPid;
        });
        assertThat(latestBar("MKTH", "1m").path("close").asDouble()).isEqualTo(77.5);
        awaitHeldInMemory("MKTH", "1m");
    }

    private JsonNode latestBar(String ticker, String timeframe) throws Exception {
        Reply reply = get(Role.BOT, "/api/v2/data/market/latest?ticker=" + ticker + "&timeframe=" + timeframe);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().path("ticker").asText()).isEqualTo(ticker);
        assertThat(reply.json().path("timeframe").asText()).isEqualTo(timeframe);
        return reply.json().path("bar");
    }

    /**
     * Reads the latest bar until the read leaves it in memory (a read can race the announcement of the
     * write before it, which then forgets it), so what follows is answered from the cache.
     */
    private void awaitHeldInMemory(String ticker, String timeframe) throws Exception {
        MarketBarChanges.Series series = new MarketBarChanges.Series(ticker, timeframe);
        await(DEADLINE, ticker + " " + timeframe + " held in memory", () -> {
            latestBar(ticker, timeframe);
            return latestBarCache().get(series) != null;
        });
    }

    /** Polls the latest bar until its {@code field} reads {@code value} (an announcement takes milliseconds). */
    private JsonNode awaitLatestBar(String ticker, String timeframe, String field, String value) throws Exception {
        await(DEADLINE, ticker + " " + timeframe + " latest " + field + " " + value,
                () -> latestBar(ticker, timeframe).path(field).asText().equals(value));
        return latestBar(ticker, timeframe);
    }

    /** A problem+json answer with {@code status} that names {@code parameter}. */
    static void assertProblem(Reply reply, int status, String parameter) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
        assertThat(reply.json().toString()).contains("\"" + parameter + "\"");
    }
}
