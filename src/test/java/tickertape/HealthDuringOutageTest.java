package tickertape;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /observe/health while the database is away: DOWN at once (a probe with a 2 s timeout must get an
 * answer, not wait for the pool's 10 s), UP again once it is back. The database is one this test
 * runs and stops, reached through DATABASE_URL as an external one.
 */
class HealthDuringOutageTest extends AppTestSupport {
    /** What a health probe such as Kubernetes' waits at most; the answer must come well within it. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path serverDirectory;
    private static int serverPort;
    private static EmbeddedPostgres server;

    @BeforeAll
    static void startServer() throws IOException {
        serverPort = freePort();
        server = startServerOnItsDirectory();
    }

    @AfterAll
    static void stopServer() throws IOException {
        server.close();
    }

    /** Started, or started again, on the same files and port: the app sees the same server come back. */
    private static EmbeddedPostgres startServerOnItsDirectory() throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(serverDirectory).setCleanDataDirectory(false)
                .setPort(serverPort).start();
    }

    @Override
    protected Properties extraProperties() {
        Properties properties = withoutTickers();
        properties.put("tickertape.database.url", "postgresql://postgres:unused@127.0.0.1:" + serverPort + "/postgres");
        return properties;
    }

    @Test
    void downWithinASecondWhileTheDatabaseIsStoppedAndUpWhenItIsBack() throws Exception {
        // The first call warms the endpoint up (seconds on a busy machine); only the outage is timed.
        assertThat(health(Duration.ofSeconds(30)).statusCode()).isEqualTo(200);

        server.close();
        long stoppedAt = System.nanoTime();
        HttpResponse<String> down = health();
        Duration answeredIn = Duration.ofNanos(System.nanoTime() - stoppedAt);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("\"database\"").contains("DOWN");
        assertThat(answeredIn).as("the first answer after the stop").isLessThan(Duration.ofSeconds(1));
        for (int probe = 0; probe < 5; probe++) {
            assertThat(health().statusCode()).as("probe %d, still down", probe).isEqualTo(503);
        }

        server = startServerOnItsDirectory();
        await(Duration.ofSeconds(30), "health UP after the database is back", () -> health().statusCode() == 200);
        assertThat(health().body()).contains("\"database\"").contains("UP");
    }

    /** GET /observe/health, failing the test (HttpTimeoutException) when the answer takes the probe's timeout. */
    private HttpResponse<String> health() throws Exception {
        return health(PROBE_TIMEOUT);
    }

    private HttpResponse<String> health(Duration timeout) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(managementUrl() + "/observe/health"))
                .timeout(timeout).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
