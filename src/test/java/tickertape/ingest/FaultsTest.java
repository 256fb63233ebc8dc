package tickertape.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;
import tickertape.polygon.FakePolygon.Fault;
import tickertape.polygon.FakePolygon.RecordedRequest;

/** Polygon failing in every way docs/POLYGON.md lists, through the shared polygon-request route. */
class FaultsTest extends IngestionTestSupport {
    private static final LocalDate MONDAY = LocalDate.of(2024, 3, 4);
    /** Two days of a liquid ticker: two pages. */
    private static final Instant FROM = midnight(MONDAY);
    private static final Instant TO = midnight(MONDAY.plusDays(2)).minusMillis(1);
    private static final Duration CLIENT_TIMEOUT = Duration.ofMillis(3000);

    @Override
    protected Properties moreProperties() {
        Properties properties = new Properties();
        properties.put("camel.component.http.so-timeout", String.valueOf(CLIENT_TIMEOUT.toMillis()));
        properties.put("camel.component.http.response-timeout", String.valueOf(CLIENT_TIMEOUT.toMillis()));
        return properties;
    }

    static Stream<Arguments> transientFaults() {
        return Stream.of(
                Arguments.of("TMRA", Fault.TOO_MANY_REQUESTS, 2),
                Arguments.of("TMRB", Fault.tooManyRequests(0), 2),
                Arguments.of("ISEA", Fault.INTERNAL_SERVER_ERROR, 2),
                Arguments.of("BGWA", Fault.BAD_GATEWAY, 2),
                Arguments.of("SUNA", Fault.SERVICE_UNAVAILABLE, 2),
                Arguments.of("TOUT", Fault.responseDelay(CLIENT_TIMEOUT.multipliedBy(2)), 1),
                Arguments.of("RSET", Fault.CONNECTION_RESET, 2),
                Arguments.of("TRNC", Fault.TRUNCATED_BODY, 2),
                Arguments.of("HTML", Fault.HTML_BODY, 2));
    }

    @ParameterizedTest(name = "{1} x{2} on a follow-up page")
    @MethodSource("transientFaults")
    void aTransientFailureIsRetriedAndTheRunGetsEveryBar(String symbol, Fault fault, int times) throws Exception {
        addTicker(symbol);
        int since = fake.requestCount();
        fake.failMatching("/ticker/" + symbol + "/.*cursor=", times, fault);

        Run run = ingest(symbol, Timeframe.M1, FROM, TO);

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertStoredExactly(symbol, Timeframe.M1, FROM, TO, sourceMinutes(symbol, MONDAY, MONDAY.plusDays(1)));
        assertThat(run.retries()).as(run.toString()).isEqualTo(times);
        List<RecordedRequest> requests = requestsFor(symbol, since);
        assertThat(requests).extracting(RecordedRequest::servedAs)
                .as("first page, the failed attempts, then the page again")
                .startsWith(FakePolygon.PAGE)
                .containsSubsequence(repeat(fault.name(), times, FakePolygon.PAGE));
        assertThat(run.apiCalls()).isEqualTo(requests.size());
        String failedUrl = requests.get(1).pathAndQuery();
        assertThat(requests.subList(1, times + 2)).extracting(RecordedRequest::pathAndQuery)
                .as("the retries ask for the same page").containsOnly(failedUrl);
        assertThat(queryLong("select count(*) from dead_letter where ticker = '" + symbol + "'")).isZero();
    }

