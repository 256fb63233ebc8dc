package tickertape.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import tickertape.AppTestSupport;

/**
 * The run's trigger and status enums say exactly what the schema allows: the values listed by the
 * CHECK constraints on ingestion_run once every migration has run, in their order.
 */
class RunEnumsTest {
    private static final Pattern LISTED = Pattern.compile("'([^']*)'::text");

    @Test
    void triggerAndStatusAreTheValuesTheSchemaAllows() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            DataSource store = postgres.getPostgresDatabase();
            Flyway.configure().dataSource(store).locations(AppTestSupport.setting("tickertape.database.migrations"))
                    .load().migrate();

            assertThat(Arrays.stream(RunTrigger.values()).map(RunTrigger::code).toList())
                    .isEqualTo(allowed(store, "trigger"))
                    .containsExactly("backfill", "refresh", "manual", "replay", "repair");
            assertThat(Arrays.stream(RunStatus.values()).map(RunStatus::name).toList())
                    .isEqualTo(allowed(store, "status"))
                    .containsExactly("RUNNING", "SUCCEEDED", "PARTIAL", "FAILED", "NOT_AUTHORIZED");
        }
    }

    /** The values the one CHECK on ingestion_run that lists {@code column}'s values allows. */
    private static List<String> allowed(DataSource store, String column) throws SQLException {
        String sql = """
                select pg_get_constraintdef(oid) from pg_constraint
                where conrelid = 'ingestion_run'::regclass and contype = 'c'
                  and pg_get_constraintdef(oid) like '%(' || ? || ' = ANY (ARRAY[%'""";
        List<List<String>> lists = new ArrayList<>();
        try (Connection connection = store.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, column);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    List<String> values = new ArrayList<>();
                    Matcher value = LISTED.matcher(rows.getString(1));
                    while (value.find()) {
                        values.add(value.group(1));
                    }
                    lists.add(values);
                }
            }
        }
        assertThat(lists).as("CHECKs listing the values of ingestion_run.%s", column).hasSize(1);
        return lists.get(0);
    }
}
