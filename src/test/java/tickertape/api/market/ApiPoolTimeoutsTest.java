package tickertape.api.market;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import tickertape.keys.Role;

/**
 * The API pool's sessions carry the server-side limits: a statement ends at the statement timeout,
 * and a streamed page whose client stopped reading loses its transaction (and its connection) at the
 * idle-in-transaction timeout, so it holds back neither a connection nor vacuum for long.
 */
class ApiPoolTimeoutsTest extends ApiTestSupport {
    private static final String PAGE = "/api/v2/data/market?ticker=IDLE&timeframe=1m&from=2000-01-01&to=2001-01-01"
            + "&limit=300000";

    @Override
    protected Properties extraProperties() {
        Properties properties = withoutTickers();
        properties.put("tickertape.database.api-statement-timeout", "PT7S");
        properties.put("tickertape.database.api-idle-in-transaction-timeout", "PT1S");
        return properties;
    }

    @Test
    void apiSessionsHaveTheStatementTimeout() throws Exception {
        DataSource api = context.getRegistry().lookupByNameAndType("apiDataSource", DataSource.class);
        try (Connection connection = api.getConnection(); Statement statement = connection.createStatement();
             ResultSet timeout = statement.executeQuery("show statement_timeout")) {
            timeout.next();
            assertThat(timeout.getString(1)).isEqualTo("7s");
        }
    }

    @Test
    void aStreamWhoseClientStopsReadingLosesItsTransaction() throws Exception {
        addTicker("IDLE");
        execute("""
                insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume)
                select 'IDLE', '1m', timestamptz '2000-01-03 14:30Z' + n * interval '1 minute', 10, 11, 9, 10, 1
                from generate_series(0, 299999) as n""");

        HttpResponse<InputStream> stalled = HTTP.send(authorize(request(PAGE), Role.BOT).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream unread = stalled.body()) {
            assertThat(stalled.statusCode()).isEqualTo(200);
            await(Duration.ofSeconds(60), "the stalled stream's transaction ended by the server", () -> queryLong("""
                    select count(*) from pg_stat_activity
                    where application_name = 'tickertape-api' and xact_start is not null""") == 0);
        }
        assertThat(get(Role.BOT, PAGE.replace("limit=300000", "limit=10")).status()).isEqualTo(200);
    }
}
