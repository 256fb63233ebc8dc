package tickertape.polygon;

import org.apache.camel.Exchange;

/**
 * The contract of the polygon-request route (routes/polygon.camel.yaml), held by the caller's run in
 * the exchange property {@value #PROPERTY}. The route reads {@link #url()}, the page to fetch; the page
 * comes back as the message body, or the route records on this object that none came: the request was
 * parked as a dead letter ({@link #isParked()}), or the app stopped while it waited for the budget
 * ({@link #isStopped()}). A dead letter names the run, ticker and timeframe the run gives.
 */
public abstract class PolygonRequest {
    /** The exchange property holding the caller's run. */
    public static final String PROPERTY = "run";

    private String url;
    private int attempts;
    private boolean parked;
    private Throwable parkedCause;
    private boolean stopped;

    public static PolygonRequest of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, PolygonRequest.class);
    }

    /** The absolute URL of the page to fetch (a first page or a next_url); null when there is none. */
    public String url() {
        return url;
    }

    public boolean hasNextPage() {
        return url != null;
    }

    protected void pointAt(String nextUrl) {
        this.url = nextUrl;
    }

    /** The ingestion_run the request is made for, if any (dead_letter.run_id). */
    public abstract Long runId();

    public abstract String ticker();

    /** The timeframe's code, when the request is for bars (dead_letter.timeframe). */
    public abstract String timeframe();

    /** A new request (the polygon-request route): its attempts count from zero, and nothing is carried over. */
    public void requestStarted() {
        attempts = 0;
        parked = false;
        parkedCause = null;
        stopped = false;
    }

    /** The budget admitted an attempt (retries included). */
    public void attempted() {
        attempts++;
    }

    /** Requests sent for the current page, retries included (Camel's own count is gone when it is parked). */
    public int attempts() {
        return attempts;
    }

    /** The last attempt failed: the request is parked (or, while the app stops, given up), and no page came. */
    public void parked(Throwable cause) {
        parked = true;
        parkedCause = cause;
    }

    public boolean isParked() {
        return parked;
    }

    public Throwable parkedCause() {
        return parkedCause;
    }

    /**
     * Whether the request is still to be sent once the budget has admitted an attempt. A caller whose
     * hold on the work has lapsed meanwhile (a database outage longer than its claim's lease, so
     * another instance may have taken the work) answers false: the attempt ends as a stop does, unsent.
     */
    public boolean stillWanted() {
        return true;
    }

    /** The app stopped while the request waited for the budget, or the request was no longer wanted: nothing was sent. */
    public void stoppedWaiting() {
        stopped = true;
    }

    public boolean isStopped() {
        return stopped;
    }

    /** Why no page came, as a run records it: the key refused, or the request parked. */
    public String parkedReason() {
        return parkedCause instanceof PolygonFailure.NotAuthorized failure
                ? "Polygon refused the key (HTTP " + failure.httpStatus() + "): " + failure.getMessage()
                : "request parked as a dead letter: " + (parkedCause == null ? "unknown" : parkedCause.getMessage());
    }

    public boolean keyRefused() {
        return parkedCause instanceof PolygonFailure.NotAuthorized;
    }
}
