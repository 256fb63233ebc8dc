package tickertape.ingest;

import java.time.Instant;
import tickertape.polygon.PolygonRequest;

/**
 * The state of one job's page loop (route ingest-window), in the exchange property
 * {@value PolygonRequest#PROPERTY}: the job, the next page to fetch, the edge the pages stored so far
 * have covered, and, once fetching stopped early, the status the run ends with and why.
 */
public class IngestionRun extends PolygonRequest {
    private final IngestionJob job;
    /** Where the next page's answer starts (oldest first) or ends (newest first): the ledger's edge. */
    private Instant coveredEdge;
    private RunStatus failedStatus;
    private String failure;

    IngestionRun(IngestionJob job, String firstPageUrl) {
        this.job = job;
        this.coveredEdge = job.newestFirst() ? job.to().plusMillis(1) : job.from();
        pointAt(firstPageUrl);
    }

    public IngestionJob job() {
        return job;
    }

    @Override
    public Long runId() {
        return job.runId();
    }

    @Override
    public String ticker() {
        return job.ticker();
    }

    @Override
    public String timeframe() {
        return job.timeframe().code();
    }

    void nextPage(String url) {
        pointAt(url);
    }

    Instant coveredEdge() {
        return coveredEdge;
    }

    void coveredTo(Instant edge) {
        coveredEdge = edge;
    }

    /** Fetching ends here: no next page, and the run ends {@code status} for {@code reason}. */
    void fail(RunStatus status, String reason) {
        failedStatus = status;
        failure = reason;
        pointAt(null);
    }

    /** Why fetching stopped early; null while it has not. */
    String failure() {
        return failure;
    }

    RunStatus failedStatus() {
        return failedStatus;
    }
}
