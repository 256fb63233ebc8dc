package tickertape.polygon;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import tickertape.ingest.Ingestion;
import tickertape.ingest.IngestionRuns;
import tickertape.metrics.Metrics;

/**
 * Counts what each run costs in Polygon's budget: every request the budget admits is an API
 * call, and every redelivery a retry.
 */
public class PolygonMeter {
    /**
     * Exchange property: requests sent for the current page, retries included (the polygon-request
     * route resets it per page). Camel removes its own redelivery count before the dead-letter step runs.
     */
    public static final String ATTEMPTS_PROPERTY = "polygonAttempts";

    private final IngestionRuns runs;
    private final Metrics metrics;

    public PolygonMeter(IngestionRuns runs, Metrics metrics) {
        this.runs = runs;
        this.metrics = metrics;
    }

    /** Just after the budget admitted the request. */
    public void admitted(Exchange exchange) {
        exchange.setProperty(ATTEMPTS_PROPERTY, exchange.getProperty(ATTEMPTS_PROPERTY, 0, Integer.class) + 1);
        runs.apiCall(exchange.getProperty(Ingestion.RUN_ID, Long.class));
    }

    /** The error handler's onRedelivery hook. */
    public Processor retries() {
        return exchange -> {
            runs.retry(exchange.getProperty(Ingestion.RUN_ID, Long.class));
            metrics.polygonRetried();
        };
    }
}
