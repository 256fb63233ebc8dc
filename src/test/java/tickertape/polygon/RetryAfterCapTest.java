package tickertape.polygon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import tickertape.ingest.IngestionTestSupport;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon.Fault;
import tickertape.polygon.FakePolygon.RecordedRequest;

/**
 * A Retry-After longer than polygon.max-retry-delay-millis is waited for that long only: Polygon's
 * word must not hold a job thread for days.
 */
class RetryAfterCapTest extends IngestionTestSupport {
    private static final LocalDate MONDAY = LocalDate.of(2024, 3, 4);
    private static final Duration MAX_RETRY_DELAY = Duration.ofMillis(300);

    @Override
    protected Properties moreProperties() {
        Properties properties = new Properties();
        properties.put("polygon.max-retry-delay-millis", String.valueOf(MAX_RETRY_DELAY.toMillis()));
        return properties;
    }

    @Test
    void aHugeRetryAfterIsCappedAtTheMaximumRetryDelay() throws Exception {
        addTicker("RAHG");
        int since = fake.requestCount();
        fake.failMatching("/ticker/RAHG/", 1, Fault.tooManyRequests(999_999));

        Run run = awaitRun(startWindow("RAHG", Timeframe.M1, midnight(MONDAY), midnight(MONDAY.plusDays(1)).minusMillis(1)),
                Duration.ofSeconds(30));

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.retries()).isEqualTo(1);
        List<RecordedRequest> requests = requestsFor("RAHG", since);
        assertThat(requests).extracting(RecordedRequest::servedAs)
                .containsExactly("TOO_MANY_REQUESTS_RETRY_AFTER_999999", FakePolygon.PAGE);
        // The upper bound is loose for a slow machine; uncapped, the retry would come 11.5 days later.
        assertThat(Duration.between(requests.get(0).arrivedAt(), requests.get(1).arrivedAt()))
                .isBetween(MAX_RETRY_DELAY, Duration.ofSeconds(10));
    }
}
