package tickertape.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import tickertape.AppTestSupport;

/**
 * A store filled before the coverage ledger (schema version 2) is migrated by V3: each fetched
 * series' held span becomes covered, and so do the windows the source had confirmed empty; a run
 * left RUNNING by the old version is closed, since nothing renews it.
 */
class CoverageMigrationTest {

    @Test
    void heldSpansAndConfirmedEmptyWindowsBecomeCoveredAndOldRunningRunsAreClosed() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            DataSource store = postgres.getPostgresDatabase();
            migrate(store, "2");
            execute(store, """
                    insert into ticker(symbol) values ('SPY'), ('UVXY');
                    insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume) values
                        ('SPY', '1m', '2024-03-04 14:30+00', 1, 1, 1, 1, 1),
                        ('SPY', '1m', '2024-03-08 20:59+00', 1, 1, 1, 1, 1),
                        ('SPY', '5m', '2024-03-04 14:30+00', 1, 1, 1, 1, 1),
                        ('SPY', '1d', '2024-03-04 05:00+00', 1, 1, 1, 1, 1),
                        ('UVXY', '1m', '2024-03-06 14:30+00', 1, 1, 1, 1, 1);
                    insert into confirmed_empty(ticker, timeframe, window_from, window_to) values
                        ('UVXY', '1m', '2024-03-04 05:00+00', '2024-03-06 14:30+00');
                    insert into ingestion_run(trigger, ticker, timeframe, status) values ('backfill', 'SPY', '1m', 'RUNNING');
                    """);

            migrate(store, "7"); // V8 moves it on again (raw storage): tested on its own

            assertThat(coverage(store)).containsExactly(
                    "SPY 1d {[\"2024-03-04 05:00:00+00\",\"2024-03-04 05:00:00+00\"]}",
                    "SPY 1m {[\"2024-03-04 14:30:00+00\",\"2024-03-08 20:59:00+00\"]}",
                    "UVXY 1m {[\"2024-03-04 05:00:00+00\",\"2024-03-06 14:30:00+00\"]}");
            assertThat(text(store, "select status || ' ' || error from ingestion_run"))
                    .isEqualTo("FAILED interrupted: the app stopped during this run; its series resumes from the store");
            assertThat(text(store, "select to_regclass('confirmed_empty')::text")).isNull();
        }
    }

    private static void migrate(DataSource store, String target) {
        var configuration = Flyway.configure().dataSource(store)
                .locations(AppTestSupport.setting("tickertape.database.migrations"));
        (target == null ? configuration : configuration.target(target)).load().migrate();
    }

    private static List<String> coverage(DataSource store) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = store.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("set timezone = 'UTC'");
            try (ResultSet result = statement.executeQuery("select ticker || ' ' || timeframe || ' ' || covered::text"
                    + " from series_coverage order by ticker, timeframe")) {
                while (result.next()) {
                    rows.add(result.getString(1));
                }
            }
        }
        return rows;
    }

    private static String text(DataSource store, String sql) throws SQLException {
        try (Connection connection = store.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }

    private static void execute(DataSource store, String sql) throws SQLException {
        try (Connection connection = store.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
