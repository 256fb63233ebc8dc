package tickertape.ingest;

import java.net.URI;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tickertape.market.Timeframe;
import tickertape.polygon.AggregatesPage;
import tickertape.polygon.DeadLetters;
import tickertape.polygon.PolygonBar;
import tickertape.polygon.PolygonBudget;
import tickertape.polygon.PolygonCall;
import tickertape.polygon.PolygonFailure;

/**
 * The steps of the ingest-series route around its page loop: {@link #begin} points the exchange at
 * the job's first page, {@link #acceptPage} turns each page into validated rows and the next URL,
 * {@link #finish} closes the run once its pages are written.
 */
public class Ingestion {
    private static final Logger LOG = LoggerFactory.getLogger(Ingestion.class);
    public static final String RUN_ID = "runId";
    private static final String JOB = "ingestionJob";
    private static final String FETCH_FAILURE = "fetchFailure";
    private static final String FAILED_STATUS = "failedStatus";
    /** Where the next page's answer starts (oldest first) or ends (newest first): the ledger's edge. */
    private static final String COVERED_EDGE = "coveredEdge";
    /** Why a run ends early when the app is shut down: between pages, not after the whole window. */
    static final String SHUT_DOWN = "stopped: the app was shut down during this run; its series resumes from the store";

    private final IngestionRuns runs;
    private final SeriesPlanner planner;
    private final PolygonSource source;

    public Ingestion(IngestionRuns runs, SeriesPlanner planner, PolygonSource source) {
        this.runs = runs;
        this.planner = planner;
        this.source = source;
    }

    /** Opens a run for each job whose series has none open (in any instance): the ones opened. */
    public List<IngestionJob> open(List<IngestionJob> jobs) throws SQLException {
        List<IngestionJob> opened = new ArrayList<>();
        for (IngestionJob job : jobs) {
            Optional<IngestionJob> run = runs.open(job, planner.tradingDays(job));
            if (run.isPresent()) {
                opened.add(run.get());
            } else {
                LOG.debug("{} {} skipped: a run of the series is under way", job.trigger(), job.series());
            }
        }
        return opened;
    }

    public void begin(Exchange exchange) {
        IngestionJob job = exchange.getMessage().getBody(IngestionJob.class);
        exchange.setProperty(JOB, job);
        exchange.setProperty(RUN_ID, job.runId());
        exchange.setProperty("ticker", job.ticker());
        exchange.setProperty("timeframe", job.timeframe().code());
        exchange.setProperty(PolygonCall.URL_PROPERTY, job.startUrl() != null ? job.startUrl() : source.firstPageUrl(job));
        exchange.setProperty(COVERED_EDGE, job.newestFirst() ? job.to().plusMillis(1) : job.from());
        stopFetchingIfShuttingDown(exchange);
        LOG.info("Run {}: {} {} from {} to {}{}", job.runId(), job.trigger(), job.series(), job.from(), job.to(),
                job.newestFirst() ? " (newest first)" : "");
    }

