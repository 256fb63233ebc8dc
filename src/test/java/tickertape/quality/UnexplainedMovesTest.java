package tickertape.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import tickertape.market.Timeframe;

/**
 * A daily close ten times the previous one is flagged when no split explains it (in the quality
 * report and tickertape_quality_unexplained_moves), and not when the split is recorded: reads adjust
 * for it, so the adjusted closes are continuous.
 */
class UnexplainedMovesTest extends QualityTestSupport {
    /** Recent days, inside the gauge's window (the last 30 days). */
    private static final LocalDate TODAY = LocalDate.now(Timeframe.EXCHANGE_ZONE);
    private static final LocalDate FIRST = TODAY.minusDays(9);
    private static final LocalDate JUMP = TODAY.minusDays(7);

    @Override
    protected Properties extraProperties() {
        Properties properties = super.extraProperties();
        properties.put("tickertape.metrics.refresh-millis", "1000");
        return properties;
    }

    /** Daily closes 10, 10.5 and 105: the raw price of a 1-for-10 reverse split on the third day. */
    private void seedJump(String ticker) throws Exception {
        addTicker(ticker);
        execute("insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume)"
                + " select '" + ticker + "', '1d', (day::timestamp) at time zone 'America/New_York', close, close, close,"
                + " close, 1000 from (values ('" + FIRST + "'::date, 10.0), ('" + FIRST.plusDays(1) + "', 10.5), ('"
                + JUMP + "', 105.0)) as bars(day, close)");
    }

    @Test
    void aTenfoldDailyMoveWithNoSplitRecordedIsFlaggedAndARecordedSplitIsNot() throws Exception {
        seedJump("QMVA");
        seedJump("QMVB");
        execute("insert into split(ticker, execution_date, split_from, split_to) values ('QMVB', '" + JUMP + "', 10, 1)");

        JsonNode unexplained = quality("QMVA", "1d", FIRST.toString(), JUMP.toString()).path("unexplainedMoves");
        assertThat(unexplained).hasSize(1);
        assertThat(unexplained.get(0).path("day").asText()).isEqualTo(JUMP.toString());
        assertThat(unexplained.get(0).path("previousClose").asDouble()).isEqualTo(10.5);
        assertThat(unexplained.get(0).path("close").asDouble()).isEqualTo(105.0);
        assertThat(unexplained.get(0).path("ratio").asDouble()).isEqualTo(10.0);
        await(Duration.ofSeconds(30), "the split's announcement", () -> quality("QMVB", "1d", FIRST.toString(),
                JUMP.toString()).path("unexplainedMoves").isEmpty());
        assertThat(quality("QMVA", "1m", FIRST.toString(), JUMP.toString()).has("unexplainedMoves"))
                .as("daily closes only").isFalse();

        await(Duration.ofSeconds(90), "the gauge counting both tickers", () -> {
            String metrics = scrape();
            return metrics.contains("tickertape_quality_unexplained_moves{ticker=\"QMVA\"} 1.0")
                    && metrics.contains("tickertape_quality_unexplained_moves{ticker=\"QMVB\"} 0.0");
        });
    }

    @Test
    void aMoveBelowTheFactorIsNotFlagged() throws Exception {
        addTicker("QMVC");
        execute("insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume)"
                + " select 'QMVC', '1d', (day::timestamp) at time zone 'America/New_York', close, close, close, close, 1"
                + " from (values ('" + FIRST + "'::date, 10.0), ('" + FIRST.plusDays(1) + "', 17.9), ('" + JUMP
                + "', 10.0)) as bars(day, close)");

        JsonNode moves = quality("QMVC", "1d", FIRST.toString(), JUMP.toString()).path("unexplainedMoves");

        assertThat(moves).as("x1.79 up, then /1.79 down: both within quality.max-daily-move 1.8").isEmpty();
    }

    private String scrape() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(managementUrl() + "/observe/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
