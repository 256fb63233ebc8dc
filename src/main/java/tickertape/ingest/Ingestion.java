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
import tickertape.bars.BarPage;
import tickertape.bars.BarRow;
import tickertape.market.Timeframe;
import tickertape.polygon.AggregatesPage;
import tickertape.polygon.PolygonBar;
import tickertape.polygon.PolygonCall;
import tickertape.polygon.PolygonRequest;

/**
 * The steps of the ingest-window route around its page loop, whose state is the exchange's
 * {@link IngestionRun}: {@link #begin} points it at the job's first page, {@link #acceptPage} turns
 * each page into validated rows and the next URL, {@link #finish} closes the run once its pages are written.
 */
public class Ingestion {
    private static final Logger LOG = LoggerFactory.getLogger(Ingestion.class);
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

    /** Body: the job whose run is open. The exchange's run points at its first page. */
    public void begin(Exchange exchange) {
        IngestionJob job = exchange.getMessage().getBody(IngestionJob.class);
        IngestionRun run = new IngestionRun(job, job.startUrl() != null ? job.startUrl() : source.firstPageUrl(job));
        exchange.setProperty(PolygonRequest.PROPERTY, run);
        stopFetchingIfShuttingDown(exchange, run);
        LOG.info("Run {}: {} {} from {} to {}{}", job.runId(), job.trigger(), job.series(), job.from(), job.to(),
                job.newestFirst() ? " (newest first)" : "");
    }

    /**
     * The page just fetched becomes the body for the batch writer, with the window it answered for,
     * and the next page's URL is set; a parked request ends the loop (its window stays a hole).
     */
    public void acceptPage(Exchange exchange) {
        IngestionRun run = run(exchange);
        if (run.isParked()) {
            stopOnFailure(exchange, run);
            return;
        }
        if (run.isStopped()) {
            stopFetchingIfShuttingDown(exchange, run); // the app stopped the wait for the budget: no page came
            exchange.getMessage().setBody(null);
            return;
        }
        IngestionJob job = run.job();
        AggregatesPage page = exchange.getMessage().getBody(AggregatesPage.class);
        List<BarRow> rows = new ArrayList<>(page.results().size());
        for (PolygonBar bar : page.results()) {
            Optional<String> problem = BarValidator.problem(bar, job.timeframe());
            if (problem.isPresent()) {
                LOG.warn("Run {}: rejected bar {} {} {}: {}", job.runId(), job.ticker(), job.timeframe().code(),
                        bar.t() == Long.MIN_VALUE ? "(no t)" : Instant.ofEpochMilli(bar.t()), problem.get());
            } else {
                rows.add(toRow(job, bar));
            }
        }
        Instant reached = page.results().isEmpty() ? null : reachedBar(page.results(), job.newestFirst());
        try {
            run.nextPage(source.nextPageUrl(page.nextUrl()));
        } catch (IllegalStateException e) {
            run.fail(RunStatus.FAILED, e.getMessage());
        }
        BarPage answered = answered(run, rows, reached, !run.hasNextPage() && run.failure() == null);
        runs.pageFetched(job.runId(), page.results().size(), page.results().size() - rows.size(), reached);
        exchange.getMessage().setBody(answered);
        stopFetchingIfShuttingDown(exchange, run);
    }

    /**
     * The page with the window it answered for. Polygon pages in time order: a page holds every bar
     * between the edge the previous page reached and its own last bar, and the last page reaches the
     * job's far end. A page that reached nothing (no bar, more pages) covers nothing.
     */
    private static BarPage answered(IngestionRun run, List<BarRow> rows, Instant reached, boolean last) {
        IngestionJob job = run.job();
        Instant edge = run.coveredEdge();
        Instant next = last ? (job.newestFirst() ? job.from() : job.to().plusMillis(1))
                : reached == null ? edge
                : job.newestFirst() ? reached : reached.plusMillis(1);
        run.coveredTo(next);
        return job.newestFirst() ? new BarPage(job.runId(), job.ticker(), job.timeframe().code(), rows, next, edge)
                : new BarPage(job.runId(), job.ticker(), job.timeframe().code(), rows, edge, next);
    }

    /** The page loop waits for its page to be stored before asking for the next; a failed write ends the run. */
    public void awaitPageWritten(Exchange exchange) throws InterruptedException {
        IngestionRun run = run(exchange);
        String writeError = runs.awaitWrites(run.job().runId());
        if (writeError != null && run.failure() == null) {
            run.fail(RunStatus.FAILED, writeError);
        }
    }

    /** The page loop failed outside Polygon's route (e.g. the database): the run ends FAILED. */
    public void abort(Exchange exchange) {
        IngestionRun run = run(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (exchange.getContext().isStopping()) {
            // a stop during a retry's wait: Camel refuses the redelivery ("not allowed while stopping")
            // past the error handler; the run ends as a stop ends it, and its series resumes from the store
            LOG.info("Run {} stopped by the shutdown: {}", run.runId(), cause == null ? "unknown" : cause.getMessage());
            run.fail(RunStatus.FAILED, SHUT_DOWN);
            return;
        }
        LOG.error("Run {} failed: {}", run.runId(), cause == null ? "unknown" : cause.toString());
        run.fail(RunStatus.FAILED, cause == null ? "unknown failure" : cause.getMessage());
    }

    /** Closes the run once its pages are stored (or failed): its status says how it ended. */
    public void finish(Exchange exchange) throws InterruptedException {
        IngestionRun run = run(exchange);
        IngestionJob job = run.job();
        RunStatus status = runs.close(job.runId(), run.failedStatus(), run.failure());
        LOG.info("Run {}: {} {} ended {}{}", job.runId(), job.trigger(), job.series(), status,
                run.failure() == null ? "" : " (" + run.failure() + ")");
    }

    private static IngestionRun run(Exchange exchange) {
        return exchange.getProperty(PolygonRequest.PROPERTY, IngestionRun.class);
    }

    /**
     * A stop (SIGTERM) ends the page loop before its next page, so shutting down takes a page, not a
     * window (a 2-year backfill would otherwise run into the shutdown timeout and be cut off anyway);
     * the pages fetched are written, the run is closed, and the series resumes from the store.
     */
    private static void stopFetchingIfShuttingDown(Exchange exchange, IngestionRun run) {
        if (run.hasNextPage() && exchange.getContext().isStopping()) {
            run.fail(RunStatus.FAILED, SHUT_DOWN);
        }
    }

    private static void stopOnFailure(Exchange exchange, IngestionRun run) {
        exchange.getMessage().setBody(null);
        if (exchange.getContext().isStopping()) {
            stopFetchingIfShuttingDown(exchange, run); // the failure is the stop cutting a retry's wait short
            return;
        }
        run.fail(run.keyRefused() ? RunStatus.NOT_AUTHORIZED : RunStatus.FAILED, run.parkedReason());
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