    /**
     * The page just fetched becomes the body for the batch writer, with the window it answered for,
     * and the next page's URL is set; a parked request ends the loop (its window stays a hole).
     */
    public void acceptPage(Exchange exchange) {
        long runId = exchange.getProperty(RUN_ID, Long.class);
        if (Boolean.TRUE.equals(exchange.getProperty(DeadLetters.FAILED_PROPERTY, Boolean.class))) {
            stopOnFailure(exchange);
            return;
        }
        if (Boolean.TRUE.equals(exchange.getProperty(PolygonBudget.STOPPED_PROPERTY, Boolean.class))) {
            stopFetchingIfShuttingDown(exchange); // the app stopped the wait for the budget: no page came
            exchange.getMessage().setBody(null);
            return;
        }
        IngestionJob job = exchange.getProperty(JOB, IngestionJob.class);
        AggregatesPage page = exchange.getMessage().getBody(AggregatesPage.class);
        List<BarRow> rows = new ArrayList<>(page.results().size());
        for (PolygonBar bar : page.results()) {
            Optional<String> problem = BarValidator.problem(bar, job.timeframe());
            if (problem.isPresent()) {
                LOG.warn("Run {}: rejected bar {} {} {}: {}", runId, job.ticker(), job.timeframe().code(),
                        bar.t() == Long.MIN_VALUE ? "(no t)" : Instant.ofEpochMilli(bar.t()), problem.get());
            } else {
                rows.add(toRow(job, bar));
            }
        }
        Instant reached = page.results().isEmpty() ? null : reachedBar(page.results(), job.newestFirst());
        try {
            exchange.setProperty(PolygonCall.URL_PROPERTY, source.nextPageUrl(page.nextUrl()));
        } catch (IllegalStateException e) {
            exchange.setProperty(FAILED_STATUS, RunStatus.FAILED);
            exchange.setProperty(FETCH_FAILURE, e.getMessage());
            exchange.setProperty(PolygonCall.URL_PROPERTY, null);
        }
        boolean last = exchange.getProperty(PolygonCall.URL_PROPERTY) == null;
        BarPage answered = answered(exchange, job, rows, reached, last && exchange.getProperty(FETCH_FAILURE) == null);
        runs.pageFetched(runId, page.results().size(), page.results().size() - rows.size(), reached);
        exchange.getMessage().setBody(answered);
        stopFetchingIfShuttingDown(exchange);
    }

    /**
     * The page with the window it answered for. Polygon pages in time order: a page holds every bar
     * between the edge the previous page reached and its own last bar, and the last page reaches the
     * job's far end. A page that reached nothing (no bar, more pages) covers nothing.
     */
    private static BarPage answered(Exchange exchange, IngestionJob job, List<BarRow> rows, Instant reached,
                                    boolean last) {
        Instant edge = exchange.getProperty(COVERED_EDGE, Instant.class);
        Instant next = last ? (job.newestFirst() ? job.from() : job.to().plusMillis(1))
                : reached == null ? edge
                : job.newestFirst() ? reached : reached.plusMillis(1);
        exchange.setProperty(COVERED_EDGE, next);
        return job.newestFirst() ? new BarPage(job.runId(), job.ticker(), job.timeframe().code(), rows, next, edge)
                : new BarPage(job.runId(), job.ticker(), job.timeframe().code(), rows, edge, next);
    }

    /** The page loop waits for its page to be stored before asking for the next; a failed write ends the run. */
    public void awaitPageWritten(Exchange exchange) throws InterruptedException {
        String writeError = runs.awaitWrites(exchange.getProperty(RUN_ID, Long.class));
        if (writeError != null && exchange.getProperty(FETCH_FAILURE) == null) {
            exchange.setProperty(FAILED_STATUS, RunStatus.FAILED);
            exchange.setProperty(FETCH_FAILURE, writeError);
            exchange.setProperty(PolygonCall.URL_PROPERTY, null);
        }
    }

    /** The page loop failed outside Polygon's route (e.g. the database): the run ends FAILED. */
    public void abort(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.error("Run {} failed: {}", exchange.getProperty(RUN_ID), cause == null ? "unknown" : cause.toString());
        exchange.setProperty(FAILED_STATUS, RunStatus.FAILED);
        exchange.setProperty(FETCH_FAILURE, cause == null ? "unknown failure" : cause.getMessage());
    }

    /** Closes the run once its pages are stored (or failed): its status says how it ended. */
    public void finish(Exchange exchange) throws InterruptedException {
        IngestionJob job = exchange.getProperty(JOB, IngestionJob.class);
        String failure = exchange.getProperty(FETCH_FAILURE, String.class);
        RunStatus status = runs.close(job.runId(), exchange.getProperty(FAILED_STATUS, RunStatus.class), failure);
        LOG.info("Run {}: {} {} ended {}{}", job.runId(), job.trigger(), job.series(), status,
                failure == null ? "" : " (" + failure + ")");
    }

