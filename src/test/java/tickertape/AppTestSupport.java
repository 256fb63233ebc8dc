package tickertape;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole application in-process, as Main starts it (same configuration class, same
 * application.properties, same routes/), on an embedded PostgreSQL in a fresh directory and free ports.
 */
@ExtendWith(AppTestSupport.StopAppAfterClass.class)
public abstract class AppTestSupport extends CamelMainTestSupport {
    /**
     * camel.main.routes-include-pattern for an app that ingests nothing by itself: every route but the
     * ticker blocks of routes/tickers.camel.yaml, so the store holds only what a test puts there.
     */
    public static final String ROUTES_WITHOUT_TICKERS =
            "file:routes/polygon.camel.yaml,file:routes/ingest.camel.yaml,file:routes/api*.camel.yaml";

    // Assigned while CamelTestSupport's constructor asks for the properties, so no initialisers here:
    // a field initialiser would run after it and overwrite them.
    protected Path dataDirectory;
    protected int httpPort;
    protected int managementPort;

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        Main.configure(configuration);
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "classpath:application.properties";
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        dataDirectory = newDataDirectory();
        httpPort = freePort();
        managementPort = freePort();
        Properties overrides = new Properties();
        overrides.put("tickertape.data-dir", dataDirectory.toString());
        overrides.put("camel.server.port", String.valueOf(httpPort));
        overrides.put("camel.management.port", String.valueOf(managementPort));
        overrides.put("camel.main.routes-reload-enabled", "false");
        // The sandbox backfills a few days, not two years: enough to exercise it, light on this machine.
        overrides.put("tickertape.backfill-from", "P5D");
        overrides.putAll(extraProperties());
        return overrides;
    }

    /** The settings of an app that ingests nothing by itself (see {@link #ROUTES_WITHOUT_TICKERS}). */
    protected static Properties withoutTickers() {
        Properties properties = new Properties();
        properties.put("camel.main.routes-include-pattern", ROUTES_WITHOUT_TICKERS);
        return properties;
    }

    /** A copy of routes/ without its tickers file, for a test to write its own blocks into. */
    public static Path copyOfRoutesWithoutTickers() {
        try {
            Path copy = Files.createTempDirectory("tickertape-routes-");
            try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of("routes"), "*.camel.yaml")) {
                for (Path file : files) {
                    if (!file.getFileName().toString().equals("tickers.camel.yaml")) {
                        Files.copy(file, copy.resolve(file.getFileName()));
                    }
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The block ops add to routes/tickers.camel.yaml for a ticker. */
    public static String tickerBlock(String symbol) {
        return """
                - templatedRoute:
                    routeTemplateRef: ticker
                    routeId: ticker-%s
                    parameters:
                      - name: symbol
                        value: %s
                """.formatted(symbol, symbol);
    }

    /** A setting as application.properties gives it (environment included), read as the app reads it. */
    public static String setting(String name) {
        CamelContext settings = new DefaultCamelContext(); // never started: it only resolves the setting
        settings.getPropertiesComponent().setLocation("classpath:application.properties");
        return settings.resolvePropertyPlaceholders("{{" + name + "}}");
    }

    /** Settings a test class needs on top of the defaults. */
    protected Properties extraProperties() {
        return new Properties();
    }

    protected DataSource dataSource() {
        return context.getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    protected String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    /** Polls {@code condition} until it holds; fails after {@code timeout} (generous: this machine is shared). */
    protected static void await(Duration timeout, String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** The first column of the first row of {@code sql}, as a long. */
    protected long queryLong(String sql) throws SQLException {
        try (Connection connection = dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /**
     * Sets the coverage ledger of a series over [from, to): answered (the source was asked and its answer
     * stored) or not (as after a write that failed). Bars written around the pipeline have no coverage.
     * The writer keeps the ledger in production; a test sets it to stand for what it does not run
     * (fetches long past, a write that failed), not to finish what a route under test should have done.
     */
    protected void setAnswered(String ticker, String timeframe, Instant from, Instant to, boolean answered)
            throws SQLException {
        String range = "tstzmultirange(tstzrange('" + from + "', '" + to + "'))";
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate(answered
                    ? "insert into series_coverage as s (ticker, timeframe, covered) values ('" + ticker + "', '"
                    + timeframe + "', " + range + ") on conflict (ticker, timeframe) do update set covered = s.covered + "
                    + range
                    : "update series_coverage set covered = covered - " + range + " where ticker = '" + ticker
                    + "' and timeframe = '" + timeframe + "'");
        }
    }

    /**
     * Stops an app shared by a whole test class (@TestInstance PER_CLASS) once the class is done:
     * Camel's test support leaves that context running, and with it an embedded PostgreSQL that
     * outlives the JVM. (An app per test method is stopped after each test already.)
     */
    static final class StopAppAfterClass implements AfterAllCallback {
        @Override
        public void afterAll(ExtensionContext extension) throws Exception {
            Object instance = extension.getTestInstance().orElse(null);
            if (instance instanceof AppTestSupport app && app.context != null) {
                app.context.stop();
            }
        }
    }

    private static Path newDataDirectory() {
        try {
            return Files.createTempDirectory("tickertape-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
