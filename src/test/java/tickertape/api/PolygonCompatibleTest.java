package tickertape.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tickertape.keys.Role;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;
import tickertape.sandbox.SyntheticBars;

/**
 * GET /v2/aggs/ticker/... read from tickertape after ingesting from a {@link FakePolygon} answers what
 * the fake (Polygon) answers for the same bars, page for page and field for field; its multiples are
 * the roll-ups of the stored 1m bars; and Polygon's official JavaScript client reads it unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolygonCompatibleTest extends FakePolygonApiTestSupport {
    private static final String TICKER = "PCMP";
    private static final LocalDate FIRST_DAY = LocalDate.of(2024, 3, 4);
    private static final LocalDate LAST_DAY = LocalDate.of(2024, 3, 5);
    private static final String RANGE = "/v2/aggs/ticker/" + TICKER + "/range/%d/%s/" + FIRST_DAY + "/" + LAST_DAY;
    private static final Path JS = Path.of("src/test/js");

    private boolean ingested;

    /** Once per class (Camel's context exists only from here on): the two days of 1m bars, ingested from the fake. */
    @BeforeEach
    void ingestOnce() throws Exception {
        if (ingested) {
            return;
        }
        addTicker(TICKER);
        ingest(TICKER, FIRST_DAY, LAST_DAY, Timeframe.M1);
        SyntheticBars source = new SyntheticBars(new ExchangeCalendar());
        long expected = source.minuteBars(TICKER, FIRST_DAY).size() + source.minuteBars(TICKER, LAST_DAY).size();
        assertThat(expected).isGreaterThan(1000);
        assertThat(queryLong("select count(*) from market_bar where ticker = '" + TICKER + "' and timeframe = '1m'"))
                .as("1m bars of %s", TICKER).isEqualTo(expected);
        ingested = true;
    }

    @Test
    void minuteBarsArePolygonsPageForPageAndFieldForField() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (Integer limit : new Integer[] {null, 700, 50_000}) {
            String query = "?adjusted=true&sort=asc" + (limit == null ? "" : "&limit=" + limit);
            List<JsonNode> ours = pages(baseUrl() + String.format(RANGE, 1, "minute") + query, true);
            List<JsonNode> theirs = pages(fake.baseUrl() + String.format(RANGE, 1, "minute") + query, false);
            String what = "limit " + limit;
            soft.assertThat(ours).as(what + ": pages").hasSameSizeAs(theirs);
            for (int i = 0; i < Math.min(ours.size(), theirs.size()); i++) {
                comparePage(soft, what + " page " + (i + 1), ours.get(i), theirs.get(i));
            }
            if (limit != null && limit == 700) {
                soft.assertThat(ours.size()).as("a limit below the bars pages").isGreaterThan(1);
            }
        }
        soft.assertAll();
    }

    @Test
    void multiplesAreTheRollUpsOfTheStoredMinuteBarsAndPolygons() throws Exception {
        List<JsonNode> minutes = results(baseUrl() + String.format(RANGE, 1, "minute") + "?limit=50000", true);
        SoftAssertions soft = new SoftAssertions();
        for (Object[] multiple : new Object[][] {{5, "minute", 5L}, {15, "minute", 15L}, {2, "hour", 120L},
                {1, "hour", 60L}, {90, "minute", 90L}}) {
            int multiplier = (int) multiple[0];
            String timespan = (String) multiple[1];
            long bucketMinutes = (long) multiple[2];
            String path = String.format(RANGE, multiplier, timespan) + "?limit=50000";
            List<JsonNode> ours = results(baseUrl() + path, true);
            List<Map<String, Double>> expected = rollUp(minutes, bucketMinutes);
            String what = multiplier + "/" + timespan;
            soft.assertThat(ours).as(what + " bars").hasSameSizeAs(expected);
            for (int i = 0; i < Math.min(ours.size(), expected.size()); i++) {
                JsonNode bar = ours.get(i);
                Map<String, Double> rolled = expected.get(i);
                for (String field : List.of("t", "o", "h", "l", "c", "v", "n", "vw")) {
                    soft.assertThat(bar.path(field).asDouble()).as(what + " bar " + i + " " + field)
                            .isCloseTo(rolled.get(field), org.assertj.core.data.Offset.offset(
                                    field.equals("vw") ? 1e-6 : 1e-9 * Math.max(1, Math.abs(rolled.get(field)))));
                }
            }
            List<JsonNode> polygons = results(fake.baseUrl() + path, false);
            soft.assertThat(ours).as(what + " bars as Polygon's").hasSameSizeAs(polygons);
            for (int i = 0; i < Math.min(ours.size(), polygons.size()); i++) {
                compareBar(soft, what + " bar " + i, ours.get(i), polygons.get(i));
            }
        }
        soft.assertAll();
    }

    @Test
    void polygonsOfficialClientReadsTheStoredBars() throws Exception {
        assumeThat(runs("node", "--version") && runs("npm", "--version"))
                .as("node and npm on PATH (the official Polygon client is JavaScript); skipped without them")
                .isTrue();
        installClient();
        String key = apiKey(Role.ML);
        List<JsonNode> stored = results(baseUrl() + String.format(RANGE, 1, "minute") + "?limit=50000", true);

        for (String limit : new String[] {null, "700"}) {
            List<String> command = new ArrayList<>(List.of("node", "list-aggregates.mjs", baseUrl(), TICKER, "1", "minute",
                    FIRST_DAY.toString(), LAST_DAY.toString()));
            if (limit != null) {
                command.add(limit);
            }
            ProcessBuilder builder = new ProcessBuilder(command).directory(JS.toFile());
            builder.environment().put("TICKERTAPE_API_KEY", key);
            Process node = builder.start();
            node.getOutputStream().close();
            String out = new String(node.getInputStream().readAllBytes());
            String err = new String(node.getErrorStream().readAllBytes());
            assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(node.exitValue()).as("list-aggregates.mjs with limit " + limit + ": " + err).isZero();

            JsonNode answer = JSON.readTree(out);
            assertThat(answer.path("ticker").asText()).isEqualTo(TICKER);
            assertThat(answer.path("status").asText()).isEqualTo("OK");
            List<JsonNode> bars = new ArrayList<>();
            answer.path("results").forEach(bars::add);
            assertThat(bars).as("bars the official client returned (limit " + limit + ")").hasSameSizeAs(stored);
            SoftAssertions soft = new SoftAssertions();
            for (int i = 0; i < bars.size(); i++) {
                compareBar(soft, "client bar " + i, bars.get(i), stored.get(i));
            }
            soft.assertAll();
        }
        assertThat(fake.requests()).as("the client's key never reached the source")
                .noneMatch(request -> request.pathAndQuery().contains(key));
    }

    // ------------------------------------------------------------------------------------------

    private static void comparePage(SoftAssertions soft, String what, JsonNode ours, JsonNode theirs) {
        for (String field : List.of("ticker", "queryCount", "resultsCount", "adjusted", "status", "count")) {
            soft.assertThat(ours.path(field)).as(what + " " + field).isEqualTo(theirs.path(field));
        }
        soft.assertThat(ours.has("next_url")).as(what + " has next_url").isEqualTo(theirs.has("next_url"));
        soft.assertThat(ours.has("results")).as(what + " has results").isEqualTo(theirs.has("results"));
        soft.assertThat(ours.path("request_id").asText()).as(what + " request_id").isNotBlank();
        soft.assertThat(ours.path("results").size()).as(what + " results").isEqualTo(theirs.path("results").size());
        for (int i = 0; i < Math.min(ours.path("results").size(), theirs.path("results").size()); i++) {
            compareBar(soft, what + " bar " + i, ours.path("results").get(i), theirs.path("results").get(i));
        }
    }

    /** The same fields, with the same values (numbers compared as numbers: 1000 and 1000.0 are one volume). */
    private static void compareBar(SoftAssertions soft, String what, JsonNode ours, JsonNode theirs) {
        TreeSet<String> ourFields = new TreeSet<>();
        ours.fieldNames().forEachRemaining(ourFields::add);
        TreeSet<String> theirFields = new TreeSet<>();
        theirs.fieldNames().forEachRemaining(theirFields::add);
        soft.assertThat(ourFields).as(what + " fields").isEqualTo(theirFields);
        for (Iterator<String> fields = theirs.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (field.equals("t") || field.equals("n")) {
                soft.assertThat(ours.path(field).asLong()).as(what + " " + field).isEqualTo(theirs.path(field).asLong());
            } else if (field.equals("vw") || field.equals("v")) {
                // sums of doubles in another grouping (2/hour from stored 1h bars) differ in the last bits
                double expected = theirs.path(field).asDouble();
                soft.assertThat(ours.path(field).asDouble()).as(what + " " + field)
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(expected))));
            } else {
                soft.assertThat(ours.path(field).asDouble()).as(what + " " + field).isEqualTo(theirs.path(field).asDouble());
            }
        }
    }

    /**
     * The source's N-minute bars from 1m bars: buckets of New York wall-clock time from midnight; open
     * of the first, close of the last, highest high, lowest low, summed volume and trades, vwap weighted by volume.
     */
    private static List<Map<String, Double>> rollUp(List<JsonNode> minutes, long bucketMinutes) {
        Map<Long, Map<String, Double>> buckets = new LinkedHashMap<>();
        Map<Long, Double> notional = new LinkedHashMap<>();
        for (JsonNode bar : minutes) {
            long t = bar.path("t").asLong();
            var local = Instant.ofEpochMilli(t).atZone(Timeframe.EXCHANGE_ZONE);
            long minuteOfDay = local.getHour() * 60L + local.getMinute();
            long start = local.toLocalDate().atStartOfDay(Timeframe.EXCHANGE_ZONE)
                    .plusMinutes(minuteOfDay / bucketMinutes * bucketMinutes).toInstant().toEpochMilli();
            Map<String, Double> bucket = buckets.get(start);
            double v = bar.path("v").asDouble();
            if (bucket == null) {
                bucket = new LinkedHashMap<>(Map.of("t", (double) start, "o", bar.path("o").asDouble(),
                        "h", bar.path("h").asDouble(), "l", bar.path("l").asDouble(), "v", 0.0, "n", 0.0));
                buckets.put(start, bucket);
                notional.put(start, 0.0);
            }
            bucket.put("h", Math.max(bucket.get("h"), bar.path("h").asDouble()));
            bucket.put("l", Math.min(bucket.get("l"), bar.path("l").asDouble()));
            bucket.put("c", bar.path("c").asDouble());
            bucket.put("v", bucket.get("v") + v);
            bucket.put("n", bucket.get("n") + bar.path("n").asDouble());
            notional.put(start, notional.get(start) + bar.path("vw").asDouble() * v);
        }
        buckets.forEach((start, bucket) -> bucket.put("vw", Math.min(bucket.get("h"),
                Math.max(bucket.get("l"), notional.get(start) / bucket.get("v")))));
        return new ArrayList<>(buckets.values());
    }

    /** {@code npm ci} in src/test/js when node_modules is missing or older than package-lock.json. */
    private static void installClient() throws Exception {
        Path installed = JS.resolve("node_modules/.package-lock.json");
        if (Files.exists(installed) && Files.getLastModifiedTime(installed).compareTo(
                Files.getLastModifiedTime(JS.resolve("package-lock.json"))) >= 0) {
            return;
        }
        Path log = Files.createTempFile("npm-ci-", ".log");
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(JS.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(npm.waitFor(10, TimeUnit.MINUTES)).as("npm ci within 10 minutes").isTrue();
        assertThat(npm.exitValue()).as("npm ci in " + JS + ":\n" + Files.readString(log)).isZero();
    }

    private static boolean runs(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
