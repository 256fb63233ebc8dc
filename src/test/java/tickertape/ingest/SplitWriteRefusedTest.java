package tickertape.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import tickertape.polygon.FakePolygon;

/**
 * The database refuses the write of a splits answer (a trigger stands for a bad row or a constraint):
 * the check is recorded as failed with the reason and tried again after retry-failed-after, like a
 * failed fetch, not once per lease of its claim; once the write is accepted again, the next check
 * stores the answer and clears the error.
 */
class SplitWriteRefusedTest extends IngestionTestSupport {
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration DONE = Duration.ofSeconds(60);

    @Override
    protected FakePolygon newFake() {
        FakePolygon fake = super.newFake();
        fake.split("SPLW", LocalDate.of(2024, 4, 1), 10, 1);
        return fake;
    }

    @Override
    protected Properties moreProperties() {
        Properties properties = new Properties();
        properties.put("ingest.run-lease", LEASE.toString());
        properties.put("ingest.lease-renew-millis", "500");
        properties.put("ingest.retry-failed-after", "PT1H");
        return properties;
    }

    @Test
    void aRefusedWriteIsRecordedAsAFailureAndTriedAgainAfterTheRetryPeriodNotEachLease() throws Exception {
        addTicker("SPLW");
        execute("""
                create function refuse_split_write() returns trigger language plpgsql as $$
                begin raise exception 'split rows refused'; end $$""");
        execute("create trigger refuse_split_write before insert on split for each row execute function refuse_split_write()");

        checkSplitsNow();
        await(DONE, "the failure recorded", () -> queryLong(
                "select count(*) from split_check where ticker = 'SPLW' and error like '%split rows refused%'") == 1);
        // as the healing timer asks, more than a lease later: the claim is kept for the retry period
        Thread.sleep(LEASE.multipliedBy(2).toMillis());
        checkSplitsNow();
        assertThat(splitsRequests()).as("one request, then nothing until retry-failed-after").isEqualTo(1);
        assertThat(queryLong("select count(*) from split_check where ticker = 'SPLW' and checked_at is null"))
                .as("still due").isEqualTo(1);

        execute("drop trigger refuse_split_write on split");
        execute("update split_check set claimed_until = now() - interval '1 second' where ticker = 'SPLW'");
        checkSplitsNow();
        assertThat(queryLong("select count(*) from split_check where ticker = 'SPLW' and error is null"
                + " and checked_at is not null")).isEqualTo(1);
        assertThat(queryLong("select count(*) from split where ticker = 'SPLW'")).isEqualTo(1);
        assertThat(splitsRequests()).isEqualTo(2);
    }

    /** A check of the ticker's splits, as the healing timer makes, awaited. */
    private void checkSplitsNow() {
        template.sendBody("seda:fetch-splits?waitForTaskToComplete=Always", new TickerRoutes.TickerBlock("SPLW", null));
    }

    private long splitsRequests() {
        return fake.requests().stream()
                .filter(request -> request.pathAndQuery().startsWith("/v3/reference/splits?ticker=SPLW&")).count();
    }
}
