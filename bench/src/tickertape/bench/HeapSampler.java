package tickertape.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples the app's used heap every 200 ms from its Prometheus metrics (sum of
 * jvm_memory_used_bytes{area="heap"} over the pools) and its old generation alone (what survives).
 */
final class HeapSampler implements AutoCloseable {
    record Sample(long nanos, double heapMb, double oldMb) {
    }

    private final String url;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    HeapSampler(int managementPort) {
        this.url = "http://127.0.0.1:" + managementPort + "/observe/metrics";
        thread = new Thread(this::loop, "heap-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            long next = System.nanoTime() + 200_000_000L;
            try {
                String body = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                double heap = 0;
                double old = 0;
                for (String line : body.split("\n")) {
                    if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                        double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                        heap += value;
                        if (line.contains("Old Gen") || line.contains("Tenured")) {
                            old += value;
                        }
                    }
                }
                if (heap > 0) {
                    synchronized (samples) {
                        samples.add(new Sample(System.nanoTime(), heap / 1048576, old / 1048576));
                    }
                }
            } catch (Exception e) {
                // not up yet, or going down
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** {peak heap, peak old gen, samples} of the samples taken in [from, to] (System.nanoTime). */
    double[] peak(long from, long to) {
        double heap = 0;
        double old = 0;
        int n = 0;
        synchronized (samples) {
            for (Sample sample : samples) {
                if (sample.nanos() >= from && sample.nanos() <= to) {
                    heap = Math.max(heap, sample.heapMb());
                    old = Math.max(old, sample.oldMb());
                    n++;
                }
            }
        }
        return new double[] {heap, old, n};
    }

    /** The newest sample's heap, MB. */
    double last() {
        synchronized (samples) {
            return samples.isEmpty() ? Double.NaN : samples.get(samples.size() - 1).heapMb();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(2000);
    }
}
