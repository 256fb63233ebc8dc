package tickertape.cluster;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * Several instances of the app in this JVM on one PostgreSQL of the test's own (as DATABASE_URL names
 * an external one), each started as tickertape.Main starts it (Camel Main, the same configuration
 * class and application.properties), each with its own data directory and ports. Closing stops the
 * instances still running, then the database.
 */
public final class Instances implements AutoCloseable {
    private final EmbeddedPostgres database;
    private final Map<String, String> shared;
    private final List<Main> started = new ArrayList<>();

    /** @param shared the settings every instance gets on top of application.properties */
    public Instances(Map<String, String> shared) throws IOException {
        this.database = EmbeddedPostgres.builder().start();
        this.shared = shared;
    }

    /** Starts one more instance; returns once its routes run. */
    public Main start() throws Exception {
        return start(context -> { });
    }

    /**
     * Starts one more instance, handing its CamelContext to {@code beforeStart} once it is configured
     * and before anything in it starts; returns once its routes run.
     */
    public Main start(Consumer<CamelContext> beforeStart) throws Exception {
        Main main = new Main();
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                beforeStart.accept(configured.getCamelContext());
            }
        });
        tickertape.Main.configure(main.configure());
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("tickertape.database.url", "postgresql://postgres@localhost:" + database.getPort() + "/postgres");
        overrides.put("tickertape.data-dir", Files.createTempDirectory("tickertape-instance-").toString());
        overrides.put("camel.server.port", String.valueOf(freePort()));
        overrides.put("camel.management.port", String.valueOf(freePort()));
        overrides.put("camel.main.routes-reload-enabled", "false");
        overrides.putAll(shared);
        overrides.forEach(main::addOverrideProperty);
        started.add(main);
        main.start();
        return main;
    }

    /** The store, as a connection pool of an instance of its own. */
    public DataSource store() {
        return database.getPostgresDatabase();
    }

    public void execute(String sql) throws SQLException {
        try (Connection connection = store().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    public long queryLong(String sql) throws SQLException {
        try (Connection connection = store().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
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

    @Override
    public void close() throws IOException {
        try {
            for (Main main : started) {
                main.stop();
            }
        } finally {
            database.close();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
