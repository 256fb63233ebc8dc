package tickertape.polygon;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import tickertape.ingest.IngestionRuns;
import tickertape.metrics.Metrics;

/**
 * Counts what each run costs in Polygon's budget: every request the budget admits is an API
 * call, and every redelivery a retry.
 */
public class PolygonMeter {
    private final IngestionRuns runs;
    private final Metrics metrics;

    public PolygonMeter(IngestionRuns runs, Metrics metrics) {
        this.runs = runs;
        this.metrics = metrics;
    }

    /** Just after the budget admitted the request. */
    public void admitted(Exchange exchange) {
        PolygonRequest request = PolygonRequest.of(exchange);
        request.attempted();
        runs.apiCall(request.runId());
    }

    /** The error handler's onRedelivery hook. */
    public Processor retries() {
        return exchange -> {
            runs.retry(PolygonRequest.of(exchange).runId());
            metrics.polygonRetried();
        };
    }
}
