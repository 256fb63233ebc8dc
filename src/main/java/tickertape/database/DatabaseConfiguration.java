package tickertape.database;

import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import tickertape.PortCheck;
import tickertape.logging.SecretMask;
import tickertape.metrics.Metrics;
import tickertape.status.DatabaseHealthCheck;

/**
 * The database, started (or reached) and migrated before any bean that uses it is made: its two pools
 * ({@code dataSource} for ingestion and the app's own work, {@code apiDataSource} for API requests),
 * its health check, and Quartz's schedule kept in it.
 */
@Configuration
public class DatabaseConfiguration implements CamelConfiguration {
    @BindToRegistry("database")
    public Database database(CamelContext context,
                             @PropertyInject("camel.server.port") int httpPort,
                             @PropertyInject("camel.management.port") int managementPort,
                             @PropertyInject("tickertape.database.url") String databaseUrl,
                             @PropertyInject("tickertape.database.jdbc-url") String jdbcUrl,
                             @PropertyInject("tickertape.database.user") String user,
                             @PropertyInject("tickertape.database.password") String password,
                             @PropertyInject("tickertape.database.pool-size") int poolSize,
                             @PropertyInject("tickertape.data-dir") String dataDirectory,
                             @PropertyInject("tickertape.database.embedded-port") int embeddedPort,
                             @PropertyInject("tickertape.database.migrations") String migrations) throws Exception {
        // Before the database starts: a port in use is one line naming its setting, with nothing to stop.
        PortCheck.requireFree(httpPort, "camel.server.port", "TICKERTAPE_HTTP_PORT");
        PortCheck.requireFree(managementPort, "camel.management.port", "TICKERTAPE_MANAGEMENT_PORT");
        DatabaseSettings settings = DatabaseSettings.of(databaseUrl, jdbcUrl, user, password, poolSize,
                Path.of(dataDirectory), embeddedPort);
        // The password as resolved, however it was given: no log line may hold it (logback.xml's %mask).
        SecretMask.register(settings.password());
        Database database = Database.open(settings, migrations);
        // Registered as a service so Camel closes it on shutdown, after the routes have stopped (and
        // after every service added later: Camel stops them in the reverse order of their adding).
        context.addService(database, true, true);
        return database;
    }

    /** Ingestion's and the app's own pool, on which Quartz keeps the schedules too. */
    @BindToRegistry("dataSource")
    public DataSource dataSource(CamelContext context, Database database) {
        QuartzConnections.configure(context, database.dataSource());
        return database.dataSource();
    }

    /**
     * API requests read through a pool of their own: a slow client never holds a connection ingestion
     * needs. Both pools' meters are published once this one is open.
     */
    @BindToRegistry("apiDataSource")
    public DataSource apiDataSource(Database database, Metrics metrics,
                                    @PropertyInject("tickertape.database.api-pool-size") int size,
                                    @PropertyInject("tickertape.database.api-statement-timeout") String statementTimeout,
                                    @PropertyInject("tickertape.database.api-idle-in-transaction-timeout")
                                    String idleInTransactionTimeout) {
        DataSource api = database.openApiPool(new Database.ApiPoolSettings(size, Duration.parse(statementTimeout),
                Duration.parse(idleInTransactionTimeout)));
        database.publishPoolMetrics(metrics.registry());
        return api;
    }

    @BindToRegistry("databaseHealthCheck")
    public DatabaseHealthCheck databaseHealthCheck(Database database) {
        return new DatabaseHealthCheck(database);
    }
}