    /**
     * A stop (SIGTERM) ends the page loop before its next page, so shutting down takes a page, not a
     * window (a 2-year backfill would otherwise run into the shutdown timeout and be cut off anyway);
     * the pages fetched are written, the run is closed, and the series resumes from the store.
     */
    private static void stopFetchingIfShuttingDown(Exchange exchange) {
        if (exchange.getProperty(PolygonCall.URL_PROPERTY) != null && exchange.getContext().isStopping()) {
            exchange.setProperty(FAILED_STATUS, RunStatus.FAILED);
            exchange.setProperty(FETCH_FAILURE, SHUT_DOWN);
            exchange.setProperty(PolygonCall.URL_PROPERTY, null);
        }
    }

    private void stopOnFailure(Exchange exchange) {
        exchange.getMessage().setBody(null);
        if (exchange.getContext().isStopping()) {
            stopFetchingIfShuttingDown(exchange); // the failure is the stop cutting a retry's wait short
            return;
        }
        Throwable cause = exchange.getProperty(DeadLetters.FAILURE_PROPERTY, Throwable.class);
        boolean refused = cause instanceof PolygonFailure.NotAuthorized;
        exchange.setProperty(FAILED_STATUS, refused ? RunStatus.NOT_AUTHORIZED : RunStatus.FAILED);
        exchange.setProperty(FETCH_FAILURE, refused
                ? "Polygon refused the key (HTTP " + ((PolygonFailure) cause).httpStatus() + "): " + cause.getMessage()
                : "request parked as a dead letter: " + (cause == null ? "unknown" : cause.getMessage()));
        exchange.setProperty(PolygonCall.URL_PROPERTY, null);
    }

    private static BarRow toRow(IngestionJob job, PolygonBar bar) {
        return new BarRow(job.ticker(), job.timeframe().code(), bar.t(), bar.o(), bar.h(), bar.l(), bar.c(), bar.v(),
                bar.vw(), bar.n());
    }

    private static Instant reachedBar(List<PolygonBar> bars, boolean newestFirst) {
        long edge = newestFirst ? Long.MAX_VALUE : Long.MIN_VALUE;
        for (PolygonBar bar : bars) {
            if (bar.t() != Long.MIN_VALUE) {
                edge = newestFirst ? Math.min(edge, bar.t()) : Math.max(edge, bar.t());
            }
        }
        return edge == Long.MAX_VALUE || edge == Long.MIN_VALUE ? null : Instant.ofEpochMilli(edge);
    }

    /**
     * Where Polygon lives (the real API, a paid proxy, or the sandbox) and how its URLs are built.
     * Aggregates are asked raw (adjusted=false): the store keeps raw bars, which a later split never
     * changes, and reads adjust them with the split table (README, "Corporate actions").
     */
    public record PolygonSource(String baseUrl, int pageLimit, int splitsPageLimit) {
        String firstPageUrl(IngestionJob job) {
            Timeframe timeframe = job.timeframe();
            return baseUrl + "/v2/aggs/ticker/" + job.ticker() + "/range/" + timeframe.multiplier() + "/"
                    + timeframe.timespan() + "/" + job.from().toEpochMilli() + "/" + job.to().toEpochMilli()
                    + "?adjusted=false&sort=" + (job.newestFirst() ? "desc" : "asc") + "&limit=" + pageLimit;
        }

        /** The first page of every split of {@code ticker} Polygon lists, announced ones included. */
        String splitsUrl(String ticker) {
            return baseUrl + PolygonCall.SPLITS_PATH + "?ticker=" + ticker + "&limit=" + splitsPageLimit;
        }

        /**
         * The next page, or null. A next_url pointing anywhere but the configured Polygon is not
         * followed: the key would go with it.
         */
        String nextPageUrl(String nextUrl) {
            if (nextUrl == null || nextUrl.isBlank()) {
                return null;
            }
            URI next = URI.create(nextUrl);
            URI base = URI.create(baseUrl);
            if (next.getHost() == null) {
                return baseUrl + (nextUrl.startsWith("/") ? "" : "/") + nextUrl;
            }
            if (!next.getHost().equalsIgnoreCase(base.getHost()) || next.getPort() != base.getPort()
                    || !next.getScheme().equalsIgnoreCase(base.getScheme())) {
                throw new IllegalStateException("next_url points outside " + base.getHost() + ": not followed");
            }
            return nextUrl;
        }
    }
}
