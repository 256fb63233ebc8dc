package tickertape;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.file.Path;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import tickertape.status.DatabaseHealthCheck;
import tickertape.status.StatusReport;
import tickertape.store.Database;
import tickertape.store.DatabaseSettings;

/**
 * Binds the beans the routes refer to by name. Every value comes from application.properties
 * (each one overridable by an environment variable named there); nothing is configured in code.
 */
@Configuration
public class TickertapeConfiguration implements CamelConfiguration {

    @PropertyInject("tickertape.database.url")
    private String databaseUrl;
    @PropertyInject("tickertape.database.jdbc-url")
    private String jdbcUrl;
    @PropertyInject("tickertape.database.user")
    private String databaseUser;
    @PropertyInject("tickertape.database.password")
    private String databasePassword;
    @PropertyInject("tickertape.database.pool-size")
    private int poolSize;
    @PropertyInject("tickertape.database.embedded-port")
    private int embeddedPort;
    @PropertyInject("tickertape.database.migrations")
    private String migrations;
    @PropertyInject("tickertape.data-dir")
    private String dataDirectory;

    @BindToRegistry("jsonMapper")
    public ObjectMapper jsonMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        PortCheck.requireFree(context, "camel.server.port", "TICKERTAPE_HTTP_PORT");
        PortCheck.requireFree(context, "camel.management.port", "TICKERTAPE_MANAGEMENT_PORT");

        DatabaseSettings settings = DatabaseSettings.of(databaseUrl, jdbcUrl, databaseUser, databasePassword,
                poolSize, Path.of(dataDirectory), embeddedPort);
        Database database = Database.open(settings, migrations);
        // Registered as a service so Camel closes it on shutdown, after the routes have stopped.
        context.addService(database, true, true);

        context.getRegistry().bind("database", database);
        context.getRegistry().bind("dataSource", database.dataSource());
        context.getRegistry().bind("databaseHealthCheck", new DatabaseHealthCheck(database));
        context.getRegistry().bind("statusReport", new StatusReport(context, database));
    }
}
