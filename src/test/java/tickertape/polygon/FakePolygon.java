package tickertape.polygon;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import tickertape.market.ExchangeCalendar;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import tickertape.sandbox.SandboxPolygonServer;

/**
 * A local fake Polygon for the ingestion tests: WireMock on {@code 127.0.0.1} (a dynamic port) in front
 * of a {@link SandboxPolygonServer}, which builds the pages, with faults injected on demand and every
 * request recorded. It asserts nothing itself.
 *
 * <ul>
 *   <li><b>Pages.</b> {@code GET /v2/aggs/ticker/{t}/range/{m}/{timespan}/{from}/{to}} answers exactly
 *       what the sandbox answers (same bytes, same status, its 400 and 404 included), except that
 *       {@code next_url} points at this fake, never at the sandbox; it never carries a key.</li>
 *   <li><b>Splits.</b> {@code GET /v3/reference/splits} the same way; {@link #split} announces one at
 *       run time. Aggregates are raw with {@code adjusted=false}, split-adjusted otherwise, for the
 *       splits executed by the clock's date (a {@link SettableClock} lets a test move it).</li>
 *   <li><b>Auth.</b> Only {@code Authorization: Bearer <expected key>} is accepted. Anything else,
 *       including an {@code apiKey=} query parameter alone, gets 401
 *       {@code {"status":"NOT_AUTHORIZED","request_id":…,"message":…}}. A rejected request is recorded
 *       but consumes no fault.</li>
 *   <li><b>Faults.</b> {@link #failNext(int, Fault)} and {@link #failMatching(String, int, Fault)} queue
 *       rules. Each authorized request takes the first rule, in the order they were added, that matches
 *       its path and query and has uses left, and uses it up by one; with no such rule it gets the normal
 *       page. So a fault applies to exactly the next N matching requests, then normal service resumes.</li>
 *   <li><b>Record.</b> Every request is recorded on arrival with a monotonic timestamp
 *       ({@link System#nanoTime()} based, so differences are exact to the nanosecond):
 *       {@link #requests()}, {@link #requestCount()}, {@link #headersSeen()},
 *       {@link #maxRequestsInAnyWindow(Duration)}. WireMock's own journal is there too via
 *       {@link #wireMock()}.</li>
 * </ul>
 *
 * <p>Thread-safe: the app may call it from several threads; rules and records are kept under one lock,
 * and the recorded order is the arrival order.
 */
public final class FakePolygon implements AutoCloseable {

    /** The key a fake built with {@link #FakePolygon()} expects. */
    public static final String DEFAULT_KEY = "fake-polygon-test-key";

    /** What {@link RecordedRequest#servedAs()} says of a request answered with the normal page. */
    public static final String PAGE = "PAGE";
    /** What {@link RecordedRequest#servedAs()} says of a request rejected for its missing or wrong key. */
    public static final String REJECTED_KEY = "REJECTED_KEY";

    private static final String JSON = "application/json";
    private static final String HTML = "text/html; charset=utf-8";
    private static final Duration SANDBOX_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOGGED_BODY_BYTES = 16 * 1024;
    /** Transformer parameter naming the {@link PageEdits#named(String) edit} of a page answer. */
    private static final String PAGE_EDIT = "fake-polygon-page-edit";

    private final String expectedKey;
    private final SandboxPolygonServer sandbox;
    private final HttpClient sandboxClient;
    private final WireMockServer wireMock;
    private final String baseUrl;
    private final long originNanos;
    private final Instant origin;

    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private final List<Rule> rules = new ArrayList<>();
    /** Guarded by {@link #lock}; in arrival order. */
    private final List<RecordedRequest> recorded = new ArrayList<>();

    /** A fake expecting {@link #DEFAULT_KEY}, serving every minute ended by the system clock's now. */
    public FakePolygon() {
        this(DEFAULT_KEY);
    }

    /** A fake expecting {@code expectedKey}, serving every minute ended by the system clock's now. */
    public FakePolygon(String expectedKey) {
        this(expectedKey, Clock.systemUTC());
    }

