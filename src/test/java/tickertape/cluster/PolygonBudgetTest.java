package tickertape.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tickertape.polygon.PolygonBudget;

/**
 * The budget while the database is away: admission is asked again until it answers, and no Polygon
 * attempt is spent on the wait (admit neither fails nor lets the request go unrecorded).
 */
class PolygonBudgetTest {
    private static final int REFUSALS = 3;

    @RegisterExtension
    final Instances instances = Instances.of(Map.of());

    @Test
    void aRequestWaitsForTheDatabaseAndIsAdmittedWhenItAnswers() throws Exception {
        instances.start(); // the schema
        instances.execute("delete from polygon_admission");
        AtomicInteger refused = new AtomicInteger();
        PolygonBudget budget = new PolygonBudget(awayFor(REFUSALS, instances.store(), refused), 1,
                Duration.ofMinutes(1));

        budget.admit();

        assertThat(refused).as("connections refused while the database was away").hasValue(REFUSALS);
        assertThat(instances.queryLong("select count(*) from polygon_admission")).as("admitted once it answered")
                .isEqualTo(1);
    }

    /** {@code store}, but its first {@code refusals} connections fail as a pool's do while the server is away. */
    private static DataSource awayFor(int refusals, DataSource store, AtomicInteger refused) {
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                if (refused.get() < refusals) {
                    refused.incrementAndGet();
                    throw new SQLTransientConnectionException("tickertape - Connection is not available");
                }
                return store.getConnection();
            }

            @Override
            public Connection getConnection(String user, String password) {
                throw new UnsupportedOperationException();
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int seconds) {
            }

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() {
                return Logger.getGlobal();
            }

            @Override
            public <T> T unwrap(Class<T> type) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isWrapperFor(Class<?> type) {
                return false;
            }
        };
    }
}
