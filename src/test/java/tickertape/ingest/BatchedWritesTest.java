package tickertape.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tickertape.market.Timeframe;

/**
 * The writer as configured for production: pages of every run batched together, a batch closed on its
 * row count or its timeout (on the aggregator's own thread), and each run closed once its pages are written.
 */
class BatchedWritesTest extends IngestionTestSupport {
    private static final LocalDate MONDAY = LocalDate.of(2024, 3, 4);

    @Override
    protected Properties moreProperties() {
        Properties properties = new Properties();
        properties.put("ingest.batch-rows", "50000");
        properties.put("ingest.batch-timeout-millis", "500");
        return properties;
    }

    @Test
    void everyRunIsClosedInTheRunLogWhenItsLastBatchIsWrittenByTheTimeout() throws Exception {
        Map<Long, LocalDate> dayOfRun = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            String symbol = "BAT" + i;
            LocalDate day = MONDAY.plusDays(i % 3);
            addTicker(symbol);
            dayOfRun.put(startWindow(symbol, Timeframe.M1, midnight(day), midnight(day.plusDays(1)).minusMillis(1)), day);
        }
        Set<Long> runIds = dayOfRun.keySet();
        for (long runId : runIds) {
            await(RUN_TIMEOUT, "run " + runId + " to leave the running runs",
                    () -> noOpenRun(run(runId).ticker(), "1m"));
        }
        Thread.sleep(1000); // nothing is still to come: the runs were closed; let a stray late write land
        for (long runId : runIds) {
            Run run = run(runId);
            assertThat(run.status()).as("the log of a run that has ended: %s", run).isEqualTo("SUCCEEDED");
            assertThat(run.finishedAt()).as(run.toString()).isNotNull();
            LocalDate day = dayOfRun.get(runId);
            assertThat(run.inserted()).as(run.toString()).isEqualTo(run.received())
                    .isEqualTo(sourceMinutes(run.ticker(), day, day).size());
        }
    }
}