    /**
     * Starts the fake at once.
     *
     * @param expectedKey the only key accepted, as {@code Authorization: Bearer <expectedKey>}
     * @param clock the sandbox's now: only minutes ended by it are served (a fixed clock makes a test
     *     independent of the day it runs)
     */
    public FakePolygon(String expectedKey, Clock clock) {
        if (expectedKey == null || expectedKey.isBlank() || !expectedKey.equals(expectedKey.strip())) {
            throw new IllegalArgumentException("the expected key must be non-blank, without surrounding spaces");
        }
        this.expectedKey = expectedKey;
        this.originNanos = System.nanoTime();
        this.origin = Instant.now();
        this.sandboxClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(SANDBOX_TIMEOUT)
                .build();
        this.sandbox = new SandboxPolygonServer(clock, new ExchangeCalendar(), false).start();
        WireMockServer server = new WireMockServer(wireMockConfig()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                // plain HTTP/1.1 only: WireMock's connection faults do not apply to HTTP/2
                .http2PlainDisabled(true)
                .jettyStopTimeout(1_000L)
                // the journal keeps each response; pages run to megabytes, keep only their start
                .maxLoggedResponseSize(LOGGED_BODY_BYTES)
                .extensions(new Responder(), new PageFiller()));
        try {
            server.start();
            // One catch-all stub; the Responder decides every answer.
            server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        } catch (RuntimeException e) {
            server.stop();
            sandbox.stop();
            throw e;
        }
        this.wireMock = server;
        this.baseUrl = "http://127.0.0.1:" + server.port();
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash: the base URL to configure in the app. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The only key accepted. */
    public String expectedKey() {
        return expectedKey;
    }

    /** The WireMock server itself, for its journal or anything this class does not offer. */
    public WireMockServer wireMock() {
        return wireMock;
    }

    /**
     * Announces a split of {@code ticker} executing on {@code executionDate}, {@code splitFrom} old shares
     * becoming {@code splitTo} new ones (10, 1: a 1-for-10 reverse split): listed by the splits endpoint
     * at once, and changing aggregates only from that date on (raw prices jump by
     * {@code splitFrom/splitTo} from it; adjusted answers multiply earlier bars by it once the clock's
     * date has reached it). Announce it after the clock's date to keep the raw history already served.
     */
    public void split(String ticker, LocalDate executionDate, double splitFrom, double splitTo) {
        sandbox.announceSplit(ticker, executionDate, splitFrom, splitTo);
    }

    // ---------------------------------------------------------------- faults

    /** The next authorized request, whatever its URL, gets {@code fault}. */
    public void failNext(Fault fault) {
        failNext(1, fault);
    }

    /** The next {@code count} authorized requests, whatever their URL, get {@code fault}. */
    public void failNext(int count, Fault fault) {
        addRule(null, count, fault);
    }

    /**
     * The next {@code count} authorized requests whose raw path and query (as sent, e.g.
     * {@code /v2/aggs/ticker/QQQ/range/1/minute/2024-03-11/2024-03-15?limit=50000}) contain a match of
     * {@code urlRegex} get {@code fault}; others pass by. For example {@code "/ticker/QQQ/"} for one
     * ticker, {@code "/range/1/day/"} for the daily series, {@code "cursor="} for follow-up pages only.
     * Use {@link Integer#MAX_VALUE} for "always".
     */
    public void failMatching(String urlRegex, int count, Fault fault) {
        addRule(Pattern.compile(urlRegex), count, fault);
    }

    /** The next authorized request gets 200 with exactly {@code jsonBody} (e.g. a hand-made page). */
    public void respondNextWith(String jsonBody) {
        failNext(1, Fault.json(200, jsonBody));
    }

    /** Uses of queued faults not yet consumed (0 once every fault has been served). */
    public int pendingFaults() {
        synchronized (lock) {
            long pending = rules.stream().mapToLong(rule -> rule.remaining).sum();
            return (int) Math.min(Integer.MAX_VALUE, pending);
        }
    }

    /** Drops every queued fault: from now on every authorized request gets its normal page. */
    public void clearFaults() {
        synchronized (lock) {
            rules.clear();
        }
    }

    private void addRule(Pattern url, int count, Fault fault) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        if (fault == null) {
            throw new IllegalArgumentException("fault must not be null");
        }
        synchronized (lock) {
            rules.add(new Rule(url, count, fault));
        }
    }

