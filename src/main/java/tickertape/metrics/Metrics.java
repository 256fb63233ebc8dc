package tickertape.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.spi.Registry;

/**
 * The application's event meters ({@code tickertape_*} on /observe/metrics), bound as {@code metrics}.
 * Code that counts something calls a method here rather than naming meters itself, so the names and
 * labels stay those the alert rules and the dashboard in {@code monitoring/} use. The gauges read from
 * the store are {@link StoreGauges}'.
 *
 * <p>Label values are bounded sets (tickers, timeframes, HTTP statuses, REST verb ids): never a key, a
 * URL or a client address.
 */
public class Metrics {
    /** Exchange property holding when the request began waiting for the Polygon budget (System.nanoTime). */
    static final String BUDGET_WAIT_STARTED = "tickertapeBudgetWaitStarted";

    /** Polygon statuses the alert rules count (key refused, rate limited), exposed at 0 from the start. */
    private static final int[] PRE_REGISTERED_POLYGON_STATUSES = {200, 401, 403, 429};
    /** The rate limits a request can run out of: a role's default, a key's own, or an address's (no valid key). */
    private static final List<String> RATE_LIMITS = List.of("bot", "ml", "ops", "key", "anonymous");

    private final MeterRegistry registry;
    private final Counter polygonRetries;
    private final Counter deadLettersParked;
    private final Counter writeRetries;
    private final Counter pagesNotWritten;
    private final Timer budgetWait;
    /**
     * The API's timers, by verb id and status: registering one is a lookup that builds and sorts its
     * tags: about 2% of the latest-bar request's CPU when done per request. A bounded set (verbs x statuses).
     */
    private final Map<ApiTimerKey, Timer> apiTimers = new ConcurrentHashMap<>();

