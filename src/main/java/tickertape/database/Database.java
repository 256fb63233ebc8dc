package tickertape.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.camel.support.service.ServiceSupport;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tickertape.StartupFailure;

/**
 * The store: a pooled connection to PostgreSQL (embedded or external) with the schema migrated.
 *
 * <p>It is opened before Camel starts its routes and registered as a Camel service, so on shutdown
 * it closes after the routes have stopped: the pool first, then the embedded server if there is one.
 */
public final class Database extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final DatabaseSettings settings;
    private final Optional<EmbeddedServer> embeddedServer;
    private final HikariDataSource dataSource;
    private final ServerProbe probe;
    private volatile boolean migrated;
    private volatile HikariDataSource apiPool;

    private Database(DatabaseSettings settings, Optional<EmbeddedServer> embeddedServer, HikariDataSource dataSource) {
        this.settings = settings;
        this.embeddedServer = embeddedServer;
        this.dataSource = dataSource;
        this.probe = new ServerProbe(() -> openConnection("tickertape health probe", 1, 0));
    }

    /** Starts the embedded server if needed, connects, and applies the migrations in {@code sql/}. */
    public static Database open(DatabaseSettings settings, String migrationsLocation) {
        Optional<EmbeddedServer> embedded = settings.isEmbedded()
                ? Optional.of(EmbeddedServer.start(settings.dataDirectory(), settings.embeddedPort()))
                : Optional.empty();
        ServerLogin login = settings.login().orElseGet(() -> embedded.orElseThrow().login());
        HikariDataSource pool = null;
        try {
            pool = connect(settings, login);
            Database database = new Database(settings, embedded, pool);
            database.migrate(migrationsLocation);
            return database;
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            embedded.ifPresent(EmbeddedServer::close);
            throw e;
        }
    }

    private static HikariDataSource connect(DatabaseSettings settings, ServerLogin login) {
        HikariConfig config = poolConfig("tickertape", login.jdbcUrl(), login.user(), login.password(),
                settings.poolSize());
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StartupFailure("Cannot connect to the database at " + settings.describe() + ": "
                    + rootMessage(e), e);
        }
    }

    /** What an API pool is: how many connections, and how long its statements and open transactions may last. */
    public record ApiPoolSettings(int size, Duration statementTimeout, Duration idleInTransactionTimeout) {
    }

    /**
     * A pool of its own for API requests, closed with the database: a client that reads slowly holds
     * one of these (a streamed page keeps its cursor's transaction open), never one ingestion needs.
     * The server ends a statement that runs longer than the statement timeout, and a session left
     * idle in its transaction longer than the idle timeout (a client that stopped reading), so no
     * request holds a connection, or holds back vacuum, for long.
     */
    public synchronized DataSource openApiPool(ApiPoolSettings api) {
        if (apiPool == null) {
            HikariConfig config = poolConfig("tickertape-api", dataSource.getJdbcUrl(), dataSource.getUsername(),
                    dataSource.getPassword(), api.size());
            config.addDataSourceProperty("options", "-c statement_timeout=" + api.statementTimeout().toMillis()
                    + " -c idle_in_transaction_session_timeout=" + api.idleInTransactionTimeout().toMillis());
            apiPool = new HikariDataSource(config);
        }
        return apiPool;
    }

    private static HikariConfig poolConfig(String name, String jdbcUrl, String user, String password, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(10_000);
        // Fail here, with the cause, when the server is unreachable, not at the first query.
        config.setInitializationFailTimeout(10_000);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("connectTimeout", "10");
        config.addDataSourceProperty("ApplicationName", name);
        return config;
    }

    private void migrate(String location) {
        try {
            // Connections of its own, not the pool's: Flyway holds one for its lock and needs another
            // to migrate, which a small pool (the keys CLI's) cannot give while another process runs.
            Flyway flyway = Flyway.configure()
                    .dataSource(dataSource.getJdbcUrl(), dataSource.getUsername(), dataSource.getPassword())
                    .locations(location)
                    .failOnMissingLocations(true)
                    .load();
            MigrateResult result = flyway.migrate();
            LOG.info("Schema at version {} ({} migration(s) applied now)", flyway.info().current().getVersion(),
                    result.migrationsExecuted);
            migrated = true;
        } catch (FlywayException e) {
            throw new StartupFailure("Database migration failed on " + settings.describe() + ": "
                    + migrationSummary(e) + " (each migration runs in its own transaction: a failed one left no trace)", e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * A connection outside the pool, to the pool's server as the pool's user, for a holder that keeps
     * it for good (the change listener), so the pool's connections all stay for requests. With the
     * health probe's, the app holds two connections more than the pool size. Its socket times out, so a
     * wait on a dead server ends.
     */
    public Connection openDedicatedConnection(String applicationName) throws SQLException {
        return openConnection(applicationName, 10, 30);
    }

    /** A connection outside the pool; {@code socketTimeoutSeconds} 0 for none (the holder sets its own). */
    private Connection openConnection(String applicationName, int connectTimeoutSeconds, int socketTimeoutSeconds)
            throws SQLException {
        Properties properties = new Properties();
        if (dataSource.getUsername() != null) {
            properties.setProperty("user", dataSource.getUsername());
        }
        if (dataSource.getPassword() != null) {
            properties.setProperty("password", dataSource.getPassword());
        }
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("connectTimeout", String.valueOf(connectTimeoutSeconds));
        // The login's reads too: a server that accepts a connection but never answers is not waited for.
        properties.setProperty("loginTimeout", String.valueOf(connectTimeoutSeconds));
        properties.setProperty("socketTimeout", String.valueOf(socketTimeoutSeconds));
        properties.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(dataSource.getJdbcUrl(), properties);
    }

    public DatabaseSettings settings() {
        return settings;
    }

    /** Publishes the pool's gauges and timers (hikaricp_*) to {@code registry}; once, after the pool is open. */
    public void publishPoolMetrics(MeterRegistry registry) {
        dataSource.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        if (apiPool != null) {
            apiPool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        }
    }

    public Optional<EmbeddedServer> embeddedServer() {
        return embeddedServer;
    }

    /** True when the schema is migrated and the server answers a query now; known within about a second. */
    public boolean isHealthy() {
        return migrated && !dataSource.isClosed() && probe.answers();
    }

    @Override
    protected void doStop() {
        closeResources();
    }

    private void closeResources() {
        if (dataSource.isClosed()) {
            return;
        }
        probe.close();
        if (apiPool != null) {
            apiPool.close();
        }
        dataSource.close();
        embeddedServer.ifPresent(EmbeddedServer::close);
    }

    /** Flyway's multi-line report cut to the migration's name and the server's message. */
    private static String migrationSummary(FlywayException e) {
        String summary = e.getMessage().lines()
                .map(String::trim)
                .filter(line -> line.startsWith("Migration ") || line.startsWith("Message") || line.startsWith("Location")
                        || line.startsWith("Line") || line.startsWith("Validate"))
                .reduce((a, b) -> a + "; " + b)
                .orElse(rootMessage(e));
        return summary.replaceAll("\\s+", " ");
    }

    /** The innermost message, which names the real cause ("Connection refused", "password authentication failed"). */
    static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            return psql.getServerErrorMessage().getMessage();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