    // ---------------------------------------------------------------- record

    /** Every request received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (lock) {
            return List.copyOf(recorded);
        }
    }

    /** How many requests were received so far, whatever the answer (faults and 401s included). */
    public int requestCount() {
        synchronized (lock) {
            return recorded.size();
        }
    }

    /**
     * Every header received so far: lower-case name → the distinct values seen, both sorted. Handy to
     * check that the key was only ever sent as {@code authorization: Bearer …}.
     */
    public Map<String, Set<String>> headersSeen() {
        Map<String, Set<String>> seen = new TreeMap<>();
        for (RecordedRequest request : requests()) {
            request.headers().forEach((name, values) -> seen.computeIfAbsent(name, n -> new TreeSet<>()).addAll(values));
        }
        seen.replaceAll((name, values) -> Collections.unmodifiableSet(values));
        return Collections.unmodifiableMap(seen);
    }

    /**
     * The most requests that arrived within any {@code window} (a half-open interval
     * {@code [t, t + window)}), counting every request, faults and 401s included: the request budget
     * check. See {@link #maxInAnyWindow(Collection, Duration)}.
     */
    public int maxRequestsInAnyWindow(Duration window) {
        return maxInAnyWindow(requests().stream().map(RecordedRequest::arrivedAt).toList(), window);
    }

