package tickertape.ingest;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tickertape.bars.BarBatch;
import tickertape.bars.BarPage;
import tickertape.bars.BarStore;
import tickertape.metrics.Metrics;

/**
 * The aggregator's output: a batch of whole pages of one ticker, written in one transaction. A
 * transient failure (the database away, a deadlock) is retried with backoff for up to
 * {@code retryFor}; a batch the database refuses (a bad row, a trigger) is written again page by page,
 * so only the page it cannot take fails. A page that is not written leaves its window uncovered and
 * ends its run FAILED; the planner fetches the window again.
 *
 * <p>Java rather than the route's redelivery: which failures are worth a retry is read from the
 * SQLState, and a refused batch is split, which a redelivery policy cannot say.
 */
public class BarWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BarWriter.class);
    private static final Duration MAX_DELAY = Duration.ofSeconds(30);

    private final BarStore store;
    private final IngestionRuns runs;
    private final Metrics metrics;
    private final Duration retryFor;
    private final Duration firstDelay;
    private volatile String waitingFor;

    public BarWriter(BarStore store, IngestionRuns runs, Metrics metrics, Duration retryFor, Duration firstDelay) {
        this.store = store;
        this.runs = runs;
        this.metrics = metrics;
        this.retryFor = retryFor;
        this.firstDelay = firstDelay;
    }

    public void write(BarBatch batch) throws InterruptedException {
        try {
            runs.batchWritten(writeRetrying(batch));
        } catch (SQLException | RuntimeException e) {
            if (batch.pages().size() == 1 || isTransient(e)) {
                failed(batch.pages(), e);
                return;
            }
            LOG.warn("A batch of {} pages was refused ({}): writing its pages one by one", batch.pages().size(),
                    e.getMessage());
            for (BarPage page : batch.pages()) {
                write(new BarBatch(List.of(page)));
            }
        }
    }

    /** Why the writer is waiting for the database, or null when it is not. */
    String waitingFor() {
        return waitingFor;
    }

    private List<BarStore.RunCounts> writeRetrying(BarBatch batch) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + retryFor.toNanos();
        Duration delay = firstDelay;
        while (true) {
            try {
                List<BarStore.RunCounts> counts = store.write(batch);
                waitingFor = null;
                return counts;
            } catch (SQLException | RuntimeException e) {
                if (!isTransient(e) || System.nanoTime() + delay.toNanos() > deadline) {
                    waitingFor = null;
                    throw e;
                }
                waitingFor = e.getMessage();
                metrics.writeRetried();
                LOG.warn("Writing {} bars failed ({}): trying again in {} ms", batch.rowCount(), e.getMessage(),
                        delay.toMillis());
                Thread.sleep(delay.toMillis());
                delay = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
            }
        }
    }

    private void failed(List<BarPage> pages, Exception error) {
        metrics.pagesNotWritten(pages.size());
        LOG.error("{} page(s) not written, their windows stay holes: {}", pages.size(), error.getMessage());
        Map<Long, Long> pagesPerRun = pages.stream().collect(Collectors.groupingBy(BarPage::runId, Collectors.counting()));
        pagesPerRun.forEach((runId, count) -> runs.pagesFailed(runId, count.intValue(), error));
    }

    /**
     * Worth another try: the connection or the server went away (whatever wraps it: the COPY stream
     * reports it as an I/O failure), or the transaction lost a race.
     */
    public static boolean isTransient(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException
                    || cause instanceof IOException) {
                return true;
            }
            String state = cause instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null && (state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                    || state.startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /** DOWN while bars wait for the database: fetched pages are held, and ingestion waits with them. */
    public static class Health extends AbstractHealthCheck {
        private final BarWriter writer;

        public Health(BarWriter writer) {
            super("tickertape", "bar-writer");
            this.writer = writer;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            String waiting = writer.waitingFor();
            if (waiting == null) {
                builder.up();
            } else {
                builder.message("bars wait for the database: " + waiting).down();
            }
        }
    }
}
