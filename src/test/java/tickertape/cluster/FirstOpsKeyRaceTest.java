package tickertape.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tickertape.keys.ApiKeys;
import tickertape.keys.FirstOpsKey;

/**
 * Instances starting together on an empty store issue one ops key between them, not one each: the
 * first start of each, raced from several threads at once, again and again.
 */
class FirstOpsKeyRaceTest {
    private static final int INSTANCES = 8;
    private static final int ROUNDS = 20;

    @RegisterExtension
    final Instances instances = Instances.of(Map.of());

    @Test
    void instancesStartingTogetherOnAnEmptyStoreIssueOneOpsKey() throws Exception {
        instances.start(); // the schema
        ExecutorService starts = Executors.newFixedThreadPool(INSTANCES);
        try {
            for (int round = 1; round <= ROUNDS; round++) {
                instances.execute("delete from api_key");
                CyclicBarrier together = new CyclicBarrier(INSTANCES);
                List<Future<?>> firstStarts = new ArrayList<>();
                for (int i = 0; i < INSTANCES; i++) {
                    Path dataDirectory = Files.createTempDirectory("tickertape-first-key-");
                    firstStarts.add(starts.submit(() -> {
                        together.await();
                        FirstOpsKey.issueIfNoKeys(new ApiKeys(instances.store()), dataDirectory);
                        return null;
                    }));
                }
                for (Future<?> start : firstStarts) {
                    start.get(60, TimeUnit.SECONDS);
                }
                assertThat(instances.queryLong("select count(*) from api_key")).as("keys after round %d", round)
                        .isEqualTo(1);
            }
        } finally {
            starts.shutdownNow();
        }
    }
}
