package tickertape.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tickertape.ingest.TickerRoutes;
import tickertape.keys.Role;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;

/**
 * Bars ingested (raw) from a {@link FakePolygon} across a 1-for-10 reverse split, and the split fetched
 * from its /v3/reference/splits by the app's own fetch-splits route, then read back: our adjusted reads
 * of the whole range (/api/v2/data/market and /v2/aggs) equal the fake's adjusted answer, continuous
 * across the execution date, and our raw reads its raw answer, for 1m, a rolled-up timeframe (15m) and 1d.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SplitsAgainstTheFakeTest extends FakePolygonApiTestSupport {
    private static final String TICKER = "SPLX";
    private static final LocalDate BEFORE = LocalDate.of(2024, 3, 4);
    private static final LocalDate EXECUTION = LocalDate.of(2024, 3, 5);
    private static final long EXECUTION_MIDNIGHT = EXECUTION.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant().toEpochMilli();
    private static final String RANGE = "/v2/aggs/ticker/" + TICKER + "/range/%d/%s/" + BEFORE + "/" + EXECUTION;

    private boolean ingested;

    /** Once per class: the two days' 1m and 1d bars ingested, the ticker's splits fetched. */
    @BeforeEach
    void ingestOnce() throws Exception {
        if (ingested) {
            return;
        }
        addTicker(TICKER);
        fake.split(TICKER, EXECUTION, 10, 1);
        ingest(TICKER, BEFORE, EXECUTION, Timeframe.M1, Timeframe.D1);
        int minutes = results(fake.baseUrl() + "/v2/aggs/ticker/" + TICKER + "/range/1/minute/" + BEFORE + "/" + EXECUTION
                + "?limit=50000&adjusted=false", false).size();
        assertThat(minutes).isGreaterThan(100);
        String bars = "select count(*) from market_bar where ticker = '" + TICKER + "' and timeframe = ";
        assertThat(queryLong(bars + "'1m'")).as("1m bars").isEqualTo(minutes);
        assertThat(queryLong(bars + "'1d'")).as("1d bars").isEqualTo(2);
        template.sendBody("seda:fetch-splits?waitForTaskToComplete=Always", new TickerRoutes.TickerBlock(TICKER, null));
        assertThat(queryLong("select count(*) from split where ticker = '" + TICKER + "' and execution_date = '"
                + EXECUTION + "' and split_from = 10 and split_to = 1")).as("the split fetched").isEqualTo(1);
        ingested = true;
    }

    @Test
    void ourAdjustedAndRawReadsEqualTheSourcesFor1mA15mRollUpAnd1d() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (String[] series : new String[][] {{"1m", "1", "minute"}, {"15m", "15", "minute"}, {"1d", "1", "day"}}) {
            String range = String.format(RANGE, Integer.parseInt(series[1]), series[2]);
            for (boolean adjusted : new boolean[] {true, false}) {
                String what = series[0] + (adjusted ? " adjusted" : " raw");
                List<JsonNode> theirs = results(fake.baseUrl() + range + "?limit=50000&adjusted=" + adjusted, false);
                List<JsonNode> viaAggs = results(baseUrl() + range + "?limit=50000&adjusted=" + adjusted, true);
                List<JsonNode> viaMarket = marketBars(series[0], adjusted);
                soft.assertThat(theirs).as(what + ": the source's bars span the execution date").hasSizeGreaterThanOrEqualTo(2);
                soft.assertThat(theirs.get(0).path("t").asLong()).isLessThan(EXECUTION_MIDNIGHT);
                soft.assertThat(theirs.get(theirs.size() - 1).path("t").asLong()).isGreaterThanOrEqualTo(EXECUTION_MIDNIGHT);
                compare(soft, what + " /v2/aggs", viaAggs, theirs);
                compare(soft, what + " /api/v2/data/market", viaMarket, theirs);
            }
        }
        soft.assertAll();
    }

    @Test
    void theAdjustedDailyClosesHaveNoJumpAtTheExecutionDateAndTheRawOnesDo() throws Exception {
        List<JsonNode> adjusted = marketBars("1d", true);
        List<JsonNode> raw = marketBars("1d", false);
        assertThat(adjusted).hasSize(2);
        double adjustedMove = adjusted.get(1).path("c").asDouble() / adjusted.get(0).path("c").asDouble();
        double rawMove = raw.get(1).path("c").asDouble() / raw.get(0).path("c").asDouble();
        assertThat(adjustedMove).as("a day's move of the synthetic walk").isBetween(0.8, 1.25);
        assertThat(rawMove / adjustedMove).isCloseTo(10, Offset.offset(1e-9));
    }

    // ------------------------------------------------------------------------------------------

    /** Our /api/v2/data/market bars of the range, as Polygon's fields (t o h l c v vw n). */
    private List<JsonNode> marketBars(String timeframe, boolean adjusted) throws Exception {
        Reply reply = get(Role.ML, "/api/v2/data/market?ticker=" + TICKER + "&timeframe=" + timeframe + "&from=" + BEFORE
                + "&to=" + EXECUTION + "&adjusted=" + adjusted);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().path("nextCursor").isNull()).isTrue();
        List<JsonNode> bars = new ArrayList<>();
        for (JsonNode bar : reply.json().path("bars")) {
            var polygon = JSON.createObjectNode();
            polygon.put("t", Instant.parse(bar.path("ts").asText()).toEpochMilli());
            polygon.put("o", bar.path("open").asDouble());
            polygon.put("h", bar.path("high").asDouble());
            polygon.put("l", bar.path("low").asDouble());
            polygon.put("c", bar.path("close").asDouble());
            polygon.put("v", bar.path("volume").asDouble());
            if (!bar.path("vwap").isNull()) {
                polygon.put("vw", bar.path("vwap").asDouble());
            }
            if (!bar.path("trades").isNull()) {
                polygon.put("n", bar.path("trades").asLong());
            }
            bars.add(polygon);
        }
        return bars;
    }

    /** The same bars, every field equal (prices and volumes to 1e-9 relative: sums grouped otherwise differ in the last bits). */
    private static void compare(SoftAssertions soft, String what, List<JsonNode> ours, List<JsonNode> theirs) {
        soft.assertThat(ours).as(what + ": bars").hasSameSizeAs(theirs);
        for (int i = 0; i < Math.min(ours.size(), theirs.size()); i++) {
            JsonNode our = ours.get(i);
            JsonNode their = theirs.get(i);
            for (Iterator<String> fields = their.fieldNames(); fields.hasNext(); ) {
                String field = fields.next();
                String at = what + " bar " + i + " " + field;
                if (field.equals("t") || field.equals("n")) {
                    soft.assertThat(our.path(field).asLong()).as(at).isEqualTo(their.path(field).asLong());
                } else {
                    double expected = their.path(field).asDouble();
                    soft.assertThat(our.path(field).asDouble()).as(at)
                            .isCloseTo(expected, Offset.offset(1e-9 * Math.max(1, Math.abs(expected))));
                }
            }
        }
    }
}
