package tickertape.cluster;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.quartz.SchedulerException;
import org.quartz.impl.SchedulerRepository;
import tickertape.AppTestSupport;
import tickertape.keys.ApiKeys;
import tickertape.keys.Role;
import tickertape.polygon.FakePolygon;

/**
 * Several instances of the app in this JVM on one PostgreSQL of the test's own (as DATABASE_URL names
 * an external one), each started as tickertape.Main starts it (Camel Main, the same configuration
 * class and application.properties), each with its own data directory, ports and Quartz scheduler, as
 * each JVM of a cluster has. A JUnit extension: register it on a test's field
 * ({@code @RegisterExtension}) and each test's instances, their database and their fake Polygon are
 * stopped after it. The database starts with the first instance.
 */
public final class Instances implements AfterEachCallback {
    /** A refresh schedule that never fires while a test runs: only what a test starts asks Polygon. */
    public static final String NEVER = "0 0 0 1 1 ? 2099";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Map<String, String> shared;
    private final FakePolygon fake;
    private final List<Main> started = new ArrayList<>();
    private EmbeddedPostgres database;

    private Instances(Map<String, String> shared, FakePolygon fake) {
        this.shared = shared;
        this.fake = fake;
    }

    /**
     * Instances of the app with the routes of {@link AppTestSupport#ROUTES_WITHOUT_TICKERS} (no ticker
     * blocks: no Polygon source is asked by itself) and {@code settings} on top of application.properties.
     */
    public static Instances of(Map<String, String> settings) {
        Map<String, String> shared = new LinkedHashMap<>();
        shared.put("camel.main.routes-include-pattern", AppTestSupport.ROUTES_WITHOUT_TICKERS);
        shared.putAll(settings);
        return new Instances(shared, null);
    }

    /**
     * Instances against {@code fake} (its key and address), with no scheduled repair or refresh firing
     * while a test runs, and {@code settings} on top; stopping them closes the fake too.
     */
    public static Instances against(FakePolygon fake, Map<String, String> settings) {
        Map<String, String> shared = new LinkedHashMap<>();
        shared.put("camel.main.routes-include-pattern", AppTestSupport.ROUTES_WITHOUT_TICKERS);
        shared.put("polygon.api-key", fake.expectedKey());
        shared.put("polygon.base-url", fake.baseUrl());
        shared.put("quality.repair-enabled", "false");
        shared.put("tickertape.refresh-schedule", NEVER);
        shared.putAll(settings);
        return new Instances(shared, fake);
    }

    /** Starts one more instance; returns once its routes run. */
    public Main start() throws Exception {
        return start(Map.of(), context -> { });
    }

    /**
     * Starts one more instance whose routes/tickers.camel.yaml holds {@code tickerBlocks} (see
     * {@link AppTestSupport#tickerBlock}): its tickers start as they do in production, with the app.
     */
    public Main startWithTickers(String... tickerBlocks) throws Exception {
        return startWithTickers(Map.of(), tickerBlocks);
    }

    /** {@link #startWithTickers(String...)} with {@code own} settings on top of the shared ones. */
    public Main startWithTickers(Map<String, String> own, String... tickerBlocks) throws Exception {
        Path tickersFile = Files.createTempDirectory("tickertape-tickers-").resolve("tickers.camel.yaml");
        Files.writeString(tickersFile, String.join("", tickerBlocks));
        Map<String, String> settings = new LinkedHashMap<>(own);
        settings.put("camel.main.routes-include-pattern", shared.get("camel.main.routes-include-pattern")
                + ",file:" + tickersFile);
        return start(settings, context -> { });
    }

    /**
     * Starts one more instance, handing its CamelContext to {@code beforeStart} once it is configured
     * and before anything in it starts; returns once its routes run.
     */
    public Main start(Consumer<CamelContext> beforeStart) throws Exception {
        return start(Map.of(), beforeStart);
    }

    /** Starts one more instance with {@code own} settings on top of the shared ones. */
    public Main start(Map<String, String> own) throws Exception {
        return start(own, context -> { });
    }

    private Main start(Map<String, String> own, Consumer<CamelContext> beforeStart) throws Exception {
        Main main = new Main();
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                beforeStart.accept(configured.getCamelContext());
            }
        });
        tickertape.Main.configure(main.configure());
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("tickertape.database.url", "postgresql://postgres@localhost:" + database().getPort() + "/postgres");
        overrides.put("tickertape.data-dir", Files.createTempDirectory("tickertape-instance-").toString());
        overrides.put("camel.server.port", String.valueOf(freePort()));
        overrides.put("camel.management.port", String.valueOf(freePort()));
        overrides.put("camel.main.routes-reload-enabled", "false");
        overrides.putAll(shared);
        overrides.putAll(own);
        overrides.forEach(main::addOverrideProperty);
        started.add(main);
        main.start();
        forgetScheduler(main.getCamelContext());
        return main;
    }

    /**
     * Quartz hands every scheduler of one name in a JVM the first one made (a registry per JVM): this
     * instance's is forgotten once it runs, so the next instance makes its own, as in its own JVM.
     */
    private static void forgetScheduler(CamelContext context) throws SchedulerException {
        if (context.hasComponent("quartz") instanceof QuartzComponent quartz && quartz.getScheduler() != null) {
            SchedulerRepository.getInstance().remove(quartz.getScheduler().getSchedulerName());
        }
    }

    /** The store, as a connection pool of an instance of its own. */
    public DataSource store() {
        return database().getPostgresDatabase();
    }

    public void execute(String sql) throws SQLException {
        try (Connection connection = store().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    public long queryLong(String sql) throws SQLException {
        return firstColumn(sql, rows -> rows.getLong(1));
    }

    public String queryText(String sql) throws SQLException {
        return firstColumn(sql, rows -> rows.getString(1));
    }

    /** Reads a column of a row a query answers. */
    private interface Column<T> {
        T of(ResultSet rows) throws SQLException;
    }

    /** The first column of the first row of {@code sql}. */
    private <T> T firstColumn(String sql, Column<T> column) throws SQLException {
        try (Connection connection = store().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return column.of(rows);
        }
    }

    /** A key of {@code role} for the instances' API, with a limit no test reaches. */
    public String issueKey(Role role) throws SQLException {
        return new ApiKeys(store()).issue(role, "cluster test", 1_000_000).secret();
    }

    /** GET {@code path} (with its query) of {@code app}'s API with {@code key}. */
    public static HttpResponse<String> get(Main app, String path, String key) throws IOException, InterruptedException {
        String port = app.getCamelContext().resolvePropertyPlaceholders("{{camel.server.port}}");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Polls {@code condition} until it holds; fails after {@code timeout} (generous: this machine is shared). */
    public static void await(Duration timeout, String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Stops the instances still running, then the database, then the fake. */
    @Override
    public void afterEach(ExtensionContext test) {
        try {
            for (Main main : started) {
                main.stop();
            }
        } finally {
            try {
                if (database != null) {
                    database.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                if (fake != null) {
                    fake.close();
                }
            }
        }
    }

    private EmbeddedPostgres database() {
        if (database == null) {
            try {
                database = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return database;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
