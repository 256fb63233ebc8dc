package tickertape.api.trading;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tickertape.api.RestVerbs;
import tickertape.api.market.ApiTestSupport;
import tickertape.keys.Role;

/**
 * Signals, the portfolio and trades through real HTTP with a bot key (models and predictions are
 * written with an ml key). Every test starts from the seeded portfolio: 100000 of cash, nothing held.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TradingApiTest extends ApiTestSupport {

    @Override
    protected Properties extraProperties() {
        return withoutTickers();
    }

    @BeforeEach
    void startFromTheSeededPortfolio() throws Exception {
        execute("delete from trade; delete from position; update portfolio set cash = 100000, realised_pnl = 0");
    }

    // ---------------------------------------------------------------- portfolio and trades

    /**
     * buy 10 @ 50 fee 1: cash 99499, avg cost 501/10 = 50.1; buy 30 @ 54 fee 3: cost 501+1620+3 = 2124 for 40,
     * avg 53.1, cash 97876; sell 15 @ 60 fee 1.5: realised (60-53.1)x15-1.5 = 102, cash 98774.5, 25 held.
     * Latest 1m close 58.5: value 1462.5, unrealised 1462.5-25x53.1 = 135, equity 100237 (= 100000+102+135).
     */
    @Test
    void tradesMoveCashAndPositionAtAverageCostAndThePortfolioIsValuedAtTheLatestClose() throws Exception {
        addTicker("TRDA");
        insertBar("TRDA", "1m", "2025-01-02T14:30:00Z", 57);
        insertBar("TRDA", "1m", "2025-01-02T14:31:00Z", 58.5);
        insertBar("TRDA", "1d", "2025-01-02T05:00:00Z", 40);

        Reply first = trade("a-1", "TRDA", "buy", "10", "50", "1");
        trade("a-2", "TRDA", "buy", "30", "54", "3");
        Reply sell = trade("a-3", "TRDA", "sell", "15", "60", "1.5");

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.json().path("clientOrderId").asText()).isEqualTo("a-1");
        assertThat(first.json().path("predictionId").isNull()).isTrue();
        assertThat(sell.status()).as(sell.body()).isEqualTo(201);
        JsonNode portfolio = portfolio();
        assertAmount(portfolio, "cash", "98774.5");
        assertAmount(portfolio, "positionsValue", "1462.5");
        assertAmount(portfolio, "equity", "100237");
        assertAmount(portfolio, "realisedPnl", "102");
        assertAmount(portfolio, "unrealisedPnl", "135");
        JsonNode position = position(portfolio, "TRDA");
        assertAmount(position, "qty", "25");
        assertAmount(position, "avgCost", "53.1");
        assertAmount(position, "lastClose", "58.5");
        assertThat(position.path("lastCloseAt").asText()).isEqualTo("2025-01-02T14:31:00Z");
        assertAmount(position, "marketValue", "1462.5");
        assertAmount(position, "unrealisedPnl", "135");
        assertAmount(position, "realisedPnl", "102");

        trade("a-4", "TRDA", "sell", "25", "52", "0");
        JsonNode closed = position(portfolio(), "TRDA");
        assertAmount(closed, "qty", "0");
        assertAmount(closed, "avgCost", "0");
        assertAmount(closed, "realisedPnl", "74.5"); // 102 + (52-53.1)x25
        assertAmount(portfolio(), "cash", "100074.5");
    }

    /** The valuation follows a newer bar written by another connection, as the latest endpoint does. */
    @Test
    void thePortfolioIsRevaluedAtANewerCloseWrittenAfterItWasValued() throws Exception {
        addTicker("TRDC");
        insertBar("TRDC", "1m", "2025-01-02T14:30:00Z", 20);
        trade("c-1", "TRDC", "buy", "10", "20", "0");
        assertAmount(position(portfolio(), "TRDC"), "lastClose", "20");

        insertBar("TRDC", "1m", "2025-01-02T14:31:00Z", 21.5);

        await(Duration.ofSeconds(20), "the TRDC position valued at 21.5",
                () -> new BigDecimal(position(portfolio(), "TRDC").path("lastClose").asText())
                        .compareTo(new BigDecimal("21.5")) == 0);
        JsonNode position = position(portfolio(), "TRDC");
        assertThat(position.path("lastCloseAt").asText()).isEqualTo("2025-01-02T14:31:00Z");
        assertAmount(position, "marketValue", "215");
        assertAmount(position, "unrealisedPnl", "15");
    }

    @Test
    void aReplayedTradeIsBookedOnceAndAnotherTradeUnderItsIdIs409() throws Exception {
        addTicker("TRDB");
        String body = tradeBody("b-1", "TRDB", "buy", "5", "20", "0.5");

        Reply first = post(Role.BOT, "/api/trading/trades", body);
        Reply replay = post(Role.BOT, "/api/trading/trades", body);
        Reply reused = post(Role.BOT, "/api/trading/trades", body.replace("\"qty\":5", "\"qty\":6"));

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(replay.status()).as(replay.body()).isEqualTo(200);
        assertThat(replay.json()).isEqualTo(first.json());
        assertProblem(reused, 409, "clientOrderId");
        assertThat(queryLong("select count(*) from trade where client_order_id = 'b-1'")).isEqualTo(1);
        JsonNode portfolio = portfolio();
        assertAmount(portfolio, "cash", "99899.5");
        assertAmount(position(portfolio, "TRDB"), "qty", "5");
        assertAmount(position(portfolio, "TRDB"), "avgCost", "20.1");
    }

    @Test
    void anOversellANegativeOrZeroQuantityAndABuyBeyondTheCashAre422AndChangeNothing() throws Exception {
        addTicker("TRDC");
        trade("c-1", "TRDC", "buy", "5", "10", "0");
        String before = get(Role.BOT, "/api/trading/portfolio").body();

        assertProblem(trade("c-2", "TRDC", "sell", "6", "10", "0"), 422, "qty");
        assertProblem(trade("c-3", "TRDC", "sell", "-1", "10", "0"), 422, "qty");
        assertProblem(trade("c-4", "TRDC", "buy", "0", "10", "0"), 422, "qty");
        assertProblem(trade("c-5", "TRDC", "buy", "1", "-10", "0"), 422, "price");
        assertProblem(trade("c-6", "TRDC", "buy", "100000", "10", "0"), 422, "qty");
        assertProblem(trade("c-7", "NOSUCH", "buy", "1", "10", "0"), 404, null);

        assertThat(get(Role.BOT, "/api/trading/portfolio").body()).isEqualTo(before);
        assertThat(queryLong("select count(*) from trade")).isEqualTo(1);
        assertThat(trade("c-2", "TRDC", "sell", "5", "10", "0").status()).as("the refused id is still free").isEqualTo(201);
    }

    @Test
    void badTradeBodiesAre400NamingTheFieldAndOtherContentTypes415() throws Exception {
        addTicker("TRDD");
        String good = tradeBody("d-1", "TRDD", "buy", "1", "10", "0");

        assertProblem(post(Role.BOT, "/api/trading/trades", good.replace("\"qty\":1", "\"qty\":\"one\"")), 400, "qty");
        assertProblem(post(Role.BOT, "/api/trading/trades", good.replace("\"price\":10", "\"price\":[10]")), 400, "price");
        assertProblem(post(Role.BOT, "/api/trading/trades", good.replace("\"side\":\"buy\"", "\"side\":\"short\"")), 400, "side");
        assertProblem(post(Role.BOT, "/api/trading/trades", good.replace("}", ",\"executedAt\":\"today\"}")), 400, "executedAt");
        assertProblem(post(Role.BOT, "/api/trading/trades", good.replace("}", ",\"leverage\":2}")), 400, "leverage");
        assertProblem(post(Role.BOT, "/api/trading/trades", good.replace("\"qty\":1", "\"qty\":0.0000001")), 400, "qty");
        assertProblem(post(Role.BOT, "/api/trading/trades", good.replace("\"clientOrderId\":\"d-1\",", "")), 400, "clientOrderId");
        assertProblem(post(Role.BOT, "/api/trading/trades", good.substring(0, good.length() - 1)), 400, "body");
        assertProblem(post(Role.BOT, "/api/trading/trades", "[" + good + "]"), 400, "body");
        assertProblem(send(Role.BOT, request("/api/trading/trades").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(good))), 415, null);
        assertProblem(send(Role.BOT, request("/api/trading/trades")
                .POST(HttpRequest.BodyPublishers.ofString(good))), 415, null);
        assertThat(queryLong("select count(*) from trade")).isZero();
    }

    // ---------------------------------------------------------------- signals

    /**
     * Threshold 0.2. SIGL: fast +1 x 0.75, slow return 0.01 with no confidence +1 x 0.5 (price-only and
     * retired and older predictions do not vote): (0.75 + 0.5) / 2 = 0.625, long. SIGS: -1 x 0.75 and
     * +1 x 0.25: -0.25, short. SIGF: +1 x 0.25 and -1 x 0.125: 0.0625, flat. SIGN: no votes, flat.
     */
    @Test
    void theSignalIsTheConfidenceWeightedVoteOfTheActiveModelsLatestPredictions() throws Exception {
        for (String ticker : List.of("SIGL", "SIGS", "SIGF", "SIGN")) {
            addTicker(ticker);
        }
        registerModel("sig-fast", "active");
        registerModel("sig-slow", "active");
        registerModel("sig-price", "active");
        registerModel("sig-old", "retired");
        Reply written = post(Role.ML, "/api/predictions", "[" + String.join(",",
                prediction("sig-fast", "SIGL", "2025-01-02T05:00:00Z", "\"predictedDirection\":-1,\"confidence\":1"),
                prediction("sig-fast", "SIGL", "2025-01-03T05:00:00Z", "\"predictedDirection\":1,\"confidence\":0.75"),
                prediction("sig-slow", "SIGL", "2025-01-03T05:00:00Z", "\"predictedReturn\":0.01"),
                prediction("sig-price", "SIGL", "2025-01-03T05:00:00Z", "\"predictedPrice\":10"),
                prediction("sig-old", "SIGL", "2025-01-03T05:00:00Z", "\"predictedDirection\":-1,\"confidence\":1"),
                prediction("sig-fast", "SIGS", "2025-01-03T05:00:00Z", "\"predictedDirection\":-1,\"confidence\":0.75"),
                prediction("sig-slow", "SIGS", "2025-01-03T05:00:00Z", "\"predictedReturn\":0.02,\"confidence\":0.25"),
                prediction("sig-fast", "SIGF", "2025-01-03T05:00:00Z", "\"predictedDirection\":1,\"confidence\":0.25"),
                prediction("sig-slow", "SIGF", "2025-01-02T05:00:00Z", "\"predictedReturn\":-0.5,\"confidence\":0.125"))
                + "]");
        assertThat(written.status()).as(written.body()).isEqualTo(200);

        JsonNode longSignal = signal("SIGL");
        assertThat(longSignal.path("signal").asText()).isEqualTo("long");
        assertThat(longSignal.path("score").asDouble()).isEqualTo(0.625);
        assertThat(longSignal.path("confidence").asDouble()).isEqualTo(0.625);
        assertThat(longSignal.path("threshold").asDouble()).isEqualTo(0.2);
        assertThat(longSignal.path("asOf").asText()).isEqualTo("2025-01-03T05:00:00Z");
        assertThat(longSignal.path("votes")).extracting(vote -> vote.path("model").asText() + " "
                + vote.path("direction").asInt() + " " + vote.path("weight").asDouble())
                .containsExactly("sig-fast 1 0.75", "sig-slow 1 0.5");
        JsonNode shortSignal = signal("SIGS");
        assertThat(shortSignal.path("signal").asText()).isEqualTo("short");
        assertThat(shortSignal.path("score").asDouble()).isEqualTo(-0.25);
        assertThat(shortSignal.path("confidence").asDouble()).isEqualTo(0.25);
        JsonNode flatSignal = signal("SIGF");
        assertThat(flatSignal.path("signal").asText()).isEqualTo("flat");
        assertThat(flatSignal.path("score").asDouble()).isEqualTo(0.0625);
        assertThat(flatSignal.path("asOf").asText()).as("the newest vote's ts").isEqualTo("2025-01-03T05:00:00Z");
        JsonNode noVotes = signal("sign");
        assertThat(noVotes.path("ticker").asText()).isEqualTo("SIGN");
        assertThat(noVotes.path("signal").asText()).isEqualTo("flat");
        assertThat(noVotes.path("confidence").asDouble()).isZero();
        assertThat(noVotes.path("votes")).isEmpty();
        assertThat(noVotes.path("asOf").isNull()).isTrue();
        assertProblem(get(Role.BOT, "/api/trading/signals?ticker=NOSUCH"), 404, null);
        assertProblem(get(Role.BOT, "/api/trading/signals"), 400, "ticker");
    }

    @Test
    void everyTradingVerbNeedsABotKeyAndIsInTheOpenApiDocument() throws Exception {
        RestVerbs restVerbs = context.getRegistry().lookupByNameAndType("restVerbs", RestVerbs.class);
        List<RestVerbs.Verb> verbs = restVerbs.verbs().stream().filter(verb -> verb.path().startsWith("/api/trading")).toList();

        assertThat(verbs).extracting(verb -> verb.method() + " " + verb.path()).containsExactlyInAnyOrder(
                "GET /api/trading/signals", "GET /api/trading/portfolio", "POST /api/trading/trades");
        for (RestVerbs.Verb verb : verbs) {
            assertThat(restVerbs.policy(verb.definition()).secured()).as(verb.id()).isTrue();
            assertThat(restVerbs.policy(verb.definition()).roles()).as(verb.id()).containsExactly(Role.BOT);
            assertThat(verb.consumes()).as(verb.id()).isEqualTo(verb.method().equals("POST") ? "application/json" : null);
        }
        JsonNode paths = get(Role.BOT, "/api/openapi.json").json().path("paths");
        assertThat(paths.path("/api/trading/trades").path("post").path("security").toString()).contains("bot");
        assertThat(paths.path("/api/trading/signals").path("get").path("parameters").toString()).contains("ticker");
    }

    // ---------------------------------------------------------------- helpers

    private Reply trade(String clientOrderId, String ticker, String side, String qty, String price, String fee)
            throws Exception {
        return post(Role.BOT, "/api/trading/trades", tradeBody(clientOrderId, ticker, side, qty, price, fee));
    }

    private static String tradeBody(String clientOrderId, String ticker, String side, String qty, String price,
                                    String fee) {
        return "{\"clientOrderId\":\"" + clientOrderId + "\",\"ticker\":\"" + ticker + "\",\"side\":\"" + side
                + "\",\"qty\":" + qty + ",\"price\":" + price + ",\"fee\":" + fee + "}";
    }

    private JsonNode portfolio() throws Exception {
        Reply reply = get(Role.BOT, "/api/trading/portfolio");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private static JsonNode position(JsonNode portfolio, String ticker) {
        for (JsonNode position : portfolio.path("positions")) {
            if (position.path("ticker").asText().equals(ticker)) {
                return position;
            }
        }
        throw new AssertionError("no position in " + ticker + ": " + portfolio);
    }

    private JsonNode signal(String ticker) throws Exception {
        Reply reply = get(Role.BOT, "/api/trading/signals?ticker=" + ticker);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private void registerModel(String name, String status) throws Exception {
        Reply reply = post(Role.ML, "/api/models",
                "{\"name\":\"" + name + "\",\"version\":\"1\",\"kind\":\"test\",\"status\":\"" + status + "\"}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    }

    private static String prediction(String model, String ticker, String ts, String values) {
        return "{\"model\":\"" + model + "\",\"version\":\"1\",\"ticker\":\"" + ticker + "\",\"timeframe\":\"1d\",\"ts\":\""
                + ts + "\",\"horizon\":1," + values + "}";
    }

    /** One bar written by SQL in a transaction of its own that announces it, as every writer does. */
    private void insertBar(String ticker, String timeframe, String ts, double close) throws Exception {
        try (Connection connection = dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume) values ('"
                    + ticker + "', '" + timeframe + "', '" + ts + "', " + close + ", " + close + ", " + close + ", "
                    + close + ", 100)");
            announce(connection, ticker, timeframe);
            connection.commit();
        }
    }

    /** An exact amount: compared as decimals, so 98774.5 and 98774.500000 are the same. */
    private static void assertAmount(JsonNode node, String field, String expected) {
        assertThat(node.path(field).isNumber()).as(field + " in " + node).isTrue();
        assertThat(new BigDecimal(node.path(field).asText())).as(field + " in " + node)
                .isEqualByComparingTo(new BigDecimal(expected));
    }

    private static void assertProblem(Reply reply, int status, String parameter) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
        assertThat(reply.json().path("status").asInt()).isEqualTo(status);
        if (parameter != null) {
            assertThat(reply.json().path("parameter").asText()).as(reply.body()).isEqualTo(parameter);
        }
    }
}