    /**
     * The most instants found within any half-open interval {@code [t, t + window)}: two instants exactly
     * {@code window} apart are never in the same window, so a limiter that lets a request go exactly
     * one window after an earlier one is within budget. The order of {@code arrivals} does not matter.
     */
    public static int maxInAnyWindow(Collection<Instant> arrivals, Duration window) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        List<Instant> sorted = new ArrayList<>(arrivals);
        sorted.sort(Comparator.naturalOrder());
        int max = 0;
        int first = 0;
        for (int last = 0; last < sorted.size(); last++) {
            while (Duration.between(sorted.get(first), sorted.get(last)).compareTo(window) >= 0) {
                first++;
            }
            max = Math.max(max, last - first + 1);
        }
        return max;
    }

    /** Forgets the requests received so far (ours and WireMock's journal); faults stay queued. */
    public void clearRequests() {
        synchronized (lock) {
            recorded.clear();
        }
        wireMock.resetRequests();
    }

    /** {@link #clearFaults()} and {@link #clearRequests()}. */
    public void reset() {
        clearFaults();
        clearRequests();
    }

    @Override
    public void close() {
        try {
            wireMock.stop();
        } finally {
            sandbox.stop();
        }
    }

    // ---------------------------------------------------------------- serving

    /** One request seen by the fake. */
    public record RecordedRequest(
            int sequence, String method, String pathAndQuery, Map<String, List<String>> headers,
            Instant arrivedAt, String servedAs) {

        /**
         * @param sequence 1 for the first request received (since the last clear), then 2, 3…
         * @param pathAndQuery the raw path and query, as sent
         * @param headers lower-case name → values, as sent
         * @param arrivedAt when the fake received it: monotonic, nanosecond differences are exact
         * @param servedAs {@link #PAGE}, {@link #REJECTED_KEY} or the {@link Fault#name()} applied
         */
        public RecordedRequest {
        }

        /** The first value of the header {@code name} (any case), if sent. */
        public Optional<String> header(String name) {
            List<String> values = headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
            return values.stream().findFirst();
        }
    }

    /**
     * What to answer instead of the normal page. Status faults answer at once without asking the
     * sandbox; page faults ({@link #DELAYED_STATUS}, {@link #EMPTY_WINDOW},
     * {@link #DUPLICATED_AND_SHUFFLED}, {@link #FRACTIONAL_VOLUME_AND_MISSING_VW_N},
     * {@link #TRUNCATED_BODY}, {@link #responseDelay(Duration)}) edit the page the request would have
     * got (a non-200 sandbox answer, such as a 400 for bad parameters, passes unchanged).
     */
    public static final class Fault {

        private static final String RATE_LIMITED = "You've exceeded the maximum requests per minute, please wait"
                + " or upgrade your subscription to continue. https://polygon.io/pricing";
        private static final String NOT_ENTITLED_MESSAGE = "You are not entitled to this data. Please upgrade your"
                + " plan at https://polygon.io/pricing";

        /** 429 {@code {"status":"ERROR","error":"You've exceeded the maximum requests per minute…"}}, no Retry-After. */
        public static final Fault TOO_MANY_REQUESTS = new Fault("TOO_MANY_REQUESTS",
                () -> answer(429, JSON, errorBody(RATE_LIMITED), Map.of()));
        /** 500 {@code {"status":"ERROR","error":"Internal server error"}}. */
        public static final Fault INTERNAL_SERVER_ERROR = status("INTERNAL_SERVER_ERROR", 500, JSON,
                () -> errorBody("Internal server error. Please try again."));
        /** 502 with an nginx HTML body (a gateway answers, not the API). */
        public static final Fault BAD_GATEWAY = status("BAD_GATEWAY", 502, HTML, () -> gatewayPage("502 Bad Gateway"));
        /** 503 with an nginx HTML body. */
        public static final Fault SERVICE_UNAVAILABLE = status("SERVICE_UNAVAILABLE", 503, HTML,
                () -> gatewayPage("503 Service Temporarily Unavailable"));
        /** 400 {@code {"status":"ERROR","request_id":…,"error":…}}: must not be retried. */
        public static final Fault BAD_REQUEST = status("BAD_REQUEST", 400, JSON,
                () -> errorBody("Could not parse the time parameter: 'from'. Use YYYY-MM-DD or Unix MS timestamps."));
        /** 401 {@code {"status":"NOT_AUTHORIZED","message":"Unknown API Key"}} although the key was right. */
        public static final Fault UNAUTHORIZED = status("UNAUTHORIZED", 401, JSON,
                () -> messageBody("NOT_AUTHORIZED", "Unknown API Key"));
        /** 403 {@code {"status":"NOT_AUTHORIZED","message":"You are not entitled to this data…"}}. */
        public static final Fault NOT_ENTITLED = status("NOT_ENTITLED", 403, JSON,
                () -> messageBody("NOT_AUTHORIZED", NOT_ENTITLED_MESSAGE));
        /** The connection is reset by the server before any response (WireMock's CONNECTION_RESET_BY_PEER). */
        public static final Fault CONNECTION_RESET = new Fault("CONNECTION_RESET", () ->
                ResponseDefinitionBuilder.responseDefinition()
                        .withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)
                        .build());
        /** 200, JSON content type, the first half of the normal page's bytes: invalid JSON. */
        public static final Fault TRUNCATED_BODY = page("TRUNCATED_BODY", PageEdits.TRUNCATED);
        /** 200 with an HTML page ({@code <html>…}) as {@code text/html}. */
        public static final Fault HTML_BODY = status("HTML_BODY", 200, HTML, () -> "<html><head><title>Polygon.io"
                + " - Scheduled maintenance</title></head><body><h1>We'll be right back</h1>"
                + "<p>Polygon.io is undergoing scheduled maintenance.</p></body></html>");
        /** The normal page with {@code "status":"DELAYED"}. */
        public static final Fault DELAYED_STATUS = page("DELAYED_STATUS", PageEdits.DELAYED_STATUS);
        /** 200 without {@code results} or {@code next_url}, counts zero: a window without trades. */
        public static final Fault EMPTY_WINDOW = page("EMPTY_WINDOW", PageEdits.EMPTY_WINDOW);
        /**
         * The normal page with every other bar (indexes 0, 2, 4…) twice, all shuffled with a fixed seed;
         * counts follow, {@code next_url} is kept.
         */
        public static final Fault DUPLICATED_AND_SHUFFLED = page("DUPLICATED_AND_SHUFFLED", PageEdits.DUPLICATED_AND_SHUFFLED);
        /**
         * The normal page with {@code .25} added to every whole volume, {@code vw} dropped from bars at
         * even indexes and {@code n} from bars at indexes divisible by 3; prices and {@code t} kept.
         */
        public static final Fault FRACTIONAL_VOLUME_AND_MISSING_VW_N =
                page("FRACTIONAL_VOLUME_AND_MISSING_VW_N", PageEdits.FRACTIONAL_VOLUME_AND_MISSING_VW_N);

        private final String name;
        /** Builds the answer afresh for every request (request ids differ). */
        private final Supplier<ResponseDefinition> responder;

        private Fault(String name, Supplier<ResponseDefinition> responder) {
            this.name = name;
            this.responder = responder;
        }

        /** 429 like {@link #TOO_MANY_REQUESTS} with {@code Retry-After: <seconds>} (0 is allowed). */
        public static Fault tooManyRequests(long retryAfterSeconds) {
            if (retryAfterSeconds < 0) {
                throw new IllegalArgumentException("Retry-After must not be negative: " + retryAfterSeconds);
            }
            String seconds = Long.toString(retryAfterSeconds);
            return new Fault("TOO_MANY_REQUESTS_RETRY_AFTER_" + seconds,
                    () -> answer(429, JSON, errorBody(RATE_LIMITED), Map.of("Retry-After", seconds)));
        }

        /**
         * The normal page, sent only after {@code delay}: with a client timeout shorter than that, a
         * timeout. The request is recorded on arrival, not after the delay.
         */
        public static Fault responseDelay(Duration delay) {
            if (delay.isNegative() || delay.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("delay out of range: " + delay);
            }
            int millis = (int) delay.toMillis();
            return new Fault("RESPONSE_DELAY_" + millis + "MS", () ->
                    ResponseDefinitionBuilder.like(pageAnswer(PageEdits.IDENTITY)).withFixedDelay(millis).build());
        }

        /** {@code status} with exactly {@code body} as {@code contentType}. */
        public static Fault respond(int status, String contentType, String body) {
            return status("RESPOND_" + status, status, contentType, () -> body);
        }

        /** {@code status} with exactly {@code jsonBody} as {@code application/json}. */
        public static Fault json(int status, String jsonBody) {
            return respond(status, JSON, jsonBody);
        }

        /** As recorded in {@link RecordedRequest#servedAs()}, e.g. {@code TOO_MANY_REQUESTS_RETRY_AFTER_2}. */
        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }

        ResponseDefinition definition() {
            return responder.get();
        }

        private static Fault status(String name, int status, String contentType, Supplier<String> body) {
            return new Fault(name, () -> answer(status, contentType, body.get(), Map.of()));
        }

        private static Fault page(String name, String edit) {
            return new Fault(name, () -> pageAnswer(edit));
        }

        private static String gatewayPage(String title) {
            return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title
                    + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        }
    }

    /** A queued fault: {@code url} null matches every request. */
    private static final class Rule {
        final Pattern url;
        final Fault fault;
        long remaining;

        Rule(Pattern url, long remaining, Fault fault) {
            this.url = url;
            this.remaining = remaining;
            this.fault = fault;
        }

        boolean matches(String pathAndQuery) {
            return remaining > 0 && (url == null || url.matcher(pathAndQuery).find());
        }
    }

    /** Decides and builds every answer; WireMock calls it once per request. */
    private final class Responder implements ResponseDefinitionTransformerV2 {

        @Override
        public String getName() {
            return "fake-polygon";
        }

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            LoggedRequest request = serveEvent.getRequest();
            boolean authorized = authorized(request);
            Fault fault = null;
            synchronized (lock) {
                long now = System.nanoTime();
                if (authorized) {
                    fault = takeFault(request.getUrl());
                }
                String servedAs = !authorized ? REJECTED_KEY : fault == null ? PAGE : fault.name();
                recorded.add(new RecordedRequest(recorded.size() + 1, request.getMethod().getName(),
                        request.getUrl(), headersOf(request), origin.plusNanos(now - originNanos), servedAs));
            }
            if (!authorized) {
                String message = request.getHeader("Authorization") == null
                        ? "API Key was not provided: send 'Authorization: Bearer <key>'."
                        : "Unknown API Key";
                return answer(401, JSON, messageBody("NOT_AUTHORIZED", message), Map.of());
            }
            return fault == null ? pageAnswer(PageEdits.IDENTITY) : fault.definition();
        }
    }

    /**
     * Fills in page answers: the sandbox's page with {@code edit} applied. Done here, on the response,
     * rather than in the response definition, because WireMock's journal keeps every definition whole
     * and pages run to megabytes; the response it keeps only up to {@link #LOGGED_BODY_BYTES}.
     */
    private final class PageFiller implements ResponseTransformerV2 {

        @Override
        public String getName() {
            return "fake-polygon-pages";
        }

        @Override
        public Response transform(Response response, ServeEvent serveEvent) {
            Parameters parameters = serveEvent.getResponseDefinition().getTransformerParameters();
            if (parameters == null || !parameters.containsKey(PAGE_EDIT) || response.getFault() != null) {
                return response;
            }
            Page page = sandboxPage(serveEvent.getRequest(), PageEdits.named(parameters.getString(PAGE_EDIT)));
            return Response.Builder.like(response).but()
                    .status(page.status())
                    .headers(new HttpHeaders(new HttpHeader("Content-Type", page.contentType())))
                    .body(page.body())
                    .build();
        }
    }

    /** A page answer, filled in by {@link PageFiller}. */
    private static ResponseDefinition pageAnswer(String edit) {
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(200)
                .withTransformerParameter(PAGE_EDIT, edit)
                .build();
    }

    private record Page(int status, String contentType, byte[] body) {
    }

    /** Guarded by {@link #lock}. */
    private Fault takeFault(String pathAndQuery) {
        for (Rule rule : rules) {
            if (rule.matches(pathAndQuery)) {
                rule.remaining--;
                if (rule.remaining == 0) {
                    rules.remove(rule);
                }
                return rule.fault;
            }
        }
        return null;
    }

    private boolean authorized(LoggedRequest request) {
        HttpHeader header = request.header("Authorization");
        if (header == null || !header.isPresent() || header.values().size() != 1) {
            return false;
        }
        String value = header.firstValue();
        return value.length() > 7 && value.regionMatches(true, 0, "Bearer ", 0, 7)
                && value.substring(7).equals(expectedKey);
    }

    private static Map<String, List<String>> headersOf(LoggedRequest request) {
        Map<String, List<String>> headers = new TreeMap<>();
        for (HttpHeader header : request.getHeaders().all()) {
            headers.computeIfAbsent(header.key().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                    .addAll(header.values());
        }
        Map<String, List<String>> frozen = new LinkedHashMap<>();
        headers.forEach((name, values) -> frozen.put(name, List.copyOf(values)));
        return Collections.unmodifiableMap(frozen);
    }

    /** The sandbox's answer to {@code request}, {@code next_url} moved to this fake; 200 bodies edited. */
    private Page sandboxPage(LoggedRequest request, UnaryOperator<byte[]> edit) {
        HttpResponse<byte[]> response;
        try {
            response = sandboxClient.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + request.getUrl()))
                    .method(request.getMethod().getName(), HttpRequest.BodyPublishers.noBody())
                    .header("Authorization", "Bearer " + expectedKey)
                    .timeout(SANDBOX_TIMEOUT)
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return new Page(500, JSON, utf8(errorBody("fake Polygon: the sandbox failed: " + e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Page(500, JSON, utf8(errorBody("fake Polygon: interrupted")));
        }
        byte[] body = PageEdits.rebase(response.body(), sandbox.baseUrl(), baseUrl);
        if (response.statusCode() == 200) {
            body = edit.apply(body);
        }
        String contentType = response.headers().firstValue("Content-Type").orElse(JSON);
        return new Page(response.statusCode(), contentType, body);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A complete small answer (errors, hand-made bodies). */
    private static ResponseDefinition answer(int status, String contentType, String body, Map<String, String> headers) {
        ResponseDefinitionBuilder response = ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", contentType)
                .withBody(utf8(body));
        headers.forEach(response::withHeader);
        return response.build();
    }

    private static String errorBody(String error) {
        return "{\"status\":\"ERROR\",\"request_id\":\"" + requestId() + "\",\"error\":" + quote(error) + "}";
    }

    private static String messageBody(String status, String message) {
        return "{\"status\":\"" + status + "\",\"request_id\":\"" + requestId() + "\",\"message\":" + quote(message) + "}";
    }

    /** Polygon-style: 32 hex digits. */
    private static String requestId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