    @Test
    void retryAfterIsWaitedFor() throws Exception {
        addTicker("RETA");
        int since = fake.requestCount();
        fake.failMatching("/ticker/RETA/", 1, Fault.tooManyRequests(1));

        Run run = ingest("RETA", Timeframe.M1, FROM, TO);

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        List<RecordedRequest> requests = requestsFor("RETA", since);
        assertThat(requests.get(0).servedAs()).isEqualTo("TOO_MANY_REQUESTS_RETRY_AFTER_1");
        assertThat(requests.get(1).pathAndQuery()).isEqualTo(requests.get(0).pathAndQuery());
        // A lower bound only: a slow machine can make the gap longer, never shorter.
        assertThat(Duration.between(requests.get(0).arrivedAt(), requests.get(1).arrivedAt()))
                .as("the retry of a 429 with Retry-After: 1 waits at least a second")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    static Stream<Arguments> rateLimitsOnTheFirstPage() {
        return Stream.of(Arguments.of("RLNH", Fault.TOO_MANY_REQUESTS, BUDGET_WINDOW),
                Arguments.of("RLRH", Fault.tooManyRequests(1), Duration.ofSeconds(1)));
    }

    /**
     * docs/POLYGON.md: honour Retry-After if present, otherwise wait for the window to free. Without the
     * header the retry waits a whole budget window from the 429, however little of the budget this app used.
     */
    @ParameterizedTest(name = "{1}")
    @MethodSource("rateLimitsOnTheFirstPage")
    void a429OnTheFirstPageWaitsForRetryAfterOrElseForTheBudgetWindow(String symbol, Fault fault, Duration wait)
            throws Exception {
        addTicker(symbol);
        int since = fake.requestCount();
        fake.failMatching("/ticker/" + symbol + "/", 1, fault);

        Run run = ingest(symbol, Timeframe.M1, FROM, TO);

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.retries()).isEqualTo(1);
        assertStoredExactly(symbol, Timeframe.M1, FROM, TO, sourceMinutes(symbol, MONDAY, MONDAY.plusDays(1)));
        List<RecordedRequest> requests = requestsFor(symbol, since);
        assertThat(requests.get(0).servedAs()).isEqualTo(fault.name());
        assertThat(requests.get(1).servedAs()).isEqualTo(FakePolygon.PAGE);
        assertThat(requests.get(1).pathAndQuery()).isEqualTo(requests.get(0).pathAndQuery());
        // A lower bound only: a slow machine can make the gap longer, never shorter.
        assertThat(Duration.between(requests.get(0).arrivedAt(), requests.get(1).arrivedAt()))
                .as("the retry of %s waits at least %s", fault, wait).isGreaterThanOrEqualTo(wait);
    }

