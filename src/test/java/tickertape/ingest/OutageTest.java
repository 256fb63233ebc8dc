package tickertape.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tickertape.AppTestSupport;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;
import tickertape.polygon.FakePolygon.Fault;

/**
 * The database (external, as DATABASE_URL names it) stops in the middle of a backfill of four tickers
 * for longer than the pool's timeouts, then comes back: health says DOWN while it is away and UP after,
 * and ingestion goes on by itself, with no restart: the store ends equal to the source, no run is left
 * RUNNING, and nothing is stored twice.
 */
class OutageTest extends IngestionTestSupport {
    private static final List<String> TICKERS = List.of("SPY", "QQQ", "IWM", "UVXY");
    private static final LocalDate FIRST = LocalDate.of(2024, 3, 4);
    private static final LocalDate LAST = LocalDate.of(2024, 3, 8);
    /** Longer than the pool's connection timeout (10 s): every caller meets the outage. */
    private static final Duration OUTAGE = Duration.ofSeconds(15);
    private static final Duration RECOVERED = Duration.ofSeconds(120);

    // Assigned while the test support's constructor asks for the properties (no initialisers: see AppTestSupport).
    private Path databaseDirectory;
    private int databasePort;
    private EmbeddedPostgres database;

    @Override
    protected FakePolygon newFake() {
        return new FakePolygon(newKey(), Clock.fixed(midnight(LAST.plusDays(1)), ZoneOffset.UTC));
    }

    @Override
    protected Properties moreProperties() {
        databaseDirectory = newDirectory();
        database = startDatabase(); // on a port of its choosing, kept for the restart
        databasePort = database.getPort();
        Path routes = copyOfRoutesWithoutTickers();
        writeFile(routes.resolve("tickers.camel.yaml"),
                TICKERS.stream().map(AppTestSupport::tickerBlock).reduce("", String::concat));
        Properties properties = new Properties();
        properties.put("tickertape.database.url", "postgresql://postgres@localhost:" + databasePort + "/postgres");
        properties.put("camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml");
        properties.put("tickertape.backfill-from", FIRST.toString());
        properties.put("tickertape.refresh-schedule", "0 0 0 1 1 ?");
        properties.put("quality.repair-enabled", "false");
        properties.put("ingest.heal-interval-millis", "1000");
        properties.put("ingest.retry-failed-after", "PT2S");
        properties.put("ingest.lease-renew-millis", "1000");
        return properties;
    }

    @AfterAll
    void stopDatabase() throws IOException {
        database.close();
    }

    @Test
    void aDatabaseOutageMidBackfillIsRiddenOutAndTheStoreEndsEqualToTheSourceWithoutARestart() throws Exception {
        // each minute page arrives late, so the backfill is still going when the database stops
        fake.failMatching("/range/1/minute/", Integer.MAX_VALUE, Fault.responseDelay(Duration.ofMillis(700)));
        await(RECOVERED, "a few pages to be stored", () -> queryLong(
                "select count(*) from market_bar where timeframe = '1m'") >= 2L * PAGE_LIMIT);
        // How many runs are still going depends on this machine's speed; one is enough for the outage
        // to fall mid-backfill.
        assertThat(queryLong("select count(*) from ingestion_run where status = 'RUNNING'"))
                .as("the backfill is under way").isPositive();

        database.close();
        long stoppedAt = System.nanoTime();
        await(OUTAGE, "health to say DOWN", () -> health().equals("DOWN"));
        Thread.sleep(Math.max(0, OUTAGE.toMillis() - Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis()));
        database = startDatabase();

        await(RECOVERED, "health to say UP", () -> health().equals("UP"));
        await(RECOVERED, "every series to be whole and no run left running", () -> TICKERS.stream().allMatch(
                this::whole) && queryLong("select count(*) from ingestion_run where status = 'RUNNING'") == 0);
        for (String symbol : TICKERS) {
            assertStoredExactly(symbol, Timeframe.M1, midnight(FIRST), midnight(LAST.plusDays(1)),
                    sourceMinutes(symbol, FIRST, LAST));
        }
        assertThat(queryLong("select count(distinct (ticker, timeframe, ts)) from market_bar"))
                .isEqualTo(queryLong("select count(*) from market_bar"));
    }

    private boolean whole(String symbol) {
        try {
            return barCount(symbol, "1m") == sourceMinutes(symbol, FIRST, LAST).size() && barCount(symbol, "1d") == 5;
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    /** What /observe/health says (UP or DOWN), or NO ANSWER when a 2 s probe gets none: a hang is no answer. */
    private String health() throws Exception {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(managementUrl()
                    + "/observe/health")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? "UP" : response.statusCode() == 503 ? "DOWN" : "HTTP "
                    + response.statusCode();
        } catch (java.net.http.HttpTimeoutException e) {
            return "NO ANSWER";
        }
    }

    /** The "external" server: started again on the same directory and port, as a restarted server would be. */
    private EmbeddedPostgres startDatabase() {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(databaseDirectory)
                    .setCleanDataDirectory(false);
            return (databasePort == 0 ? builder : builder.setPort(databasePort)).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path newDirectory() {
        try {
            return Files.createTempDirectory("tickertape-outage-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
