package tickertape.api.market;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tickertape.keys.ApiKeys;
import tickertape.keys.Role;
import tickertape.market.ExchangeCalendar;
import tickertape.sandbox.SyntheticBars;

/**
 * Clients that stop reading a streamed page of bars hold an API connection each, for as long as they
 * do: they take the whole API pool, and ingestion, on a pool of its own, runs to its end all the
 * same (a manual run, after the start's backfill). One client may not have more than api.market.max-streams-per-key pages streaming (429).
 */
class SlowReadersTest extends ApiTestSupport {
    private static final int POOL = 4;
    private static final int STREAMS_PER_KEY = 2;
    /** Far more than the socket buffers and Vert.x's write queue hold: a reader that stops stalls the stream. */
    private static final int BARS = 300_000;
    private static final String PAGE = "/api/v2/data/market?ticker=SLOW&timeframe=1m&from=2000-01-01&to=2001-01-01&limit="
            + BARS;

    private final List<Socket> readers = new ArrayList<>();

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        properties.put("tickertape.database.pool-size", String.valueOf(POOL));
        properties.put("tickertape.database.api-pool-size", String.valueOf(POOL));
        properties.put("api.market.max-streams-per-key", String.valueOf(STREAMS_PER_KEY));
        // the stalled streams stay for the whole test (ApiPoolTimeoutsTest shows the server ending them)
        properties.put("tickertape.database.api-idle-in-transaction-timeout", "PT10M");
        return properties;
    }

    @AfterEach
    void closeReaders() throws IOException {
        for (Socket reader : readers) {
            reader.close();
        }
    }

    @Test
    void ingestionRunsToItsEndWhileStalledReadersHoldEveryApiConnection() throws Exception {
        await(Duration.ofSeconds(180), "the start's backfill to end", () -> queryLong("select count(*) from ingestion_run") > 0
                && queryLong("select count(*) from ingestion_run where status = 'RUNNING'") == 0);
        addTicker("SLOW");
        execute("""
                insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume)
                select 'SLOW', '1m', timestamptz '2000-01-03 14:30Z' + n * interval '1 minute', 10, 11, 9, 10, 1
                from generate_series(0, %d) as n""".formatted(BARS - 1));
        ApiKeys apiKeys = context.getRegistry().findSingleByType(ApiKeys.class);
        for (Role role : List.of(Role.BOT, Role.ML)) {
            for (int i = 0; i < STREAMS_PER_KEY; i++) {
                assertThat(stalledReader(key(apiKeys, role))).isEqualTo("HTTP/1.1 200 OK");
            }
        }
        await(Duration.ofSeconds(60), "a connection held by each stalled stream", () -> queryLong(
                "select count(*) from pg_stat_activity where state = 'idle in transaction'") == POOL);

        Reply tooMany = get(Role.BOT, PAGE);
        Reply ingest = post(Role.OPS, "/api/v2/data/ingest",
                "{\"tickers\":[\"SPY\"],\"timeframes\":[\"1m\"],\"from\":\"2024-01-08\",\"to\":\"2024-01-13\"}");

        assertThat(tooMany.status()).as(tooMany.body()).isEqualTo(429);
        assertThat(tooMany.json().path("type").asText()).endsWith("/too-many-streams");
        assertThat(ingest.status()).as(ingest.body()).isEqualTo(202);
        long run = ingest.json().path("runIds").get(0).asLong();
        await(Duration.ofSeconds(120), "the manual run to end", () -> queryLong(
                "select count(*) from ingestion_run where id = " + run + " and status <> 'RUNNING'") == 1);
        assertThat(queryLong("select count(*) from ingestion_run where id = " + run + " and status = 'SUCCEEDED'"))
                .isEqualTo(1);
        LocalDate monday = LocalDate.of(2024, 1, 8);
        SyntheticBars sandbox = new SyntheticBars(new ExchangeCalendar());
        assertThat(queryLong("""
                select count(*) from market_bar where ticker = 'SPY' and timeframe = '1m'
                and ts >= '2024-01-08 00:00 America/New_York' and ts < '2024-01-13 00:00 America/New_York'"""))
                .as("the sandbox's minutes of the week asked for")
                .isEqualTo(monday.datesUntil(monday.plusDays(5)).mapToLong(day -> sandbox.minuteBars("SPY", day).size()).sum());
    }

    /** Asks for the page with {@code key}, reads its status line, and reads no more; the socket stays open. */
    private String stalledReader(String key) throws IOException {
        Socket socket = new Socket("127.0.0.1", httpPort);
        readers.add(socket);
        socket.setReceiveBufferSize(4096);
        socket.getOutputStream().write(("GET " + PAGE + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + key
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\r' && c != -1; ) {
            line.append((char) c);
        }
        return line.toString();
    }
}
