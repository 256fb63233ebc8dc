package tickertape.status;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import tickertape.database.Database;

/** UP only when the database answers and its schema is migrated: the app is useless otherwise. */
public class DatabaseHealthCheck extends AbstractHealthCheck {
    private final Database database;

    public DatabaseHealthCheck(Database database) {
        super("tickertape", "database");
        this.database = database;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("storage", database.settings().describe());
        if (database.isHealthy()) {
            builder.up();
        } else {
            builder.message("database unreachable or schema not migrated").down();
        }
    }
}
