package tickertape.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tickertape.market.ExchangeCalendar;
import tickertape.sandbox.SandboxPolygonServer;

/**
 * bench/run's entry point: starts the sandbox source, a page-recording fake Polygon in front of it and
 * the app in-process on its own embedded PostgreSQL, runs the sections, then the packaged jar for the
 * backfill and the history read; writes bench/results/latest.json and the table of bench/README.md.
 */
public final class Bench {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final List<String> SECTIONS = List.of("seed", "ingest", "latest", "backfill", "history", "status");

    private Bench() {
    }

    static void log(String format, Object... args) {
        System.out.println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + String.format(format, args));
        System.out.flush();
    }

    /**
     * A run of some sections (--only) keeps the other sections' figures of the file it replaces, each
     * noted in "earlier_sections" with the start of the run that measured it, so the table stays whole.
     */
    @SuppressWarnings("unchecked")
    private static void keepEarlierSections(Path out, Map<String, Object> results) throws Exception {
        if (!Files.exists(out)) {
            return;
        }
        Map<String, Object> earlier = JSON.readValue(out.toFile(), Map.class);
        Map<String, Object> earlierSections = new LinkedHashMap<>();
        Object inherited = earlier.get("earlier_sections");
        for (String key : List.of("seed", "ingest", "latest", "backfill_inprocess", "backfill", "history", "status")) {
            if (!results.containsKey(key) && earlier.containsKey(key)) {
                results.put(key, earlier.get(key));
                Object measured = inherited instanceof Map<?, ?> map && map.containsKey(key)
                        ? map.get(key) : earlier.get("started_at");
                earlierSections.put(key, measured);
            }
        }
        if (!earlierSections.isEmpty()) {
            results.put("earlier_sections", earlierSections);
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = null;
        Path work = null;
        boolean quick = false;
        Set<String> only = new TreeSet<>(SECTIONS);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--quick" -> quick = true;
                case "--only" -> only = new TreeSet<>(Arrays.asList(args[++i].split(",")));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (root == null || work == null) {
            throw new IllegalArgumentException("run me through bench/run");
        }
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("started_at", Instant.now().toString());
        results.put("machine", Machine.describe());
        results.put("quick", quick);
        results.put("sections", only);
        long started = System.nanoTime();
        try (SandboxPolygonServer sandbox = new SandboxPolygonServer(Clock.systemUTC(), new ExchangeCalendar(), false).start();
             PageServer pages = new PageServer(sandbox.baseUrl())) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("polygon.api-key", "bench");
            settings.put("polygon.base-url", pages.baseUrl());
            settings.put("polygon.requests-per-window", "1000000");
            settings.put("polygon.budget-window-millis", "1000");
            // The status section loads the open endpoints from one address: measured, not rate limited.
            settings.put("tickertape.api.rate-limit.anonymous", "100000000");
            settings.put("camel.main.routes-include-pattern", "file:routes/polygon.camel.yaml,file:routes/ingest.camel.yaml,"
                    + "file:routes/api*.camel.yaml,file:routes/status-page.camel.yaml");
            log("starting the app in-process (embedded PostgreSQL, fsync on)");
            try (InProcessApp app = InProcessApp.start(Files.createDirectories(work.resolve("inprocess")), settings)) {
                // Ctrl-C: stop the app and its embedded PostgreSQL, leave no orphan server
                Thread hook = new Thread(() -> {
                    try {
                        app.close();
                    } catch (Exception e) {
                        // going down anyway
                    }
                });
                Runtime.getRuntime().addShutdownHook(hook);
                Store store = new Store(app.dataSource());
                if (only.contains("seed")) {
                    results.put("seed", new SeedBench(store).run(quick ? 10 : 50));
                }
                if (only.contains("ingest")) {
                    results.put("ingest", new IngestBench(app, store, pages, quick ? 1 : 5, quick ? 1 : 3).run());
                }
                if (only.contains("latest")) {
                    results.put("latest", new LatestBench(app, store, quick ? 2 : 5, quick ? 1 : 3).run());
                }
                if (only.contains("backfill")) {
                    results.put("backfill_inprocess", new BackfillBench(work, sandbox).inProcess(app, store, pages));
                }
                if (only.contains("status")) {
                    results.put("status", new StatusBench(app, store, quick ? 2_000_000 : 20_000_000, quick ? 5 : 20,
                            quick ? 1 : 5).run());
                }
            }
            if (only.contains("backfill") || only.contains("history")) {
                results.putAll(new BackfillBench(work, sandbox).jar(only.contains("backfill"), only.contains("history"),
                        quick ? 2 : 5));
            }
        }
        results.put("duration_s", Math.round((System.nanoTime() - started) / 1e9));
        Path out = root.resolve("bench/results/latest.json");
        keepEarlierSections(out, results);
        Report report = new Report(results);
        Files.createDirectories(out.getParent());
        JSON.writeValue(out.toFile(), report.json());
        log("wrote %s", out);
        report.rewriteReadme(root.resolve("bench/README.md"));
        log("rewrote the figures table of bench/README.md");
        System.exit(0);
    }
}