    static Stream<Arguments> rateLimitsThatNeverClear() {
        return Stream.of(Arguments.of("RLXN", Fault.TOO_MANY_REQUESTS), Arguments.of("RLXZ", Fault.tooManyRequests(0)));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("rateLimitsThatNeverClear")
    void a429ThatNeverClearsIsParkedAs429AfterTheLastAttemptAndEndsTheRunFailed(String symbol, Fault fault)
            throws Exception {
        addTicker(symbol);
        int since = fake.requestCount();
        fake.failMatching("/ticker/" + symbol + "/.*cursor=", MAX_RETRIES + 1, fault);

        Run run = awaitRun(startWindow(symbol, Timeframe.M1, FROM, TO));

        assertThat(run.status()).as(run.toString()).isEqualTo("FAILED");
        assertThat(run.retries()).isEqualTo(MAX_RETRIES);
        assertThat(run.error()).contains("exceeded the maximum requests");
        assertThat(requestsFor(symbol, since)).extracting(RecordedRequest::servedAs)
                .as("the first page, then max-retries + 1 attempts at the second, then nothing")
                .containsExactlyElementsOf(expectedAttempts(fault));
        Map<String, Object> letter = onlyDeadLetterOf(symbol);
        assertThat(letter.get("http_status")).isEqualTo(429);
        assertThat(letter.get("attempts")).isEqualTo(MAX_RETRIES + 1);
        assertThat(letter.get("run_id")).isEqualTo(run.id());
    }

    /**
     * docs/DESIGN.md: the key never appears in a log line, a dead letter or an error body. After refusals,
     * rate limits, server errors, an exhausted request parked as a dead letter and its replay, the
     * key is in no captured log line and in no text of any column of any table.
     */
    @Test
    void theKeyIsInNoLogLineAndNoTableAfterFaultsADeadLetterAndItsReplay() throws Exception {
        for (String symbol : List.of("LKAU", "LKRL", "LKSE", "LKDL")) {
            addTicker(symbol);
        }
        fake.failMatching("/ticker/LKAU/", 1, Fault.UNAUTHORIZED);
        fake.failMatching("/ticker/LKRL/", 1, Fault.TOO_MANY_REQUESTS);
        fake.failMatching("/ticker/LKRL/.*cursor=", 1, Fault.tooManyRequests(0));
        fake.failMatching("/ticker/LKSE/", 1, Fault.INTERNAL_SERVER_ERROR);
        fake.failMatching("/ticker/LKSE/.*cursor=", 1, Fault.BAD_GATEWAY);
        fake.failMatching("/ticker/LKDL/.*cursor=", MAX_RETRIES + 1, Fault.SERVICE_UNAVAILABLE);
        Map<String, Long> runIds = new LinkedHashMap<>();
        for (String symbol : List.of("LKAU", "LKRL", "LKSE", "LKDL")) {
            runIds.put(symbol, startWindow(symbol, Timeframe.M1, FROM, TO));
        }
        Map<String, String> ended = new LinkedHashMap<>();
        for (Map.Entry<String, Long> entry : runIds.entrySet()) {
            ended.put(entry.getKey(), awaitRun(entry.getValue()).status());
        }
        assertThat(ended).containsExactly(entry("LKAU", "NOT_AUTHORIZED"), entry("LKRL", "SUCCEEDED"),
                entry("LKSE", "SUCCEEDED"), entry("LKDL", "FAILED"));
        long letter = (Long) onlyDeadLetterOf("LKDL").get("id");
        HttpResponse<String> replay = post("/api/v2/data/dead-letters/" + letter + "/replay", "");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
        Run replayed = awaitRun(json(replay).path("runIds").get(0).asLong());
        assertThat(replayed.status()).as(replayed.toString()).isEqualTo("SUCCEEDED");
        assertThat(LOGS.linesContaining("parked as dead letter")).as("the faults were logged")
                .anySatisfy(line -> assertThat(line).contains("LKAU"))
                .anySatisfy(line -> assertThat(line).contains("LKDL"));

        String key = fake.expectedKey();
        assertThat(LOGS.linesContaining(key)).as("log lines holding the key").isEmpty();
        assertThat(columnsContaining(fake.baseUrl())).as("the scan finds text that is there")
                .contains("dead_letter.request");
        assertThat(columnsContaining(key)).as("columns holding the key").isEmpty();
    }

    /** table.column of every column of the public schema whose text holds {@code text} in some row. */
    private List<String> columnsContaining(String text) throws Exception {
        List<String> columns = new ArrayList<>();
        try (Connection connection = dataSource().getConnection()) {
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("""
                         select c.table_name, c.column_name from information_schema.columns c
                         join information_schema.tables t on t.table_schema = c.table_schema
                                                         and t.table_name = c.table_name
                         where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
                         order by 1, 2""")) {
                while (rows.next()) {
                    columns.add(rows.getString(1) + "." + rows.getString(2));
                }
            }
            assertThat(columns).as("the schema's columns").contains("dead_letter.request", "ingestion_run.error",
                    "market_bar.source", "api_key.prefix");
            List<String> holding = new ArrayList<>();
            for (String column : columns) {
                String[] parts = column.split("\\.");
                String sql = "select count(*) from public.\"" + parts[0] + "\" where strpos(\"" + parts[1]
                        + "\"::text, ?) > 0";
                try (var statement = connection.prepareStatement(sql)) {
                    statement.setString(1, text);
                    try (ResultSet rows = statement.executeQuery()) {
                        rows.next();
                        if (rows.getLong(1) > 0) {
                            holding.add(column);
                        }
                    }
                }
            }
            return holding;
        }
    }