    public Metrics(MeterRegistry registry) {
        this.registry = registry;
        this.polygonRetries = Counter.builder("tickertape.polygon.retries")
                .description("Polygon requests sent again after a transient failure (5xx, 429, no or bad response)")
                .register(registry);
        this.deadLettersParked = Counter.builder("tickertape.dead.letters")
                .description("Polygon requests parked in dead_letter after their last attempt")
                .register(registry);
        this.writeRetries = Counter.builder("tickertape.ingest.write.retries")
                .description("Bar batches written again after the database failed them transiently (outage, deadlock)")
                .register(registry);
        this.pagesNotWritten = Counter.builder("tickertape.ingest.pages.not.written")
                .description("Fetched pages whose bars could not be stored: their windows stay holes, fetched again")
                .register(registry);
        this.budgetWait = Timer.builder("tickertape.polygon.budget.wait")
                .description("Time a Polygon request waited for the request budget (shared by every instance on the database)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(30))
                .register(registry);
        // Series alerts and panels read from the start: a counter that first appears at 1 has no
        // increase() until its next change, so the key refusal (which stops ingestion) would never fire.
        for (int status : PRE_REGISTERED_POLYGON_STATUSES) {
            polygonRequests(status);
        }
        for (String limit : RATE_LIMITS) {
            rateLimited(limit);
        }
        splitChecks("fetched");
        splitChecks("failed");
    }

    /**
     * The registry camel-micrometer-prometheus serves on /observe/metrics. It looks for one bound as
     * {@code metricsRegistry} when it starts and makes its own only if there is none, so binding ours
     * there first makes them one and the same, available before Camel starts (the pool needs it).
     */
    public static MeterRegistry sharedRegistry(Registry camelRegistry) {
        String name = MicrometerConstants.METRICS_REGISTRY_NAME;
        MeterRegistry existing = camelRegistry.lookupByNameAndType(name, PrometheusMeterRegistry.class);
        if (existing != null) {
            return existing;
        }
        PrometheusMeterRegistry created = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        camelRegistry.bind(name, created);
        return created;
    }

    public MeterRegistry registry() {
        return registry;
    }

    // ------------------------------------------------------------------ bars

    /** A batch committed: bars new to the store, and stored bars whose values changed. */
    public void barsWritten(String ticker, String timeframe, int inserted, int updated) {
        bars(ticker, timeframe, "inserted").increment(inserted);
        bars(ticker, timeframe, "updated").increment(updated);
    }

    /** Bars of a page that failed validation and were kept out of the store. */
    public void barsRejected(String ticker, String timeframe, int rejected) {
        bars(ticker, timeframe, "rejected").increment(rejected);
    }

    private Counter bars(String ticker, String timeframe, String outcome) {
        return Counter.builder("tickertape.bars")
                .description("Bars from Polygon by what became of them: inserted, updated (values changed), rejected")
                .tag("ticker", ticker)
                .tag("timeframe", timeframe)
                .tag("outcome", outcome)
                .register(registry);
    }

    // ------------------------------------------------------------------ Polygon

    /** One HTTP exchange with Polygon ended: its status, or 0 when no response arrived (timeout, reset). */
    public void polygonResponded(int httpStatus) {
        polygonRequests(httpStatus).increment();
    }

    /** By status: 429 (Polygon's rate limit) is {@code status="429"}, 401/403 a refused key. */
    private Counter polygonRequests(int httpStatus) {
        return Counter.builder("tickertape.polygon.requests")
                .description("Requests sent to Polygon by HTTP status (0: no response; 429: rate limited); retries included")
                .tag("status", String.valueOf(httpStatus))
                .register(registry);
    }

    /** A ticker's splits check ended: {@code fetched} (every page stored) or {@code failed}. */
    public void splitCheck(String outcome) {
        splitChecks(outcome).increment();
    }

    private Counter splitChecks(String outcome) {
        return Counter.builder("tickertape.polygon.split.checks")
                .description("Checks of a ticker's splits (/v3/reference/splits) by outcome: fetched or failed")
                .tag("outcome", outcome)
                .register(registry);
    }

    public void polygonRetried() {
        polygonRetries.increment();
    }

    /** Called just before the polygon-call route asks the budget for admission. */
    public void budgetWaitStarted(Exchange exchange) {
        exchange.setProperty(BUDGET_WAIT_STARTED, System.nanoTime());
    }

    /** Called just after the budget admitted the request. */
    public void budgetWaitEnded(Exchange exchange) {
        Long started = exchange.getProperty(BUDGET_WAIT_STARTED, Long.class);
        if (started != null) {
            budgetWait.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            exchange.removeProperty(BUDGET_WAIT_STARTED);
        }
    }

    public void deadLetterParked() {
        deadLettersParked.increment();
    }

    public void writeRetried() {
        writeRetries.increment();
    }

    public void pagesNotWritten(int pages) {
        pagesNotWritten.increment(pages);
    }

    // ------------------------------------------------------------------ the REST API

    /** A REST request answered: {@code endpoint} is the verb's id in the REST DSL. */
    public void apiRequest(String endpoint, int httpStatus, long nanos) {
        apiTimers.computeIfAbsent(new ApiTimerKey(endpoint, httpStatus), this::apiTimer)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One series of tickertape_api_requests_seconds. */
    private record ApiTimerKey(String endpoint, int httpStatus) {
    }

    private Timer apiTimer(ApiTimerKey key) {
        return Timer.builder("tickertape.api.requests")
                .description("REST API latency by endpoint (REST verb id) and HTTP status")
                .tag("endpoint", key.endpoint())
                .tag("status", String.valueOf(key.httpStatus()))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }

    /**
     * A request refused with 429 by the API's rate limits. {@code limit} names the bucket that ran out
     * (a role's default, "key" for a key's own limit, "anonymous" for requests without a valid key):
     * a small fixed set, never a key or an address.
     */
    public void apiRateLimited(String limit) {
        rateLimited(limit).increment();
    }

    private Counter rateLimited(String limit) {
        return Counter.builder("tickertape.api.rate.limited")
                .description("API requests refused with 429 by a rate limit")
                .tag("limit", limit)
                .register(registry);
    }
}
