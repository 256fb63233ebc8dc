package tickertape.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tickertape.market.ExchangeCalendar;

/**
 * A Polygon-compatible aggregates API on loopback, serving {@link SyntheticBars}: what the app talks to
 * when no Polygon API key is configured, through the very route it uses for the real API.
 *
 * <p>Serves {@code GET /v2/aggs/ticker/{ticker}/range/{multiplier}/{minute|hour|day}/{from}/{to}} with
 * Polygon's query parameters, JSON, pagination ({@code next_url} with an opaque {@code cursor}, never a
 * key) and errors: 401 NOT_AUTHORIZED without {@code Authorization: Bearer <key>} or {@code apiKey=}
 * (any non-empty key is accepted), 400 ERROR for bad parameters, 404 NOT_FOUND for other paths. The
 * {@code request_id} is a hash of the request (without its key), so equal requests get byte-identical
 * bodies. Only minutes that have ended by the clock's now are served, as on the real API.
 *
 * <p>Aggregates are raw with {@code adjusted=false} and split-adjusted otherwise (the default), for the
 * splits executed by the clock's New York date ({@link SandboxSplits}); {@code GET /v3/reference/splits}
 * lists the splits ({@link SplitsQuery}). {@link #announceSplit} adds one at run time.
 */
public final class SandboxPolygonServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxPolygonServer.class);
    private static final int WORKER_THREADS = 4;
    private static final int BACKLOG = 64;
    /** How far a delayed (free-plan) feed lags real time. */
    private static final Duration DELAY = Duration.ofMinutes(15);

    static {
        // The JDK server sends a response's headers and body as separate TCP segments; with Nagle's
        // algorithm on, every response then waits ~40 ms for the client's delayed ACK. This is the JDK
        // server's own switch for TCP_NODELAY, read once when its first server is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final Clock clock;
    private final boolean delayed;
    private final SandboxSplits splits;
    private final AggregatePager pager;
    private final AtomicLong requestsServed = new AtomicLong();
    private HttpServer server;
    private ExecutorService workers;
    /** Read by request threads, so never behind the lock that stop() holds while they drain. */
    private volatile String baseUrl;

    /**
     * @param clock decides which minutes have ended and can be served
     * @param calendar the sessions whose minutes have bars
     * @param delayed answer with status DELAYED and hold back the last 15 minutes, like a free plan
     */
    public SandboxPolygonServer(Clock clock, ExchangeCalendar calendar, boolean delayed) {
        this.clock = clock;
        this.delayed = delayed;
        this.splits = new SandboxSplits(calendar);
        this.pager = new AggregatePager(new SyntheticBars(calendar, splits), splits);
    }

    /**
     * Announces a split of {@code ticker} executing on {@code executionDate} (see
     * {@link SandboxSplits#announce}): listed at once, adjusting answers from that date on.
     */
    public void announceSplit(String ticker, LocalDate executionDate, double splitFrom, double splitTo) {
        splits.announce(new SandboxSplits.Split(ticker, executionDate, splitFrom, splitTo));
    }

    /** Binds 127.0.0.1 on an ephemeral port and starts serving; returns this for try-with-resources. */
    public synchronized SandboxPolygonServer start() {
        if (server != null) {
            throw new IllegalStateException("already started on " + baseUrl());
        }
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the sandbox Polygon server on loopback", e);
        }
        workers = Executors.newFixedThreadPool(WORKER_THREADS, daemonThreads());
        server.createContext("/", this::handle);
        server.setExecutor(workers);
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
        LOG.info("Sandbox Polygon server serving synthetic bars on {}", baseUrl());
        return this;
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash: the base to use instead of Polygon's. */
    public String baseUrl() {
        String url = baseUrl;
        if (url == null) {
            throw new IllegalStateException("not started");
        }
        return url;
    }

    /** Requests answered so far, whatever their status. */
    public long requestsServed() {
        return requestsServed.get();
    }

    /** Stops at once, dropping requests in flight; a stopped server can be started again. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            workers.shutdownNow();
            server = null;
            workers = null;
            baseUrl = null;
            LOG.info("Sandbox Polygon server stopped");
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requestsServed.incrementAndGet();
        try {
            Response response = respondSafely(exchange);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(response.status(), response.body().length);
            exchange.getResponseBody().write(response.body());
        } finally {
            exchange.close();
        }
    }

    private Response respondSafely(HttpExchange exchange) {
        try {
            return respond(exchange);
        } catch (RuntimeException e) {
            LOG.error("Sandbox Polygon server failed on {}", exchange.getRequestURI().getRawPath(), e);
            return new Response(500, PolygonJson.error(requestId(exchange.getRequestURI()), "internal error"));
        }
    }

    private Response respond(HttpExchange exchange) {
        URI uri = exchange.getRequestURI();
        String requestId = requestId(uri);
        Matcher path = AggregatesQuery.PATH.matcher(uri.getRawPath());
        boolean splitsPath = SplitsQuery.PATH.matcher(uri.getRawPath()).matches();
        if (!path.matches() && !splitsPath) {
            return new Response(404, PolygonJson.message("NOT_FOUND", requestId, "No such endpoint: " + uri.getRawPath()));
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            return new Response(405, PolygonJson.error(requestId, "Only GET is supported"));
        }
        try {
            Map<String, String> params = queryParams(uri.getRawQuery());
            if (!authorized(exchange, params)) {
                return new Response(401, PolygonJson.message("NOT_AUTHORIZED", requestId,
                        "API key missing: send 'Authorization: Bearer <key>' or apiKey=<key>."));
            }
            return splitsPath ? splits(params, requestId) : aggregates(AggregatesQuery.parse(path, params), requestId);
        } catch (IllegalArgumentException e) {
            return new Response(400, PolygonJson.error(requestId, e.getMessage()));
        }
    }

    private Response splits(Map<String, String> params, String requestId) {
        SplitsQuery query = SplitsQuery.parse(params);
        SplitsQuery.Page page = query.page(splits.listed(query.ticker(), today()));
        Optional<String> nextUrl = page.nextCursor().map(cursor -> query.nextUrl(baseUrl(), cursor));
        return new Response(200, PolygonJson.splits(page.results(), requestId, nextUrl));
    }

    private Response aggregates(AggregatesQuery query, String requestId) {
        AggregatePage page = pager.page(query, servedUntil(), today());
        Optional<String> nextUrl = page.nextBucket().isPresent()
                ? Optional.of(query.nextUrl(baseUrl(), page.nextBucket().getAsLong()))
                : Optional.empty();
        String status = delayed ? "DELAYED" : "OK";
        return new Response(200, PolygonJson.aggregates(query, page, status, requestId, nextUrl));
    }

    /** The clock's New York date: the splits executed by it adjust the answers. */
    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ExchangeCalendar.ZONE);
    }

    private Instant servedUntil() {
        Instant now = clock.instant();
        return delayed ? now.minus(DELAY) : now;
    }

    private static boolean authorized(HttpExchange exchange, Map<String, String> params) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        boolean bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                && !header.substring(7).isBlank();
        String apiKey = params.get("apiKey");
        return bearer || (apiKey != null && !apiKey.isBlank());
    }

    /** Decoded query parameters; the first of repeated names wins. */
    private static Map<String, String> queryParams(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(name, value);
        }
        return params;
    }

    /** Polygon-style 32 hex digits; derived from the request minus its key so equal requests match. */
    private static String requestId(URI uri) {
        String query = uri.getRawQuery() == null ? "" : Arrays.stream(uri.getRawQuery().split("&"))
                .filter(pair -> !pair.startsWith("apiKey="))
                .collect(Collectors.joining("&"));
        try {
            byte[] digest = MessageDigest.getInstance("MD5")
                    .digest((uri.getRawPath() + '?' + query).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides MD5", e);
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "sandbox-polygon-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private record Response(int status, byte[] body) {
    }
}
