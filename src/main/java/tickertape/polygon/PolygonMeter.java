package tickertape.polygon;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import tickertape.ingest.Ingestion;
import tickertape.ingest.IngestionRuns;

/**
 * Counts what each run costs in Polygon's budget: every request that passes the throttle is an API
 * call, and every redelivery a retry.
 */
public class PolygonMeter {
    private final IngestionRuns runs;

    public PolygonMeter(IngestionRuns runs) {
        this.runs = runs;
    }

    /** Just after the throttle let the request through. */
    public void admitted(Exchange exchange) {
        runs.apiCall(exchange.getProperty(Ingestion.RUN_ID, Long.class));
    }

    /** The error handler's onRedelivery hook. */
    public Processor retries() {
        return exchange -> runs.retry(exchange.getProperty(Ingestion.RUN_ID, Long.class));
    }
}
