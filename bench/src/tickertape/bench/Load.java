package tickertape.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Closed-loop load: c workers each doing one call after another for a while; p50, p99, req/s. */
final class Load {
    private Load() {
    }

    interface Call {
        /** One request; false when it failed (counted, not timed). */
        boolean run() throws Exception;
    }

    record Result(double p50Ms, double p99Ms, double rps, long requests, long failures, String tool) {
        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("p50_ms", Stats.sig(p50Ms));
            json.put("p99_ms", Stats.sig(p99Ms));
            json.put("rps", Math.round(rps));
            json.put("requests", requests);
            json.put("failures", failures);
            json.put("tool", tool);
            return json;
        }
    }

    static Result jvm(int connections, Duration duration, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        AtomicLong failures = new AtomicLong();
        long deadline = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        List<Future<long[]>> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            workers.add(pool.submit(() -> {
                long[] samples = new long[1 << 16];
                int n = 0;
                while (System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    boolean ok = call.run();
                    long t1 = System.nanoTime();
                    if (!ok) {
                        failures.incrementAndGet();
                        continue;
                    }
                    if (n == samples.length) {
                        samples = java.util.Arrays.copyOf(samples, n * 2);
                    }
                    samples[n++] = t1 - t0;
                }
                return java.util.Arrays.copyOf(samples, n);
            }));
        }
        List<long[]> all = new ArrayList<>();
        int total = 0;
        for (Future<long[]> worker : workers) {
            long[] samples = worker.get();
            all.add(samples);
            total += samples.length;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long[] merged = new long[total];
        int at = 0;
        for (long[] samples : all) {
            System.arraycopy(samples, 0, merged, at, samples.length);
            at += samples.length;
        }
        return new Result(Stats.percentileMillis(merged, 50), Stats.percentileMillis(merged, 99), total / seconds, total,
                failures.get(), "jvm");
    }

    /** An HTTP GET through a JDK HttpClient (HTTP/1.1, one connection per worker). */
    static Call httpGet(HttpClient client, String url, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        headers.forEach(builder::header);
        HttpRequest request = builder.build();
        return () -> {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return response.statusCode() == 200;
        };
    }

    static HttpClient client(int connections) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(Math.max(2, connections))).build();
    }

    static boolean wrkAvailable() {
        try {
            Process process = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            process.waitFor();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|99)(?:\\.000)?%\\s+([\\d.]+)(us|ms|s)\\s*$");
    private static final Pattern RPS = Pattern.compile("^Requests/sec:\\s+([\\d.]+)");
    private static final Pattern TOTAL = Pattern.compile("^\\s*(\\d+) requests in");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    static Result wrk(int connections, Duration duration, String url, Map<String, String> headers) throws Exception {
        List<String> command = new ArrayList<>(List.of("wrk", "--latency", "-t" + Math.min(2, connections),
                "-c" + connections, "-d" + duration.toSeconds() + "s", "--timeout", "10s"));
        headers.forEach((name, value) -> {
            command.add("-H");
            command.add(name + ": " + value);
        });
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        double rps = Double.NaN;
        long total = 0;
        long failures = 0;
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                output.append(line).append('\n');
                Matcher m = PERCENTILE.matcher(line);
                if (m.matches()) {
                    double value = Double.parseDouble(m.group(2)) * switch (m.group(3)) {
                        case "us" -> 0.001;
                        case "s" -> 1000;
                        default -> 1;
                    };
                    if (m.group(1).equals("50")) {
                        p50 = value;
                    } else {
                        p99 = value;
                    }
                }
                m = RPS.matcher(line);
                if (m.find()) {
                    rps = Double.parseDouble(m.group(1));
                }
                m = TOTAL.matcher(line);
                if (m.find()) {
                    total = Long.parseLong(m.group(1));
                }
                m = NON_2XX.matcher(line);
                if (m.find()) {
                    failures += Long.parseLong(m.group(1));
                }
                m = ERRORS.matcher(line);
                if (m.find()) {
                    for (int g = 1; g <= 4; g++) {
                        failures += Long.parseLong(m.group(g));
                    }
                }
            }
        }
        process.waitFor();
        if (Double.isNaN(rps)) {
            throw new IllegalStateException("wrk gave no figures:\n" + output);
        }
        return new Result(p50, p99, rps, total, failures, "wrk");
    }
}