    @Test
    void badRequestIsParkedAtOnceWithoutTheKeyAndNotRetried() throws Exception {
        addTicker("BADR");
        int since = fake.requestCount();
        fake.failMatching("/ticker/BADR/.*cursor=", 1, Fault.BAD_REQUEST);

        startWindow("BADR", Timeframe.M1, FROM, TO);
        await(RUN_TIMEOUT, "the dead letter of BADR",
                () -> queryLong("select count(*) from dead_letter where ticker = 'BADR'") > 0);
        Thread.sleep(500); // a retry, if any, would come now

        List<RecordedRequest> requests = requestsFor("BADR", since);
        assertThat(requests).extracting(RecordedRequest::servedAs).containsExactly(FakePolygon.PAGE, "BAD_REQUEST");
        Map<String, Object> letter = onlyDeadLetterOf("BADR");
        assertThat(letter.get("http_status")).isEqualTo(400);
        assertThat(letter.get("attempts")).isEqualTo(1);
        assertThat((String) letter.get("error")).contains("Could not parse the time parameter");
        assertThat((String) letter.get("request")).isEqualTo("GET " + fake.baseUrl() + requests.get(1).pathAndQuery());
        assertThat(letter.values()).allSatisfy(value -> assertThat(String.valueOf(value))
                .doesNotContain(fake.expectedKey()).doesNotContainIgnoringCase("apikey"));
        // the first page was good and is kept: a full page, as the window holds more minutes than one
        assertThat(barCount("BADR", "1m")).isEqualTo(PAGE_LIMIT);
    }

    @Test
    void aParkedBadRequestEndsTheRunFailed() throws Exception {
        addTicker("BADF");
        fake.failMatching("/ticker/BADF/.*cursor=", 1, Fault.BAD_REQUEST);

        Run run = awaitRun(startWindow("BADF", Timeframe.M1, FROM, TO), Duration.ofSeconds(30));

        assertThat(run.status()).as(run.toString()).isEqualTo("FAILED");
        assertThat(run.error()).contains("Could not parse the time parameter");
        assertThat(run.retries()).isZero();
        assertThat(run.apiCalls()).isEqualTo(2);
        assertThat(onlyDeadLetterOf("BADF").get("run_id")).isEqualTo(run.id());
    }

