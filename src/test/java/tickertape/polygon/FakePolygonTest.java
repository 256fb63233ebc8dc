package tickertape.polygon;

import static org.assertj.core.api.Assertions.assertThat;
import tickertape.market.ExchangeCalendar;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tickertape.polygon.FakePolygon.Fault;
import tickertape.polygon.FakePolygon.RecordedRequest;
import tickertape.sandbox.SandboxPolygonServer;

class FakePolygonTest {

    /** A fixed now after every window used here, so the tests never depend on the date they run. */
    private static final Clock AFTER_ALL_WINDOWS = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
    private static final String KEY = "fake-polygon-test-key-7f3a";
    private static final String AGGS = "/v2/aggs/ticker/";
    /** 100 of UVXY's minute bars of a day, with a next_url: the page every fault test asks for. */
    private static final String PAGE = AGGS + "UVXY/range/1/minute/2024-03-11/2024-03-11?limit=100";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static FakePolygon fake;
    private static SandboxPolygonServer sandbox;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        fake = new FakePolygon(KEY, AFTER_ALL_WINDOWS);
        sandbox = new SandboxPolygonServer(AFTER_ALL_WINDOWS, new ExchangeCalendar(), false).start();
    }

    @AfterAll
    static void stop() {
        fake.close();
        sandbox.close();
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    // ---------------------------------------------------------------- pages

    @ParameterizedTest
    @ValueSource(strings = {
        PAGE,
        AGGS + "SPY/range/1/day/2024-01-01/2024-12-31?limit=50000",
        AGGS + "QQQ/range/5/minute/2024-03-11/2024-03-12?limit=500&sort=desc",
        AGGS + "SPY/range/1/minute/2024-03-09/2024-03-10",
        AGGS + "SPY/range/1/minute/2024-03-12/2024-03-11",
        AGGS + "UVXY/range/1/day/2024-03-25/2024-04-05?adjusted=false",
        "/v3/reference/splits?ticker=UVXY&limit=3&order=asc",
        "/v3/reference/tickers"})
    void answersWhatTheSandboxAnswersButForTheNextUrlHost(String request) {
        Reply expected = sandboxReply(request);
        Reply served = get(request);

        assertThat(served.status()).isEqualTo(expected.status());
        assertThat(served.contentType()).contains("application/json");
        assertThat(served.body()).isEqualTo(expected.body().replace(sandbox.baseUrl(), fake.baseUrl()));
        if (served.status() == 200 && served.json().has("next_url")) {
            assertThat(served.json().get("next_url").asText()).startsWith(fake.baseUrl() + "/v");
        }
        assertThat(served.body()).doesNotContain(sandbox.baseUrl());
    }

    @Test
    void aSplitAnnouncedOnTheFakeIsListedAtOnceAndAdjustsAnswersOnceItsClockReachesIt() {
        SettableClock clock = new SettableClock(Instant.parse("2025-06-07T12:00:00Z"));
        try (FakePolygon dated = new FakePolygon(KEY, clock)) {
            String week = dated.baseUrl() + AGGS + "SPY/range/1/day/2025-06-02/2025-06-06?limit=50000";
            List<JsonNode> raw = results(getOn(week + "&adjusted=false").json());
            dated.split("SPY", LocalDate.of(2025, 6, 10), 1, 2);

            JsonNode listed = getOn(dated.baseUrl() + "/v3/reference/splits?ticker=SPY").json().get("results");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("execution_date").asText()).isEqualTo("2025-06-10");
            assertThat(results(getOn(week).json())).as("not executed yet").isEqualTo(raw);

            clock.set(Instant.parse("2025-06-14T12:00:00Z"));
            assertThat(results(getOn(week + "&adjusted=false").json())).as("raw history unchanged").isEqualTo(raw);
            List<JsonNode> adjusted = results(getOn(week).json());
            assertThat(adjusted).hasSameSizeAs(raw).hasSize(5);
            for (int i = 0; i < raw.size(); i++) {
                for (String price : List.of("o", "h", "l", "c", "vw")) {
                    assertThat(adjusted.get(i).get(price).asDouble()).isEqualTo(raw.get(i).get(price).asDouble() * 0.5);
                }
                assertThat(adjusted.get(i).get("v").asDouble()).isEqualTo(raw.get(i).get("v").asDouble() / 0.5);
                assertThat(adjusted.get(i).get("n").asLong()).isEqualTo(raw.get(i).get("n").asLong());
            }
        }
    }

    @Test
    void nextUrlIsFollowedThroughTheFakeAndCarriesNoKey() {
        String window = AGGS + "SPY/range/1/minute/2024-03-04/2024-03-08";
        List<JsonNode> bars = new ArrayList<>();
        Reply page = get(window + "?limit=500");
        int pages = 1;
        page.json().get("results").forEach(bars::add);
        while (page.json().has("next_url")) {
            String next = page.json().get("next_url").asText();
            assertThat(next).startsWith(fake.baseUrl()).contains("cursor=").doesNotContain("apiKey").doesNotContain(KEY);
            page = send(HttpRequest.newBuilder(URI.create(next)).header("Authorization", "Bearer " + KEY));
            assertThat(page.status()).isEqualTo(200);
            page.json().get("results").forEach(bars::add);
            pages++;
        }

        List<JsonNode> whole = new ArrayList<>();
        get(window + "?limit=50000").json().get("results").forEach(whole::add);
        assertThat(pages).as("pages of 500 of the week's %d minutes", whole.size()).isEqualTo((whole.size() + 499) / 500);
        assertThat(bars).isEqualTo(whole);
        assertThat(fake.requests()).hasSize(pages + 1)
                .allSatisfy(request -> {
                    assertThat(request.servedAs()).isEqualTo(FakePolygon.PAGE);
                    assertThat(request.pathAndQuery()).startsWith(window).doesNotContain("apiKey");
                });
    }

    // ---------------------------------------------------------------- auth

    static Stream<Arguments> wrongCredentials() {
        return Stream.of(
                Arguments.of("no header", Optional.empty(), ""),
                Arguments.of("wrong key", Optional.of("Bearer not-" + KEY), ""),
                Arguments.of("empty bearer", Optional.of("Bearer "), ""),
                Arguments.of("key with a suffix", Optional.of("Bearer " + KEY + "x"), ""),
                Arguments.of("basic", Optional.of("Basic " + KEY), ""),
                Arguments.of("apiKey parameter only", Optional.empty(), "&apiKey=" + KEY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongCredentials")
    void anythingButTheExpectedBearerKeyIsUnauthorized(String name, Optional<String> authorization, String query) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fake.baseUrl() + PAGE + query));
        authorization.ifPresent(value -> request.header("Authorization", value));
        Reply reply = send(request);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().get("status").asText()).isEqualTo("NOT_AUTHORIZED");
        assertThat(reply.json().get("request_id").asText()).matches("[0-9a-f]{32}");
        assertThat(reply.json().get("message").asText()).isNotBlank();
        assertThat(reply.body()).doesNotContain(KEY);
        assertThat(fake.requests()).singleElement()
                .extracting(RecordedRequest::servedAs).isEqualTo(FakePolygon.REJECTED_KEY);
    }

    @Test
    void aRejectedRequestConsumesNoFault() {
        fake.failNext(1, Fault.INTERNAL_SERVER_ERROR);

        assertThat(send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + PAGE))).status()).isEqualTo(401);
        assertThat(get(PAGE).status()).isEqualTo(500);
        assertThat(get(PAGE).status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- faults

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of(Fault.TOO_MANY_REQUESTS, 1, check(outcome -> {
                    assertError(outcome, 429, "ERROR");
                    assertThat(outcome.json().get("error").asText()).contains("exceeded the maximum requests per minute");
                    assertThat(outcome.reply().headers().firstValue("Retry-After")).isEmpty();
                })),
                Arguments.of(Fault.tooManyRequests(2), 3, check(outcome -> {
                    assertError(outcome, 429, "ERROR");
                    assertThat(outcome.reply().headers().firstValue("Retry-After")).contains("2");
                })),
                Arguments.of(Fault.INTERNAL_SERVER_ERROR, 2, check(outcome -> assertError(outcome, 500, "ERROR"))),
                Arguments.of(Fault.BAD_GATEWAY, 1, check(outcome -> assertHtml(outcome, 502))),
                Arguments.of(Fault.SERVICE_UNAVAILABLE, 2, check(outcome -> assertHtml(outcome, 503))),
                Arguments.of(Fault.BAD_REQUEST, 1, check(outcome -> {
                    assertError(outcome, 400, "ERROR");
                    assertThat(outcome.json().get("error").asText()).isNotBlank();
                })),
                Arguments.of(Fault.UNAUTHORIZED, 1, check(outcome -> {
                    assertError(outcome, 401, "NOT_AUTHORIZED");
                    assertThat(outcome.json().get("message").asText()).isNotBlank();
                })),
                Arguments.of(Fault.NOT_ENTITLED, 2, check(outcome -> {
                    assertError(outcome, 403, "NOT_AUTHORIZED");
                    assertThat(outcome.json().get("message").asText()).startsWith("You are not entitled to this data");
                })),
                Arguments.of(Fault.CONNECTION_RESET, 2, check(outcome ->
                        assertThat(outcome.error()).isInstanceOf(IOException.class))),
                Arguments.of(Fault.TRUNCATED_BODY, 2, check(outcome -> {
                    assertThat(outcome.reply().status()).isEqualTo(200);
                    assertThat(outcome.reply().contentType()).contains("application/json");
                    String normal = outcome.normal().body();
                    assertThat(outcome.reply().body()).isEqualTo(normal.substring(0, normal.length() / 2));
                    assertThat(parses(outcome.reply().body())).isFalse();
                })),
                Arguments.of(Fault.HTML_BODY, 1, check(outcome -> {
                    assertThat(outcome.reply().status()).isEqualTo(200);
                    assertThat(outcome.reply().contentType()).startsWith("text/html");
                    assertThat(outcome.reply().body()).startsWith("<html>");
                    assertThat(parses(outcome.reply().body())).isFalse();
                })),
                Arguments.of(Fault.DELAYED_STATUS, 2, check(outcome -> {
                    assertThat(outcome.reply().status()).isEqualTo(200);
                    assertThat(outcome.json().get("status").asText()).isEqualTo("DELAYED");
                    assertThat(outcome.json().get("results")).isEqualTo(outcome.normal().json().get("results"));
                    assertThat(outcome.json().get("next_url")).isEqualTo(outcome.normal().json().get("next_url"));
                })),
                Arguments.of(Fault.EMPTY_WINDOW, 1, check(outcome -> {
                    JsonNode json = outcome.json();
                    assertThat(outcome.reply().status()).isEqualTo(200);
                    assertThat(json.has("results")).isFalse();
                    assertThat(json.has("next_url")).isFalse();
                    assertThat(json.get("resultsCount").asInt()).isZero();
                    assertThat(json.get("count").asInt()).isZero();
                    assertThat(json.get("status").asText()).isEqualTo("OK");
                    assertThat(json.get("ticker").asText()).isEqualTo("UVXY");
                })),
                Arguments.of(Fault.DUPLICATED_AND_SHUFFLED, 2, check(outcome -> {
                    List<JsonNode> served = results(outcome.json());
                    List<JsonNode> normal = results(outcome.normal().json());
                    assertThat(served).hasSize(normal.size() * 3 / 2).isNotEqualTo(normal);
                    assertThat(new HashSet<>(served)).isEqualTo(new HashSet<>(normal));
                    assertThat(outcome.json().get("resultsCount").asInt()).isEqualTo(served.size());
                    assertThat(outcome.json().get("next_url")).isEqualTo(outcome.normal().json().get("next_url"));
                })),
                Arguments.of(Fault.FRACTIONAL_VOLUME_AND_MISSING_VW_N, 1, check(outcome -> {
                    List<JsonNode> served = results(outcome.json());
                    List<JsonNode> normal = results(outcome.normal().json());
                    assertThat(served).hasSameSizeAs(normal).allSatisfy(bar ->
                            assertThat(bar.get("v").asDouble() % 1).isNotZero());
                    for (String field : List.of("t", "o", "h", "l", "c")) {
                        assertThat(served).extracting(bar -> bar.get(field)).isEqualTo(
                                normal.stream().map(bar -> bar.get(field)).toList());
                    }
                    assertThat(served).anySatisfy(bar -> assertThat(bar.has("vw") || bar.has("n")).isFalse())
                            .anySatisfy(bar -> assertThat(bar.has("vw") && !bar.has("n")).isTrue())
                            .anySatisfy(bar -> assertThat(!bar.has("vw") && bar.has("n")).isTrue())
                            .anySatisfy(bar -> assertThat(bar.has("vw") && bar.has("n")).isTrue());
                })));
    }

    @ParameterizedTest(name = "{0} x{1}")
    @MethodSource("faults")
    void aFaultAppliesToExactlyTheNextRequestsThenNormalServiceResumes(Fault fault, int count, Consumer<Outcome> check) {
        Reply normal = servedNormally(PAGE);
        fake.failNext(count, fault);

        for (int i = 0; i < count; i++) {
            // Java's HttpClient silently retries a GET once when the connection dies before any byte of
            // a response, so one call would use up two resets: those go over a bare socket instead.
            check.accept(fault == Fault.CONNECTION_RESET ? attemptOnBareSocket(PAGE, normal) : attempt(PAGE, normal, Optional.empty()));
        }
        Reply after = get(PAGE);

        assertThat(after.status()).isEqualTo(200);
        assertThat(after.body()).isEqualTo(normal.body());
        assertThat(fake.pendingFaults()).isZero();
        List<String> servedAs = new ArrayList<>(Collections.nCopies(count, fault.name()));
        servedAs.add(FakePolygon.PAGE);
        assertThat(fake.requests()).extracting(RecordedRequest::servedAs).isEqualTo(servedAs);
    }

    @Test
    void aDelayLongerThanTheClientTimeoutTimesOutThenPagesComeAtOnce() {
        fake.failNext(1, Fault.responseDelay(Duration.ofMillis(400)));
        Reply normal = servedNormally(PAGE);

        Outcome timedOut = attempt(PAGE, normal, Optional.of(Duration.ofMillis(50)));
        Outcome next = attempt(PAGE, normal, Optional.of(Duration.ofMillis(2_000)));

        assertThat(timedOut.error()).isInstanceOf(HttpTimeoutException.class);
        assertThat(next.reply().status()).isEqualTo(200);
        assertThat(fake.requests()).extracting(RecordedRequest::servedAs)
                .containsExactly("RESPONSE_DELAY_400MS", FakePolygon.PAGE);
    }

    @Test
    void aDelayedResponseIsTheNormalPageAfterTheDelay() {
        fake.failNext(1, Fault.responseDelay(Duration.ofMillis(60)));
        long start = System.nanoTime();
        Reply delayed = get(PAGE);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(60));
        assertThat(delayed.body()).isEqualTo(get(PAGE).body());
    }

    @Test
    void faultsAreTakenInTheOrderTheyWereAdded() {
        fake.failNext(1, Fault.SERVICE_UNAVAILABLE);
        fake.failNext(2, Fault.tooManyRequests(0));

        assertThat(IntStream.range(0, 4).map(i -> get(PAGE).status())).containsExactly(503, 429, 429, 200);
        assertThat(fake.requests().get(1).servedAs()).isEqualTo("TOO_MANY_REQUESTS_RETRY_AFTER_0");
    }

    @Test
    void aUrlFaultAppliesOnlyToMatchingRequests() {
        String spy = AGGS + "SPY/range/1/day/2024-03-04/2024-03-08";
        String qqq = AGGS + "QQQ/range/1/day/2024-03-04/2024-03-08";
        fake.failMatching("/ticker/QQQ/", 2, Fault.NOT_ENTITLED);

        assertThat(Stream.of(spy, qqq, spy, qqq, qqq).map(request -> get(request).status()))
                .containsExactly(200, 403, 200, 403, 200);
    }

    @Test
    void aUrlFaultCanHitFollowUpPagesOnly() {
        fake.failMatching("cursor=", 1, Fault.CONNECTION_RESET);
        Reply first = get(PAGE);
        String next = first.json().get("next_url").asText();

        Outcome reset = attemptOnBareSocket(next.substring(fake.baseUrl().length()), first);
        Reply retried = send(HttpRequest.newBuilder(URI.create(next)).header("Authorization", "Bearer " + KEY));

        assertThat(first.status()).isEqualTo(200);
        assertThat(reset.error()).isInstanceOf(IOException.class);
        assertThat(retried.status()).isEqualTo(200);
    }

    @Test
    void anEarlierGeneralFaultIsTakenBeforeALaterUrlFault() {
        String qqq = AGGS + "QQQ/range/1/day/2024-03-04/2024-03-08";
        fake.failNext(1, Fault.INTERNAL_SERVER_ERROR);
        fake.failMatching("/ticker/QQQ/", 1, Fault.NOT_ENTITLED);

        assertThat(Stream.of(qqq, qqq, qqq).map(request -> get(request).status())).containsExactly(500, 403, 200);
    }

    @Test
    void respondNextWithServesTheGivenBodyOnce() {
        String body = "{\"ticker\":\"SPY\",\"queryCount\":2,\"resultsCount\":2,\"adjusted\":true,\"results\":["
                + "{\"v\":10.5,\"o\":1.0,\"c\":1.1,\"h\":1.2,\"l\":0.9,\"t\":1710163800000},"
                + "{\"v\":10.5,\"o\":1.0,\"c\":1.1,\"h\":1.2,\"l\":0.9,\"t\":1710163800000}],"
                + "\"status\":\"OK\",\"request_id\":\"x\",\"count\":2}";
        fake.respondNextWith(body);

        Reply custom = get(PAGE);
        Reply normal = get(PAGE);

        assertThat(custom.status()).isEqualTo(200);
        assertThat(custom.contentType()).contains("application/json");
        assertThat(custom.body()).isEqualTo(body);
        assertThat(normal.body()).isNotEqualTo(body);
    }

    @Test
    void pendingFaultsCountRemainingUsesAndClearFaultsDropsThem() {
        fake.failNext(3, Fault.INTERNAL_SERVER_ERROR);
        fake.failMatching("/ticker/QQQ/", 2, Fault.NOT_ENTITLED);
        get(PAGE);

        assertThat(fake.pendingFaults()).isEqualTo(4);
        fake.clearFaults();
        assertThat(fake.pendingFaults()).isZero();
        assertThat(get(PAGE).status()).isEqualTo(200);
    }

    @Test
    void aCountBelowOneIsRefused() {
        assertThatThrownBy(() -> fake.failNext(0, Fault.INTERNAL_SERVER_ERROR))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- record

    @Test
    void recordsEveryRequestOnArrivalInOrder() {
        Instant before = Instant.now();
        fake.failNext(1, Fault.BAD_GATEWAY);
        get(PAGE);
        send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + PAGE)));
        get(PAGE + "&sort=desc");

        List<RecordedRequest> requests = fake.requests();
        assertThat(requests).extracting(RecordedRequest::sequence).containsExactly(1, 2, 3);
        assertThat(requests).extracting(RecordedRequest::method).containsOnly("GET");
        assertThat(requests).extracting(RecordedRequest::pathAndQuery).containsExactly(PAGE, PAGE, PAGE + "&sort=desc");
        assertThat(requests).extracting(RecordedRequest::servedAs)
                .containsExactly("BAD_GATEWAY", FakePolygon.REJECTED_KEY, FakePolygon.PAGE);
        assertThat(requests).extracting(RecordedRequest::arrivedAt).isSorted()
                .allSatisfy(at -> assertThat(at).isBetween(before.minusMillis(50), Instant.now().plusMillis(50)));
        assertThat(requests.get(0).header("AUTHORIZATION")).contains("Bearer " + KEY);
        assertThat(requests.get(1).header("authorization")).isEmpty();
        assertThat(fake.requestCount()).isEqualTo(3);
        assertThat(fake.wireMock().getAllServeEvents()).hasSize(3);
        assertThat(fake.headersSeen().get("authorization")).containsExactly("Bearer " + KEY);
        assertThat(fake.headersSeen()).containsKey("host");

        fake.clearRequests();
        assertThat(fake.requestCount()).isZero();
        assertThat(fake.wireMock().getAllServeEvents()).isEmpty();
    }

    @Test
    void wireMocksJournalKeepsNoWholePages() {
        Reply page = get(AGGS + "QQQ/range/1/minute/2024-01-01/2024-12-31?limit=50000");
        ServeEvent event = fake.wireMock().getAllServeEvents().get(0);

        assertThat(page.body().length()).isGreaterThan(1_000_000);
        assertThat(event.getResponseDefinition().getByteBody()).isNullOrEmpty();
        assertThat(event.getResponse().getBody().length).isLessThanOrEqualTo(16 * 1024);
    }

    @Test
    void countsRequestsInTheBusiestWindow() {
        fake.failNext(1, Fault.tooManyRequests(1));
        for (int i = 0; i < 4; i++) {
            get(AGGS + "SPY/range/1/day/2024-03-04/2024-03-08");
        }

        assertThat(fake.maxRequestsInAnyWindow(Duration.ofHours(1))).isEqualTo(4);
        assertThat(fake.maxRequestsInAnyWindow(Duration.ofNanos(1))).isEqualTo(1);
    }

    // ---------------------------------------------------------------- the window function

    @Test
    void windowOfNothingIsEmptyAndOfOneIsOne() {
        assertThat(FakePolygon.maxInAnyWindow(List.of(), Duration.ofMinutes(1))).isZero();
        assertThat(FakePolygon.maxInAnyWindow(List.of(at(5)), Duration.ofMinutes(1))).isEqualTo(1);
    }

    @Test
    void freePlanPacingKeepsFiveInEveryMinute() {
        List<Instant> everyThirteenSeconds = IntStream.range(0, 12).mapToObj(i -> at(13_000L * i)).toList();

        assertThat(FakePolygon.maxInAnyWindow(everyThirteenSeconds, Duration.ofSeconds(60))).isEqualTo(5);
        assertThat(FakePolygon.maxInAnyWindow(everyThirteenSeconds, Duration.ofSeconds(13))).isEqualTo(1);
        assertThat(FakePolygon.maxInAnyWindow(everyThirteenSeconds, Duration.ofMillis(13_001))).isEqualTo(2);
    }

    @Test
    void aWindowIsHalfOpenSoRequestsExactlyAWindowApartNeverShareOne() {
        List<Instant> burstThenOneMinuteLater = List.of(at(0), at(1_000), at(2_000), at(3_000), at(4_000), at(60_000));
        List<Instant> burstThenJustBefore = List.of(at(0), at(1_000), at(2_000), at(3_000), at(4_000), at(59_999));

        assertThat(FakePolygon.maxInAnyWindow(burstThenOneMinuteLater, Duration.ofSeconds(60))).isEqualTo(5);
        assertThat(FakePolygon.maxInAnyWindow(burstThenJustBefore, Duration.ofSeconds(60))).isEqualTo(6);
    }

    @Test
    void theWindowSlidesInsteadOfFollowingClockMinutes() {
        // 3 in the minute [0, 60) and 3 in [60, 120), but all 6 within 15 s.
        List<Instant> aroundAMinuteBoundary = List.of(at(50_000), at(55_000), at(58_000), at(61_000), at(62_000), at(65_000));

        assertThat(FakePolygon.maxInAnyWindow(aroundAMinuteBoundary, Duration.ofSeconds(60))).isEqualTo(6);
        assertThat(FakePolygon.maxInAnyWindow(aroundAMinuteBoundary, Duration.ofSeconds(10))).isEqualTo(4);
    }

    @Test
    void windowCountIgnoresInputOrderAndCountsSimultaneousArrivals() {
        List<Instant> arrivals = new ArrayList<>(List.of(at(0), at(0), at(0), at(30_000), at(70_000), at(70_000), at(75_000)));
        Collections.shuffle(arrivals, new java.util.Random(7));

        assertThat(FakePolygon.maxInAnyWindow(arrivals, Duration.ofSeconds(60))).isEqualTo(4);
        assertThat(FakePolygon.maxInAnyWindow(arrivals, Duration.ofNanos(1))).isEqualTo(3);
    }

    @Test
    void aWindowMustBePositive() {
        assertThatThrownBy(() -> FakePolygon.maxInAnyWindow(List.of(at(0)), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- page edits

    @Test
    void anUntouchedPageIsWrittenBackByteForByte() {
        byte[] page = sandboxReply(AGGS + "SPY/range/1/day/2024-01-01/2024-12-31?limit=50000").body()
                .getBytes(StandardCharsets.UTF_8);

        assertThat(new String(page, StandardCharsets.UTF_8)).contains(".0,");
        assertThat(PageEdits.rewrite(page, json -> { })).isEqualTo(page);
    }

    // ---------------------------------------------------------------- helpers

    record Reply(int status, HttpHeaders headers, String body) {

        String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /** One attempt at a faulty request: the reply or the client's exception, and the normal page to compare. */
    record Outcome(Reply reply, IOException error, Reply normal) {

        JsonNode json() {
            assertThat(error).as("client error").isNull();
            return reply.json();
        }
    }

    private static Consumer<Outcome> check(Consumer<Outcome> check) {
        return check;
    }

    private static void assertError(Outcome outcome, int status, String polygonStatus) {
        assertThat(outcome.error()).isNull();
        assertThat(outcome.reply().status()).isEqualTo(status);
        assertThat(outcome.reply().contentType()).contains("application/json");
        assertThat(outcome.json().get("status").asText()).isEqualTo(polygonStatus);
        assertThat(outcome.json().get("request_id").asText()).matches("[0-9a-f]{32}");
    }

    private static void assertHtml(Outcome outcome, int status) {
        assertThat(outcome.error()).isNull();
        assertThat(outcome.reply().status()).isEqualTo(status);
        assertThat(outcome.reply().contentType()).startsWith("text/html");
        assertThat(outcome.reply().body()).startsWith("<html>");
    }

    private static boolean parses(String body) {
        try {
            MAPPER.readTree(body);
            return true;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private static List<JsonNode> results(JsonNode page) {
        List<JsonNode> bars = new ArrayList<>();
        page.get("results").forEach(bars::add);
        return bars;
    }

    private static Instant at(long millis) {
        return Instant.parse("2024-03-11T14:30:00Z").plusMillis(millis);
    }

    /** GET on the fake with the expected key. */
    private Reply get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + pathAndQuery)).header("Authorization", "Bearer " + KEY));
    }

    /** GET of a whole URL with the expected key. */
    private Reply getOn(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + KEY));
    }

    /** The sandbox's own answer, for comparison. */
    private Reply sandboxReply(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + pathAndQuery)).header("Authorization", "Bearer " + KEY));
    }

    /** The sandbox's answer as the fake serves it normally: next_url on the fake. */
    private Reply servedNormally(String pathAndQuery) {
        Reply reply = sandboxReply(pathAndQuery);
        return new Reply(reply.status(), reply.headers(), reply.body().replace(sandbox.baseUrl(), fake.baseUrl()));
    }

    private Outcome attempt(String pathAndQuery, Reply normal, Optional<Duration> timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fake.baseUrl() + pathAndQuery))
                .header("Authorization", "Bearer " + KEY);
        timeout.ifPresent(request::timeout);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Outcome(new Reply(response.statusCode(), response.headers(), response.body()), null, normal);
        } catch (IOException e) {
            return new Outcome(null, e, normal);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A GET written by hand on a plain socket, for faults that kill the connection: the error the
     * connection ended with, or a reply (status line and the rest as body) if one came.
     */
    private Outcome attemptOnBareSocket(String pathAndQuery, Reply normal) {
        URI base = URI.create(fake.baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(5_000);
            String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nAuthorization: Bearer " + KEY + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] response = socket.getInputStream().readAllBytes();
            if (response.length == 0) {
                return new Outcome(null, new EOFException("connection closed without a response"), normal);
            }
            String text = new String(response, StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            return new Outcome(new Reply(status, HttpHeaders.of(java.util.Map.of(), (a, b) -> true), text), null, normal);
        } catch (IOException e) {
            return new Outcome(null, e, normal);
        }
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
