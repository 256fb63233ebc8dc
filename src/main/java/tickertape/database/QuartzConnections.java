package tickertape.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz's JDBC JobStore on the app's own pool, so camel-quartz keeps its schedule in the store and
 * every instance on it shares one (clustered: each fire taken by one instance). The org.quartz.*
 * settings come from application.properties; the pool is registered with Quartz under a name of this
 * process's own, as Quartz looks data sources up by name.
 */
public final class QuartzConnections implements ConnectionProvider {
    private static final String SETTINGS_PREFIX = "org.quartz.";

    private final DataSource dataSource;

    private QuartzConnections(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Configures the context's quartz component to keep its jobs in {@code dataSource}. */
    public static void configure(CamelContext context, DataSource dataSource) {
        String name = "tickertape-" + UUID.randomUUID();
        DBConnectionManager.getInstance().addConnectionProvider(name, new QuartzConnections(dataSource));
        Properties settings = new Properties();
        settings.putAll(context.getPropertiesComponent().loadProperties(key -> key.startsWith(SETTINGS_PREFIX)));
        settings.setProperty("org.quartz.jobStore.dataSource", name);
        context.getComponent("quartz", QuartzComponent.class).setProperties(settings);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return dataSource.getConnection();
    }

    /** The pool is the app's: closed by Database, not by Quartz. */
    @Override
    public void shutdown() {
    }

    @Override
    public void initialize() {
    }
}