    static Stream<Arguments> refusals() {
        return Stream.of(Arguments.of("UNAU", Fault.UNAUTHORIZED, 401, "Unknown API Key"),
                Arguments.of("NENT", Fault.NOT_ENTITLED, 403, "You are not entitled to this data"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("refusals")
    void aRefusedKeyIsAskedOnceOnly(String symbol, Fault fault, int status, String message) throws Exception {
        addTicker(symbol);
        int since = fake.requestCount();
        fake.failMatching("/ticker/" + symbol + "/", 1, fault);

        startWindow(symbol, Timeframe.M1, FROM, TO);
        await(RUN_TIMEOUT, "the refusal to be recorded",
                () -> queryLong("select count(*) from dead_letter where ticker = '" + symbol + "'") > 0);
        Thread.sleep(500); // a retry, if any, would come now

        assertThat(requestsFor(symbol, since)).as("no hammering").hasSize(1);
        assertThat(barCount(symbol, "1m")).isZero();
        Map<String, Object> letter = onlyDeadLetterOf(symbol);
        assertThat(letter.get("http_status")).isEqualTo(status);
        assertThat(letter.get("attempts")).isEqualTo(1);
        assertThat((String) letter.get("error")).contains(message);
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("refusals")
    void aRefusedKeyEndsTheRunNotAuthorizedAndShowsInStatus(String symbol, Fault fault, int status, String message)
            throws Exception {
        String series = symbol.substring(0, 3) + "S";
        addTicker(series);
        fake.failMatching("/ticker/" + series + "/", 1, fault);

        Run run = awaitRun(startWindow(series, Timeframe.M1, FROM, TO), Duration.ofSeconds(30));

        assertThat(run.status()).as(run.toString()).isEqualTo("NOT_AUTHORIZED");
        assertThat(run.error()).contains(message).contains(String.valueOf(status)).doesNotContain(fake.expectedKey());
        assertThat(run.apiCalls()).isEqualTo(1);
        HttpResponse<String> response = get("/api/v2/status");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode refusal = json(response).path("source").path("notAuthorized");
        assertThat(refusal.path("runId").asLong()).as(response.body()).isEqualTo(run.id());
        assertThat(refusal.path("ticker").asText()).isEqualTo(series);
        assertThat(refusal.path("message").asText()).contains(message);
        assertThat(response.body()).doesNotContain(fake.expectedKey());
    }

    @Test
    void exhaustedRetriesParkTheRequestWithItsAttempts() throws Exception {
        addTicker("EXHA");
        int since = fake.requestCount();
        fake.failMatching("/ticker/EXHA/.*cursor=", 20, Fault.SERVICE_UNAVAILABLE);

        long runId = startWindow("EXHA", Timeframe.M1, FROM, TO);
        await(RUN_TIMEOUT, "a dead letter, or the run's end", () -> queryLong(
                "select count(*) from dead_letter where ticker = 'EXHA'") > 0 || !run(runId).status().equals("RUNNING"));
        Thread.sleep(500); // a retry, if any, would come now

        assertThat(requestsFor("EXHA", since)).as("the first page, then max-retries + 1 attempts at the second")
                .hasSize(1 + MAX_RETRIES + 1);
        Map<String, Object> letter = onlyDeadLetterOf("EXHA");
        assertThat(letter.get("attempts")).isEqualTo(MAX_RETRIES + 1);
        assertThat(letter.get("http_status")).isEqualTo(503);
        assertThat(run(runId).retries()).isEqualTo(MAX_RETRIES);
        assertThat(letter.values()).allSatisfy(value -> assertThat(String.valueOf(value))
                .doesNotContain(fake.expectedKey()).doesNotContainIgnoringCase("apikey"));
    }

    @Test
    void aParkedRequestIsListedAndItsReplayStoresTheBarsAndMarksItReplayed() throws Exception {
        addTicker("REPL");
        int since = fake.requestCount();
        fake.failMatching("/ticker/REPL/.*cursor=", 1, Fault.BAD_REQUEST);
        startWindow("REPL", Timeframe.M1, FROM, TO);
        await(RUN_TIMEOUT, "the dead letter of REPL",
                () -> queryLong("select count(*) from dead_letter where ticker = 'REPL'") > 0);
        Map<String, Object> letter = onlyDeadLetterOf("REPL");
        List<RecordedRequest> requests = requestsFor("REPL", since);
        assertThat(letter.get("replayed_at")).isNull();

        HttpResponse<String> listed = get("/api/v2/data/dead-letters");
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain(fake.expectedKey());
        JsonNode listedLetter = null;
        for (JsonNode node : json(listed)) {
            if (node.path("id").asLong() == (Long) letter.get("id")) {
                listedLetter = node;
            }
        }
        assertThat(listedLetter).as(listed.body()).isNotNull();
        assertThat(listedLetter.path("httpStatus").asInt()).isEqualTo(400);
        assertThat(listedLetter.path("ticker").asText()).isEqualTo("REPL");

        // the fault has cleared (its one use is spent): replay
        HttpResponse<String> replay = post("/api/v2/data/dead-letters/" + letter.get("id") + "/replay", "");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
        long replayRun = json(replay).path("runIds").get(0).asLong();
        Run replayed = awaitRun(replayRun);

        assertThat(replayed.trigger()).isEqualTo("replay");
        assertThat(replayed.status()).as(replayed.toString()).isEqualTo("SUCCEEDED");
        assertStoredExactly("REPL", Timeframe.M1, FROM, TO, sourceMinutes("REPL", MONDAY, MONDAY.plusDays(1)));
        List<RecordedRequest> after = requestsFor("REPL", since);
        assertThat(after.get(requests.size()).pathAndQuery()).as("the replay starts at the parked page")
                .isEqualTo(requests.get(1).pathAndQuery());
        assertThat(after).hasSize(requests.size() + 1);
        Map<String, Object> marked = onlyDeadLetterOf("REPL");
        assertThat(marked.get("replayed_at")).isNotNull();
        assertThat(marked.get("replay_run_id")).isEqualTo(replayRun);

        HttpResponse<String> shown = get("/api/v2/data/ingest/" + replayRun);
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(json(shown).path("trigger").asText()).isEqualTo("replay");
        assertThat(json(shown).path("inserted").asInt()).isEqualTo(replayed.inserted())
                .as("the window's minutes but the first page's, stored before the request was parked")
                .isEqualTo(sourceMinutes("REPL", MONDAY, MONDAY.plusDays(1)).size() - PAGE_LIMIT);
    }

    @Test
    void theBudgetIsNeverExceededWithSeveralSeriesAndFaults() throws Exception {
        List<String> symbols = List.of("BUDA", "BUDB", "BUDC", "BUDD", "BUDE");
        int since = fake.requestCount();
        fake.failMatching("/ticker/BUDA/", 2, Fault.INTERNAL_SERVER_ERROR);
        fake.failMatching("/ticker/BUDB/.*cursor=", 1, Fault.TOO_MANY_REQUESTS);
        fake.failMatching("/ticker/BUDC/.*cursor=", 2, Fault.CONNECTION_RESET);
        fake.failMatching("/ticker/BUDD/", 1, Fault.tooManyRequests(0));
        fake.failMatching("/ticker/BUDE/.*cursor=", 1, Fault.HTML_BODY);
        List<Long> runIds = new ArrayList<>();
        for (String symbol : symbols) {
            addTicker(symbol);
            runIds.add(startWindow(symbol, Timeframe.M1, FROM, midnight(MONDAY.plusDays(4)).minusMillis(1)));
        }
        for (long runId : runIds) {
            Run run = awaitRun(runId);
            assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        }

        List<RecordedRequest> requests = fake.requests().subList(since, fake.requestCount());
        assertThat(requests.size()).as("enough requests to fill many windows").isGreaterThan(4 * REQUESTS_PER_WINDOW);
        // The fake sees a request a little after the budget admits it: measure slightly less than the window.
        Duration measured = BUDGET_WINDOW.multipliedBy(3).dividedBy(4);
        assertThat(FakePolygon.maxInAnyWindow(requests.stream().map(RecordedRequest::arrivedAt).toList(), measured))
                .as("requests in any %s", measured).isLessThanOrEqualTo(REQUESTS_PER_WINDOW);
        assertThat(fake.maxRequestsInAnyWindow(measured)).as("over the whole class").isLessThanOrEqualTo(REQUESTS_PER_WINDOW);
    }

    /** The first page, then max-retries + 1 attempts at the second that all get {@code fault}. */
    private static List<String> expectedAttempts(Fault fault) {
        List<String> served = new ArrayList<>(List.of(FakePolygon.PAGE));
        served.addAll(repeat(fault.name(), MAX_RETRIES, fault.name()));
        return served;
    }

    private static List<String> repeat(String name, int times, String then) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            names.add(name);
        }
        names.add(then);
        return names;
    }

    private Map<String, Object> onlyDeadLetterOf(String symbol) throws Exception {
        try (Connection connection = dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select * from dead_letter where ticker = '" + symbol + "'")) {
            assertThat(rows.next()).as("a dead letter for %s", symbol).isTrue();
            Map<String, Object> letter = new LinkedHashMap<>();
            ResultSetMetaData columns = rows.getMetaData();
            for (int i = 1; i <= columns.getColumnCount(); i++) {
                letter.put(columns.getColumnName(i), rows.getObject(i));
            }
            assertThat(rows.next()).as("only one dead letter for %s", symbol).isFalse();
            return letter;
        }
    }
}
