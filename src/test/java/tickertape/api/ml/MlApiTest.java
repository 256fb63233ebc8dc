package tickertape.api.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tickertape.api.RestVerbs;
import tickertape.api.VerbPolicy;
import tickertape.api.market.ApiTestSupport;
import tickertape.keys.Role;

/** Features, models and predictions through real HTTP with an ml key, on a store with no ingested tickers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MlApiTest extends ApiTestSupport {
    private static final String DAY0 = "2025-01-02T05:00:00Z";

    @Override
    protected Properties extraProperties() {
        return withoutTickers();
    }

    // ---------------------------------------------------------------- features

    @Test
    void featuresAreUpsertedThenReadBackByTsThenName() throws Exception {
        addTicker("FEAA");
        String batch = """
                [{"ticker":"feaa","timeframe":"1m","ts":"2025-01-02T14:31:00Z","name":"rsi14","value":61.5},
                 {"ticker":"FEAA","timeframe":"1m","ts":"2025-01-02T14:30:00Z","name":"rsi14","value":60.25},
                 {"ticker":"FEAA","timeframe":"1m","ts":"2025-01-02T14:30:00Z","name":"ema20","value":101.125}]""";

        Reply first = post(Role.ML, "/api/features", batch);
        Reply again = post(Role.ML, "/api/features", batch.replace("61.5", "62"));

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertCounts(first.json(), 3, 3, 0, 0);
        assertCounts(again.json(), 3, 0, 1, 2);
        JsonNode page = get(Role.ML, "/api/features?ticker=FEAA&timeframe=1m&from=2025-01-02&to=2025-01-02").json();
        assertThat(page.path("count").asInt()).isEqualTo(3);
        assertThat(page.path("more").asBoolean()).isFalse();
        assertThat(rows(page.path("features"), "ts", "name", "value")).containsExactly(
                "2025-01-02T14:30:00Z ema20 101.125", "2025-01-02T14:30:00Z rsi14 60.25", "2025-01-02T14:31:00Z rsi14 62.0");
        JsonNode narrowed = get(Role.ML,
                "/api/features?ticker=FEAA&timeframe=1m&from=2025-01-02&to=2025-01-02&names=rsi14&limit=1").json();
        assertThat(rows(narrowed.path("features"), "ts", "name", "value")).containsExactly("2025-01-02T14:30:00Z rsi14 60.25");
        assertThat(narrowed.path("more").asBoolean()).isTrue();
    }

    @Test
    void aBatchOverTheLimitIs413AndWritesNothing() throws Exception {
        addTicker("FEAB");
        List<String> rows = new ArrayList<>();
        for (int i = 0; i <= 10_000; i++) {
            rows.add("{\"ticker\":\"FEAB\",\"timeframe\":\"1m\",\"ts\":\"2025-01-02T14:30:00Z\",\"name\":\"f" + i
                    + "\",\"value\":" + i + "}");
        }

        Reply tooMany = post(Role.ML, "/api/features", "[" + String.join(",", rows) + "]");
        Reply atTheLimit = post(Role.ML, "/api/features", "[" + String.join(",", rows.subList(0, 10_000)) + "]");

        assertProblem(tooMany, 413, "body");
        assertCounts(atTheLimit.json(), 10_000, 10_000, 0, 0);
        assertThat(queryLong("select count(*) from feature where ticker = 'FEAB'")).isEqualTo(10_000);
        assertProblem(post(Role.ML, "/api/features", "[]"), 400, "body");
    }

    @Test
    void badFeatureBodiesAre400NamingTheFieldAndOtherContentTypes415() throws Exception {
        addTicker("FEAC");
        String row = "{\"ticker\":\"FEAC\",\"timeframe\":\"1m\",\"ts\":\"2025-01-02T14:30:00Z\",\"name\":\"x\",\"value\":1}";

        assertProblem(post(Role.ML, "/api/features", "[" + row + "," + row.replace("1}", "\"high\"}") + "]"), 400, "[1].value");
        assertProblem(post(Role.ML, "/api/features", "[" + row.replace("1m", "2m") + "]"), 400, "[0].timeframe");
        assertProblem(post(Role.ML, "/api/features", "[" + row.replace("2025-01-02T14:30:00Z", "noon") + "]"), 400, "[0].ts");
        assertProblem(post(Role.ML, "/api/features", "[" + row.replace("\"value\"", "\"valu\"") + "]"), 400, "[0].valu");
        assertProblem(post(Role.ML, "/api/features", "[" + row), 400, "body");
        assertProblem(post(Role.ML, "/api/features", row), 400, "body");
        assertProblem(send(Role.ML, request("/api/features").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("[" + row + "]"))), 415, null);
        assertProblem(post(Role.ML, "/api/features", "[" + row.replace("FEAC", "NOSUCH") + "]"), 404, null);
        assertProblem(get(Role.ML, "/api/features?ticker=FEAC&timeframe=1m&from=2025-01-02"), 400, "to");
        assertThat(queryLong("select count(*) from feature where ticker = 'FEAC'")).isZero();
    }

    // ---------------------------------------------------------------- models

    @Test
    void aModelVersionIsCreatedOnceThenOnlyItsMetricsAndStatusChange() throws Exception {
        String model = """
                {"name":"gbm","version":"1","kind":"lightgbm","params":{"leaves":31,"rate":0.05,"rows":1e6},"metrics":{"auc":0.61}}""";

        Reply created = post(Role.ML, "/api/models", model);
        Reply same = post(Role.ML, "/api/models", model);
        Reply promoted = post(Role.ML, "/api/models",
                "{\"name\":\"gbm\",\"version\":\"1\",\"kind\":\"lightgbm\",\"metrics\":{\"auc\":0.63},\"status\":\"active\"}");
        Reply otherParams = post(Role.ML, "/api/models", model.replace("31", "63"));
        Reply otherKind = post(Role.ML, "/api/models", model.replace("lightgbm", "xgboost"));
        Reply next = post(Role.ML, "/api/models", model.replace("\"1\"", "\"2\""));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().path("id").asLong();
        assertThat(created.json().path("status").asText()).isEqualTo("training");
        assertThat(created.json().path("params").path("leaves").asInt()).isEqualTo(31);
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.json()).isEqualTo(created.json());
        assertThat(promoted.status()).isEqualTo(200);
        assertThat(promoted.json().path("id").asLong()).isEqualTo(id);
        assertThat(promoted.json().path("status").asText()).isEqualTo("active");
        assertThat(promoted.json().path("metrics").path("auc").asDouble()).isEqualTo(0.63);
        assertThat(promoted.json().path("params")).isEqualTo(created.json().path("params"));
        assertProblem(otherParams, 409, "params");
        assertProblem(otherKind, 409, "kind");
        assertThat(next.status()).isEqualTo(201);
        assertThat(queryLong("select count(*) from model where name = 'gbm'")).isEqualTo(2);

        Reply listing = get(Role.ML, "/api/models?name=gbm");
        JsonNode listed = listing.json();
        assertThat(rows(listed, "version", "status")).containsExactly("2 training", "1 active");
        assertThat(listing.body()).as("each model listed as its POST answered it, byte for byte")
                .isEqualTo("[" + next.body() + "," + promoted.body() + "]");
        assertThat(rows(get(Role.ML, "/api/models?name=gbm&status=active").json(), "version")).containsExactly("1");
        assertProblem(get(Role.ML, "/api/models?status=live"), 400, "status");
        assertProblem(post(Role.ML, "/api/models", model.replace("{\"leaves\":31,\"rate\":0.05,\"rows\":1e6}", "[31]")), 400, "params");
        assertProblem(post(Role.ML, "/api/models", model.replace("\"kind\":\"lightgbm\",", "")), 400, "kind");
        assertProblem(post(Role.ML, "/api/models", "{\"name\":\"gbm\","), 400, "body");
    }

    // ---------------------------------------------------------------- predictions

    @Test
    void aReplayedPredictionBatchWritesNothingAndAnswersTheSameIds() throws Exception {
        addTicker("PRDA");
        registerModel("replay", "1", "active");
        String batch = """
                [{"model":"replay","version":"1","ticker":"PRDA","timeframe":"1d","ts":"2025-01-02T05:00:00Z","horizon":1,
                  "predictedDirection":1,"confidence":0.75},
                 {"model":"replay","version":"1","ticker":"PRDA","timeframe":"1d","ts":"2025-01-03T05:00:00Z","horizon":1,
                  "predictedReturn":0.01},
                 {"model":"replay","version":"1","ticker":"PRDA","timeframe":"1d","ts":"2025-01-03T05:00:00Z","horizon":5,
                  "predictedPrice":101.5}]""";

        Reply first = post(Role.ML, "/api/predictions", batch);
        JsonNode latestBefore = get(Role.ML, "/api/predictions/latest?ticker=PRDA").json();
        Reply replay = post(Role.ML, "/api/predictions", batch);
        JsonNode latestAfter = get(Role.ML, "/api/predictions/latest?ticker=PRDA").json();

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertCounts(first.json(), 3, 3, 0, 0);
        assertThat(replay.status()).isEqualTo(200);
        assertCounts(replay.json(), 3, 0, 0, 3);
        assertThat(queryLong("select count(*) from prediction where ticker = 'PRDA'")).isEqualTo(3);
        assertThat(latestAfter).isEqualTo(latestBefore);

        Reply changed = post(Role.ML, "/api/predictions", batch.replace("101.5", "102"));
        assertCounts(changed.json(), 3, 0, 1, 2);
        assertThat(queryLong("select count(*) from prediction where ticker = 'PRDA'")).isEqualTo(3);
    }

    @Test
    void badPredictionsAre400NamingTheFieldAnUnknownModel422AndTooMany413() throws Exception {
        addTicker("PRDB");
        registerModel("strict", "1", "active");
        String row = "{\"model\":\"strict\",\"version\":\"1\",\"ticker\":\"PRDB\",\"timeframe\":\"1d\","
                + "\"ts\":\"2025-01-02T05:00:00Z\",\"horizon\":1,\"predictedDirection\":1}";

        assertProblem(post(Role.ML, "/api/predictions", "[" + row.replace("\"horizon\":1", "\"horizon\":\"one\"") + "]"),
                400, "[0].horizon");
        assertProblem(post(Role.ML, "/api/predictions", "[" + row.replace("\"horizon\":1", "\"horizon\":0") + "]"),
                400, "[0].horizon");
        assertProblem(post(Role.ML, "/api/predictions", "[" + row.replace("\"horizon\":1", "\"horizon\":1.5") + "]"),
                400, "[0].horizon");
        assertProblem(post(Role.ML, "/api/predictions", "[" + row.replace("\"predictedDirection\":1", "\"predictedDirection\":2") + "]"),
                400, "[0].predictedDirection");
        assertProblem(post(Role.ML, "/api/predictions", "[" + row.replace(",\"predictedDirection\":1", "") + "]"), 400, "[0]");
        assertProblem(post(Role.ML, "/api/predictions", "[" + row + "," + row.replace("\"version\":\"1\"", "\"version\":\"9\"") + "]"),
                422, "[1].model");
        assertProblem(post(Role.ML, "/api/predictions", "[" + row + ",]"), 400, "body");
        assertProblem(send(Role.ML, request("/api/predictions").header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString("<p/>"))), 415, null);
        assertProblem(post(Role.ML, "/api/predictions", "[" + String.join(",", Collections.nCopies(10_001, row)) + "]"),
                413, "body");
        assertThat(queryLong("select count(*) from prediction where ticker = 'PRDB'")).isZero();
    }

    @Test
    void latestIsEachActiveModelsNewestTs() throws Exception {
        addTicker("PRDC");
        registerModel("fast", "1", "active");
        registerModel("slow", "1", "active");
        registerModel("draft", "1", "training");
        postPredictions(
                prediction("fast", "PRDC", "2025-01-02T05:00:00Z", 1, "\"predictedDirection\":-1"),
                prediction("fast", "PRDC", "2025-01-03T05:00:00Z", 5, "\"predictedDirection\":1"),
                prediction("fast", "PRDC", "2025-01-03T05:00:00Z", 1, "\"predictedReturn\":0.02"),
                prediction("slow", "PRDC", "2025-01-02T05:00:00Z", 1, "\"predictedPrice\":99.5"),
                prediction("draft", "PRDC", "2025-01-06T05:00:00Z", 1, "\"predictedDirection\":1"));

        JsonNode latest = get(Role.ML, "/api/predictions/latest?ticker=prdc").json();

        assertThat(latest.path("ticker").asText()).isEqualTo("PRDC");
        assertThat(rows(latest.path("predictions"), "model", "ts", "horizon")).containsExactly(
                "fast 2025-01-03T05:00:00Z 1", "fast 2025-01-03T05:00:00Z 5", "slow 2025-01-02T05:00:00Z 1");
        assertThat(latest.path("predictions").get(0).path("predictedReturn").asDouble()).isEqualTo(0.02);
        assertThat(latest.path("predictions").get(0).path("id").asLong()).as("the stored row's id").isEqualTo(queryLong("""
                select p.id from prediction p join model m on m.id = p.model_id
                where m.name = 'fast' and p.ticker = 'PRDC' and p.ts = '2025-01-03T05:00:00Z' and p.horizon = 1"""));
        assertThat(get(Role.ML, "/api/predictions/latest?ticker=NOSUCH").status()).isEqualTo(404);
        assertProblem(get(Role.ML, "/api/predictions/latest"), 400, "ticker");
    }

    /**
     * Daily closes 80, 100, 75, 150, 112.5; horizon-1 predictions at days 0..4 and one horizon-2 at day 0.
     * Evaluated (an outcome is stored): five. Direction: day0 +/+ hit, day1 +/- miss, day2 +/+ hit (from the
     * price), day3 -/- hit, day0 h2 -/- hit (75/80) = 4/5. Absolute error of the predicted return where there is
     * one: day0 |0.5-0.25|, day2 |0.5-1| (112.5/75-1 against 150/75-1), day3 |-0.25+0.25| = (0.25+0.5+0)/3.
     */
    @Test
    void accuracyScoresPredictionsAgainstTheBarsHorizonLater() throws Exception {
        addTicker("ACCA");
        double[] closes = {80, 100, 75, 150, 112.5};
        for (int day = 0; day < closes.length; day++) {
            execute("insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume) values ('ACCA', '1d', "
                    + "timestamptz '" + DAY0 + "' + interval '" + day + " days', 1, 200, 1, " + closes[day] + ", 1000)");
        }
        registerModel("acc", "1", "active");
        postPredictions(
                prediction("acc", "ACCA", day(0), 1, "\"predictedReturn\":0.5"),
                prediction("acc", "ACCA", day(1), 1, "\"predictedDirection\":1"),
                prediction("acc", "ACCA", day(2), 1, "\"predictedPrice\":112.5"),
                prediction("acc", "ACCA", day(3), 1, "\"predictedReturn\":-0.25,\"predictedDirection\":-1"),
                prediction("acc", "ACCA", day(4), 1, "\"predictedReturn\":0.1"),
                prediction("acc", "ACCA", day(0), 2, "\"predictedDirection\":-1"));

        JsonNode all = get(Role.ML, "/api/predictions/accuracy?model=acc&ticker=ACCA").json();
        JsonNode newestTwo = get(Role.ML, "/api/predictions/accuracy?model=acc&version=1&ticker=ACCA&window=2").json();

        assertThat(all.path("version").asText()).isEqualTo("1");
        assertThat(all.path("window").asInt()).isEqualTo(500);
        assertThat(all.path("evaluated").asInt()).isEqualTo(5);
        assertThat(all.path("directionHitRate").asDouble()).isEqualTo(0.8);
        assertThat(all.path("meanAbsoluteError").asDouble()).isEqualTo(0.25);
        assertThat(all.path("withPredictedReturn").asInt()).isEqualTo(3);
        assertThat(newestTwo.path("evaluated").asInt()).isEqualTo(2);
        assertThat(newestTwo.path("directionHitRate").asDouble()).isEqualTo(1.0);
        assertThat(newestTwo.path("meanAbsoluteError").asDouble()).isEqualTo(0.25);
        assertProblem(get(Role.ML, "/api/predictions/accuracy?ticker=ACCA"), 400, "model");
        assertProblem(get(Role.ML, "/api/predictions/accuracy?model=acc&ticker=ACCA&window=0"), 400, "window");
        assertProblem(get(Role.ML, "/api/predictions/accuracy?model=nosuch&ticker=ACCA"), 404, null);
    }

    @Test
    void everyMlVerbNeedsAnMlKeyAndIsInTheOpenApiDocument() throws Exception {
        RestVerbs restVerbs = context.getRegistry().lookupByNameAndType("restVerbs", RestVerbs.class);
        List<RestVerbs.Verb> verbs = restVerbs.verbs().stream().filter(verb -> verb.path().matches("/api/(features|models|predictions).*")).toList();

        assertThat(verbs).extracting(verb -> verb.method() + " " + verb.path()).containsExactlyInAnyOrder(
                "GET /api/features", "POST /api/features", "GET /api/models", "POST /api/models", "POST /api/predictions",
                "GET /api/predictions/latest", "GET /api/predictions/accuracy");
        for (RestVerbs.Verb verb : verbs) {
            VerbPolicy policy = restVerbs.policy(verb.definition());
            assertThat(policy.secured()).as(verb.id()).isTrue();
            assertThat(policy.roles()).as(verb.id()).containsExactly(Role.ML);
            assertThat(verb.consumes()).as(verb.id()).isEqualTo(verb.method().equals("POST") ? "application/json" : null);
            assertThat(policy.cost()).as(verb.id()).isEqualTo(verb.id().matches("api-(features-.*|predictions-(upsert|accuracy))") ? 10 : 1);
        }
        JsonNode paths = get(Role.ML, "/api/openapi.json").json().path("paths");
        assertThat(paths.path("/api/predictions/accuracy").path("get").path("parameters").toString())
                .contains("model", "ticker", "window");
        assertThat(paths.path("/api/features").path("post").path("security").toString()).contains("ml");
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A 1-for-5 reverse split on day 1 (and one announced a month ahead): rows before it list it in
     * splitsSince, rows from its day on list nothing, and accuracy compares closes across it as one
     * price (raw 100 then 505 is a 1 % move, not +405 %).
     */
    @Test
    void featuresAndPredictionsTellTheSplitsSinceTheirDayAndAccuracySeesThroughThem() throws Exception {
        addTicker("MLSP");
        execute("insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume) values"
                + " ('MLSP', '1d', '" + day(0) + "', 100, 100, 100, 100, 1000),"
                + " ('MLSP', '1d', '" + day(1) + "', 505, 505, 505, 505, 200)");
        execute("insert into split(ticker, execution_date, split_from, split_to) values ('MLSP', '2025-01-03', 5, 1),"
                + " ('MLSP', current_date + 30, 2, 1)");
        post(Role.ML, "/api/features", "[{\"ticker\":\"MLSP\",\"timeframe\":\"1d\",\"ts\":\"" + day(0)
                + "\",\"name\":\"close\",\"value\":100},{\"ticker\":\"MLSP\",\"timeframe\":\"1d\",\"ts\":\""
                + day(1) + "\",\"name\":\"close\",\"value\":505}]");
        registerModel("splits", "1", "active");
        postPredictions(prediction("splits", "MLSP", day(0), 1, "\"predictedReturn\":0.01,\"predictedPrice\":101"));

        JsonNode features = get(Role.ML, "/api/features?ticker=MLSP&timeframe=1d&from=2025-01-02&to=2025-01-03").json()
                .path("features");
        JsonNode latest = get(Role.ML, "/api/predictions/latest?ticker=MLSP").json().path("predictions").get(0);
        JsonNode accuracy = get(Role.ML, "/api/predictions/accuracy?model=splits&ticker=MLSP").json();

        JsonNode split = features.get(0).path("splitsSince");
        assertThat(split).hasSize(1);
        assertThat(split.get(0).path("executionDate").asText()).isEqualTo("2025-01-03");
        assertThat(split.get(0).path("from").asDouble()).isEqualTo(5.0);
        assertThat(split.get(0).path("to").asDouble()).isEqualTo(1.0);
        assertThat(features.get(1).path("splitsSince")).as("on the execution day").isEmpty();
        assertThat(latest.path("model").asText()).isEqualTo("splits");
        assertThat(latest.path("predictedPrice").asDouble()).as("kept as written").isEqualTo(101.0);
        assertThat(latest.path("splitsSince")).hasSize(1);
        assertThat(latest.path("splitsSince").get(0).path("executionDate").asText()).isEqualTo("2025-01-03");
        assertThat(accuracy.path("evaluated").asInt()).isEqualTo(1);
        assertThat(accuracy.path("directionHitRate").asDouble()).isEqualTo(1.0);
        assertThat(accuracy.path("meanAbsoluteError").asDouble()).isCloseTo(0, within(1e-12));
    }

    private void registerModel(String name, String version, String status) throws Exception {
        Reply reply = post(Role.ML, "/api/models", "{\"name\":\"" + name + "\",\"version\":\"" + version
                + "\",\"kind\":\"test\",\"status\":\"" + status + "\"}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    }

    private void postPredictions(String... rows) throws Exception {
        Reply reply = post(Role.ML, "/api/predictions", "[" + String.join(",", rows) + "]");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }

    private static String prediction(String model, String ticker, String ts, int horizon, String values) {
        return "{\"model\":\"" + model + "\",\"version\":\"1\",\"ticker\":\"" + ticker + "\",\"timeframe\":\"1d\",\"ts\":\""
                + ts + "\",\"horizon\":" + horizon + "," + values + "}";
    }

    private static String day(int n) {
        return Instant.parse(DAY0).plus(Duration.ofDays(n)).toString();
    }

    private static void assertCounts(JsonNode written, int received, int inserted, int updated, int unchanged) {
        assertThat(rows(List.of(written), "received", "inserted", "updated", "unchanged"))
                .containsExactly(received + " " + inserted + " " + updated + " " + unchanged);
    }

    /** Each element's fields, space-separated: compact to assert a whole listing in order. */
    static List<String> rows(Iterable<JsonNode> elements, String... fields) {
        List<String> rows = new ArrayList<>();
        for (JsonNode element : elements) {
            List<String> values = new ArrayList<>();
            for (String field : fields) {
                values.add(element.path(field).asText());
            }
            rows.add(String.join(" ", values));
        }
        return rows;
    }

    /** An application/problem+json answer with {@code status}, naming {@code parameter} when one is given. */
    static void assertProblem(Reply reply, int status, String parameter) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
        assertThat(reply.json().path("status").asInt()).isEqualTo(status);
        if (parameter != null) {
            assertThat(reply.json().path("parameter").asText()).as(reply.body()).isEqualTo(parameter);
        }
    }
}
