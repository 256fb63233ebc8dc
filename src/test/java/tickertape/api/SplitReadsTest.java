package tickertape.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tickertape.api.market.ApiTestSupport;
import tickertape.bars.SplitAdjustments;
import tickertape.keys.Role;
import tickertape.market.Timeframe;

/**
 * Reads adjust the stored (raw) bars for the splits in the split table, set up here by SQL as any
 * writer would (the table's trigger announces each change): adjusted by default, raw on request, on
 * /api/v2/data/market (JSON, CSV), /market/latest and /v2/aggs; a split announced for a later date
 * changes nothing; a stored split changes ETags and refuses the cursors of earlier pages; bars still
 * adjusted as fetched (held windows) read as stored when adjusted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SplitReadsTest extends ApiTestSupport {
    /** 09:30 New York on the day before the split, and on its execution day. */
    private static final Instant BEFORE = Instant.parse("2025-01-02T14:30:00Z");
    private static final Instant ON = Instant.parse("2025-01-03T14:30:00Z");
    private static final String EXECUTION = "2025-01-03";
    private static final Duration MINUTE = Duration.ofMinutes(1);
    /** The split's announcement takes milliseconds; only a stalled machine reaches this. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Override
    protected Properties extraProperties() {
        return withoutTickers();
    }

    @Test
    void adjustedIsTheDefaultRawIsAsStoredInJsonCsvAndLatest() throws Exception {
        addTicker("SPLA");
        insertBars("SPLA", "1m", BEFORE, MINUTE, 3);
        insertBars("SPLA", "1m", ON, MINUTE, 3);
        insertBars("SPLA", "1d", BEFORE.minusSeconds(9 * 3600 + 1800), Duration.ofDays(1), 1); // 2025-01-02 00:00 NY
        storeSplit("SPLA", EXECUTION, 5, 1); // 1-for-5 reverse split: earlier prices x5, volume /5
        String range = "/api/v2/data/market?ticker=SPLA&timeframe=1m&from=2025-01-02&to=2025-01-03";

        await(DEADLINE, "the split applied", () -> close(get(Role.ML, range).json(), 0) == 500);
        JsonNode adjusted = get(Role.ML, range).json();
        assertThat(adjusted.path("adjusted").asBoolean()).isTrue();
        JsonNode first = adjusted.path("bars").get(0);
        assertThat(first.path("open").asDouble()).isEqualTo(99.5 * 5);
        assertThat(first.path("high").asDouble()).isEqualTo(101.0 * 5);
        assertThat(first.path("low").asDouble()).isEqualTo(99.0 * 5);
        assertThat(first.path("close").asDouble()).isEqualTo(500.0);
        assertThat(first.path("vwap").asDouble()).isEqualTo(99.75 * 5);
        assertThat(first.path("volume").asDouble()).isEqualTo(1000.5 / 5);
        assertThat(first.path("trades").asLong()).as("trades are not adjusted").isEqualTo(10);
        assertThat(closes(adjusted)).as("no jump at the execution date: before it x5, from it as stored")
                .containsExactly(500.0, 505.0, 510.0, 100.0, 101.0, 102.0);

        JsonNode raw = get(Role.ML, range + "&adjusted=false").json();
        assertThat(raw.path("adjusted").asBoolean()).isFalse();
        assertThat(closes(raw)).containsExactly(100.0, 101.0, 102.0, 100.0, 101.0, 102.0);
        assertThat(raw.path("bars").get(0).path("volume").asDouble()).isEqualTo(1000.5);

        String csv = get(Role.ML, range, "Accept", "text/csv").body();
        assertThat(csv.lines().skip(1).findFirst().orElseThrow())
                .isEqualTo("2025-01-02T14:30:00Z,497.5,505.0,495.0,500.0,200.1,498.75,10");

        JsonNode latest = get(Role.BOT, "/api/v2/data/market/latest?ticker=SPLA&timeframe=1d").json();
        assertThat(latest.path("adjusted").asBoolean()).isTrue();
        assertThat(latest.path("bar").path("close").asDouble()).as("the 1d bar of the day before the split").isEqualTo(500.0);
        JsonNode latestRaw = get(Role.BOT, "/api/v2/data/market/latest?ticker=SPLA&timeframe=1d&adjusted=false").json();
        assertThat(latestRaw.path("adjusted").asBoolean()).isFalse();
        assertThat(latestRaw.path("bar").path("close").asDouble()).isEqualTo(100.0);
    }

    @Test
    void thePolygonPathAdjustsByDefaultEchoesAdjustedFalseAndCarriesItIntoNextUrl() throws Exception {
        addTicker("SPLB");
        insertBars("SPLB", "1m", BEFORE, MINUTE, 3);
        insertBars("SPLB", "1m", ON, MINUTE, 3);
        storeSplit("SPLB", EXECUTION, 1, 4); // 4-for-1 forward split: earlier prices /4, volume x4
        String aggs = "/v2/aggs/ticker/SPLB/range/1/minute/2025-01-02/2025-01-03";

        await(DEADLINE, "the split applied", () -> get(Role.ML, aggs).json().path("results").get(0).path("c")
                .asDouble() == 25);
        JsonNode adjusted = get(Role.ML, aggs).json();
        assertThat(adjusted.path("adjusted").asBoolean()).isTrue();
        assertThat(polygonCloses(adjusted)).containsExactly(25.0, 25.25, 25.5, 100.0, 101.0, 102.0);
        assertThat(adjusted.path("results").get(0).path("v").asDouble()).isEqualTo(1000.5 * 4);
        assertThat(adjusted.path("results").get(0).path("vw").asDouble()).isEqualTo(99.75 / 4);

        JsonNode threeMinutes = get(Role.ML, "/v2/aggs/ticker/SPLB/range/3/minute/2025-01-02/2025-01-03").json();
        assertThat(polygonCloses(threeMinutes)).as("a roll-up of adjusted minutes").containsExactly(25.5, 102.0);
        assertThat(threeMinutes.path("results").get(0).path("h").asDouble()).isEqualTo(103.0 / 4);

        JsonNode raw = get(Role.ML, aggs + "?adjusted=false&limit=2").json();
        assertThat(raw.path("adjusted").asBoolean()).isFalse();
        assertThat(polygonCloses(raw)).containsExactly(100.0, 101.0);
        String next = raw.path("next_url").asText();
        assertThat(next).contains("adjusted=false");
        JsonNode second = get(Role.ML, next.substring(baseUrl().length())).json();
        assertThat(second.path("adjusted").asBoolean()).isFalse();
        assertThat(polygonCloses(second)).containsExactly(102.0, 100.0);
    }

    @Test
    void aSplitAnnouncedForALaterDateChangesNothingToday() throws Exception {
        addTicker("SPLF");
        insertBars("SPLF", "1m", BEFORE, MINUTE, 3);
        String range = "/api/v2/data/market?ticker=SPLF&timeframe=1m&from=2025-01-02&to=2025-01-03";
        String aggs = "/v2/aggs/ticker/SPLF/range/1/minute/2025-01-02/2025-01-03";
        Reply before = get(Role.ML, range);
        String aggsBefore = polygonCloses(get(Role.ML, aggs).json()).toString();

        LocalDate later = LocalDate.now(Timeframe.EXCHANGE_ZONE).plusDays(30);
        storeSplit("SPLF", later.toString(), 10, 1);
        // once the announcement is in, the split is known to the cache: nothing may change for a month
        await(DEADLINE, "the split read into the cache", () -> splitsKnown("SPLF") == 1);

        Reply after = get(Role.ML, range);
        assertThat(closes(after.json())).containsExactly(100.0, 101.0, 102.0).isEqualTo(closes(before.json()));
        assertThat(after.header("ETag")).isEqualTo(before.header("ETag"));
        assertThat(get(Role.ML, range, "If-None-Match", before.header("ETag")).status()).isEqualTo(304);
        assertThat(polygonCloses(get(Role.ML, aggs).json())).hasToString(aggsBefore);
        assertThat(get(Role.BOT, "/api/v2/data/market/latest?ticker=SPLF&timeframe=1m").json()
                .path("bar").path("close").asDouble()).isEqualTo(102.0);
    }

    @Test
    void aStoredSplitChangesTheETagAndTheCursorsOfEarlierPagesAre409() throws Exception {
        addTicker("SPLC");
        insertBars("SPLC", "1m", BEFORE, MINUTE, 5);
        String range = "/api/v2/data/market?ticker=SPLC&timeframe=1m&from=2025-01-02&to=2025-01-03&limit=2";
        Reply first = get(Role.ML, range);
        String etag = first.header("ETag");
        String cursor = first.json().path("nextCursor").asText();
        assertThat(get(Role.ML, range, "If-None-Match", etag).status()).isEqualTo(304);
        String nextUrl = get(Role.ML, "/v2/aggs/ticker/SPLC/range/1/minute/2025-01-02/2025-01-03?limit=2").json()
                .path("next_url").asText();
        assertThat(get(Role.ML, range + "&cursor=" + cursor).status()).as("the cursor works before the split")
                .isEqualTo(200);

        storeSplit("SPLC", EXECUTION, 5, 1);

        await(DEADLINE, "a new ETag", () -> get(Role.ML, range, "If-None-Match", etag).status() == 200);
        Reply changed = get(Role.ML, range, "If-None-Match", etag);
        assertThat(changed.header("ETag")).isNotEqualTo(etag);
        assertThat(closes(changed.json())).containsExactly(500.0, 505.0);
        assertThat(get(Role.ML, range, "If-None-Match", changed.header("ETag")).status()).isEqualTo(304);

        Reply stale = get(Role.ML, range + "&cursor=" + cursor);
        assertThat(stale.status()).as(stale.body()).isEqualTo(409);
        assertThat(stale.header("Content-Type")).startsWith("application/problem+json");
        assertThat(stale.json().path("type").asText()).endsWith("/adjustment-changed");
        assertThat(stale.json().path("detail").asText()).contains("splits changed").contains("first page");

        Reply staleAggs = get(Role.ML, nextUrl.substring(baseUrl().length()));
        assertThat(staleAggs.status()).as(staleAggs.body()).isEqualTo(409);
        assertThat(staleAggs.json().path("status").asText()).isEqualTo("ERROR");
        assertThat(staleAggs.json().path("error").asText()).contains("splits changed");

        String fresh = get(Role.ML, range).json().path("nextCursor").asText();
        assertThat(closes(get(Role.ML, range + "&cursor=" + fresh).json())).as("a new first page pages on")
                .containsExactly(510.0, 515.0);
    }

    @Test
    void barsStillAdjustedAsFetchedReadAsStoredWhenAdjustedAndDividedWhenRaw() throws Exception {
        addTicker("SPLD");
        insertBars("SPLD", "1m", BEFORE, MINUTE, 2);
        insertBars("SPLD", "15m", BEFORE, Duration.ofMinutes(15), 1);
        insertBars("SPLD", "1m", ON, MINUTE, 1);
        // an older store: the day before the split was fetched adjusted, after the split (x5 already in it)
        execute("insert into series_coverage(ticker, timeframe, covered, adjusted_held) values ('SPLD', '1m', '{}',"
                + " '{[2025-01-02 05:00+00,2025-01-03 05:00+00)}')");
        storeSplit("SPLD", EXECUTION, 5, 1);
        await(DEADLINE, "the split read into the cache", () -> splitsKnown("SPLD") == 1);

        String range = "/api/v2/data/market?ticker=SPLD&from=2025-01-02&to=2025-01-03&timeframe=";
        assertThat(closes(get(Role.ML, range + "1m").json())).containsExactly(100.0, 101.0, 100.0);
        List<Double> raw = closes(get(Role.ML, range + "1m&adjusted=false").json());
        assertThat(raw).hasSize(3);
        assertThat(raw.get(0)).isEqualTo(20.0);
        assertThat(raw.get(1)).isCloseTo(20.2, within(1e-12));
        assertThat(raw.get(2)).isEqualTo(100.0);
        assertThat(closes(get(Role.ML, range + "15m").json())).as("15m follows the held windows of 1m")
                .containsExactly(100.0);
        assertThat(closes(get(Role.ML, range + "15m&adjusted=false").json())).containsExactly(20.0);
        assertThat(polygonCloses(get(Role.ML, "/v2/aggs/ticker/SPLD/range/1/minute/2025-01-02/2025-01-03?adjusted=false")
                .json())).isEqualTo(raw);
    }

    @Test
    void anAdjustedThatIsNeitherTrueNorFalseIs400() throws Exception {
        addTicker("SPLE");
        Reply range = get(Role.ML, "/api/v2/data/market?ticker=SPLE&timeframe=1m&from=2025-01-02&to=2025-01-03&adjusted=maybe");
        assertThat(range.status()).isEqualTo(400);
        assertThat(range.json().path("parameter").asText()).isEqualTo("adjusted");
        Reply latest = get(Role.ML, "/api/v2/data/market/latest?ticker=SPLE&timeframe=1m&adjusted=1");
        assertThat(latest.status()).isEqualTo(400);
        assertThat(latest.json().path("parameter").asText()).isEqualTo("adjusted");
        Reply aggs = get(Role.ML, "/v2/aggs/ticker/SPLE/range/1/minute/2025-01-02/2025-01-03?adjusted=maybe");
        assertThat(aggs.status()).isEqualTo(400);
        assertThat(aggs.json().path("status").asText()).isEqualTo("ERROR");
        assertThat(aggs.json().path("error").asText()).isEqualTo("adjusted must be true or false");
    }

    // ------------------------------------------------------------------------------------------

    private void storeSplit(String ticker, String executionDate, double from, double to) throws Exception {
        execute("insert into split(ticker, execution_date, split_from, split_to) values ('" + ticker + "', '"
                + executionDate + "', " + from + ", " + to + ")");
    }

    /**
     * How many splits of the ticker the app's reads see now: the cached list until the split table's
     * announcement reaches the app (or the store's, while the cache is not trusted).
     */
    private int splitsKnown(String ticker) {
        return context.getRegistry().lookupByNameAndType("splitAdjustments", SplitAdjustments.class).splits(ticker)
                .size();
    }

    private static double close(JsonNode page, int index) {
        return page.path("bars").get(index).path("close").asDouble();
    }

    private static List<Double> closes(JsonNode page) {
        List<Double> closes = new ArrayList<>();
        page.path("bars").forEach(bar -> closes.add(bar.path("close").asDouble()));
        return closes;
    }

    private static List<Double> polygonCloses(JsonNode page) {
        List<Double> closes = new ArrayList<>();
        page.path("results").forEach(bar -> closes.add(bar.path("c").asDouble()));
        return closes;
    }
}
