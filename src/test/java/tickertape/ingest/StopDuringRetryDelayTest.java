package tickertape.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon.Fault;

/**
 * SIGTERM while a job waits to retry a failed request: the wait ends at the stop, the run ends as a
 * stop ends it (closed, its series resumed from the store at the next start, nothing parked), and
 * Camel stops within its shutdown timeout instead of forcing the stop after it.
 */
class StopDuringRetryDelayTest extends IngestionTestSupport {
    private static final LocalDate MONDAY = LocalDate.of(2024, 3, 4);
    /** Far longer than camel.main.shutdown-timeout (20 s). */
    private static final String RETRY_DELAY_MILLIS = String.valueOf(Duration.ofMinutes(10).toMillis());

    @Override
    protected Properties moreProperties() {
        Properties properties = new Properties();
        properties.put("polygon.retry-delay-millis", RETRY_DELAY_MILLIS);
        properties.put("polygon.max-retry-delay-millis", RETRY_DELAY_MILLIS);
        return properties;
    }

    @Test
    void aStopEndsTheWaitAndClosesTheRunWithinTheShutdownTimeout() throws Exception {
        addTicker("STPW");
        int since = fake.requestCount();
        fake.failMatching("/ticker/STPW/", 1, Fault.SERVICE_UNAVAILABLE);
        long runId = startWindow("STPW", Timeframe.M1, midnight(MONDAY), midnight(MONDAY.plusDays(1)).minusMillis(1));
        await(Duration.ofSeconds(30), "the first request to fail", () -> requestsFor("STPW", since).size() == 1);
        // the failure answered and its retry waiting (the error handler logs each retry it schedules)
        await(Duration.ofSeconds(30), "the retry to wait", () -> !LOGS.linesContaining("On delivery attempt: 0").isEmpty());

        context.stop();

        assertThat(context.getShutdownStrategy().hasTimeoutOccurred()).as("the stop was forced").isFalse();
        assertThat(LOGS.linesContaining("Run " + runId + ": ")).anyMatch(line -> line.contains("ended FAILED (" + Ingestion.SHUT_DOWN + ")"));
        assertThat(LOGS.linesContaining("parked as dead letter")).noneMatch(line -> line.contains("STPW"));
    }
}
