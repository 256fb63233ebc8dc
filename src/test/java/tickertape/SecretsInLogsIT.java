package tickertape;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tickertape.polygon.FakePolygon;

/**
 * The packaged app at the most verbose log levels, with a Polygon key (a fake Polygon checks it is
 * sent) and an external database reached with a password: every line it prints, from start to stop,
 * holds neither.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsInLogsIT {
    private static final Duration START = Duration.ofSeconds(120);
    /** Unlike any other text the app prints, so finding it anywhere means it leaked. */
    private final String polygonKey = "pk_" + UUID.randomUUID().toString().replace("-", "");
    private final String databasePassword = "pw" + UUID.randomUUID().toString().replace("-", "");

    private EmbeddedPostgres database;
    private FakePolygon polygon;

    @TempDir
    Path temp;

    @BeforeAll
    void start() throws Exception {
        database = EmbeddedPostgres.builder().start();
        try (Connection connection = database.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("create role tickertape login password '" + databasePassword + "'");
            statement.execute("create database tickertape owner tickertape");
        }
        polygon = new FakePolygon(polygonKey);
    }

    @AfterAll
    void stop() throws Exception {
        polygon.close();
        database.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"DEBUG", "TRACE"})
    void neitherThePolygonKeyNorTheDatabasePasswordIsLogged(String level) throws Exception {
        polygon.clearRequests();
        String output;
        try (AppProcess app = AppProcess.start(AppProcess.newWorkDir(temp.resolve(level)), Map.of(
                "TICKERTAPE_LOG_LEVEL", level,
                "POLYGON_API_KEY", polygonKey,
                "POLYGON_BASE_URL", polygon.baseUrl(),
                "DATABASE_URL", "postgresql://tickertape:" + databasePassword + "@127.0.0.1:" + database.getPort()
                        + "/tickertape"))) {
            assertThat(app.awaitReady(START)).as(app.output()).isTrue();
            awaitAnsweredRequest(app);
            app.stop(Duration.ofSeconds(40));
            output = app.output();
        }
        assertThat(output).as("a %s log", level).contains(" " + level + " ");
        assertThat(output.lines().filter(line -> line.contains(polygonKey) || line.contains(databasePassword)))
                .as("lines of the %s log holding the Polygon key or the database password", level).isEmpty();
    }

    /** Until the fake has answered a request that carried the key, so its sending and its answer were logged. */
    private void awaitAnsweredRequest(AppProcess app) throws InterruptedException {
        Instant deadline = Instant.now().plus(START);
        while (polygon.headersSeen().getOrDefault("authorization", Set.of()).isEmpty()) {
            assertThat(Instant.now()).as("a request to the fake Polygon\n" + app.output()).isBefore(deadline);
            Thread.sleep(200);
        }
        assertThat(polygon.headersSeen().get("authorization")).containsExactly("Bearer " + polygonKey);
        Thread.sleep(2_000);
    }
}
