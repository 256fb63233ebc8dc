package tickertape.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.ds.PGSimpleDataSource;
import tickertape.ingest.IngestionJob;
import tickertape.ingest.SeriesPlanner;
import tickertape.market.Timeframe;
import tickertape.sandbox.Aggregate;
import tickertape.sandbox.SandboxPolygonServer;

/**
 * The 2-year backfill of SPY QQQ IWM UVXY: requests against the minimum and the seed system's way,
 * time, and the app's peak heap; first as the user runs it (java -jar tickertape.jar with the
 * sandbox default, counting requests from ingestion_run.api_calls), then in-process against a
 * counting fake Polygon as a cross-check. The jar's store then serves the history read.
 */
final class BackfillBench {
    static final List<String> TICKERS = List.of("SPY", "QQQ", "IWM", "UVXY");
    static final int LIMIT = 50_000;
    static final int SEED_LIMIT = 5_000;
    /**
     * The memory goal as the jar's -Xmx: a backfill and history reads that finish under it stayed
     * within it, whatever the sampled used heap (which counts garbage not yet collected) shows.
     */
    static final int HEAP_LIMIT_MB = 256;

    private final Path work;
    private final SandboxPolygonServer sandbox;

    BackfillBench(Path work, SandboxPolygonServer sandbox) {
        this.work = work;
        this.sandbox = sandbox;
    }

    /** The packaged app as ops run it: backfill, then (same process, same store) the history read. */
    Map<String, Object> jar(boolean backfill, boolean history, int historyReps) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        Path data = Files.createDirectories(work.resolve("jardata"));
        int http = InProcessApp.freePort();
        int management = InProcessApp.freePort();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP_LIMIT_MB + "m", "-jar", work.resolve("tickertape.jar").toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("jar-app.log").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("TICKERTAPE_") || k.startsWith("POLYGON_") || k.equals("DATABASE_URL"));
        env.put("TICKERTAPE_DATA_DIR", data.toString());
        env.put("TICKERTAPE_HTTP_PORT", String.valueOf(http));
        env.put("TICKERTAPE_MANAGEMENT_PORT", String.valueOf(management));
        // the sandbox's budget (600/min by default) is not what is measured
        env.put("TICKERTAPE_SANDBOX_REQUESTS_PER_MINUTE", "100000");
        Bench.log("backfill: starting java -Xmx%dm -jar tickertape.jar (sandbox, 2 years, 4 tickers)", HEAP_LIMIT_MB);
        long start = System.nanoTime();
        Process process = builder.start();
        Thread hook = new Thread(process::destroy); // Ctrl-C: SIGTERM, so it stops its PostgreSQL
        Runtime.getRuntime().addShutdownHook(hook);
        try (HeapSampler heap = new HeapSampler(management)) {
            awaitStatus(http, process);
            PGSimpleDataSource db = new PGSimpleDataSource();
            db.setUrl("jdbc:postgresql://127.0.0.1:" + postmasterPort(data) + "/postgres");
            db.setUser("postgres");
            db.setPassword(Files.readString(data.resolve("postgres.password")).trim());
            Store store = new Store(db);
            awaitBackfill(store, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the app exited with " + process.exitValue() + ": see jar-app.log");
                }
                return store.anyRunning();
            });
            long end = System.nanoTime();
            if (backfill) {
                Map<String, Object> figures = backfillFigures(store, "api_calls of the backfill runs (ingestion_run)");
                double[] peak = heap.peak(start, end);
                figures.put("wall_s_from_process_start", Stats.sig((end - start) / 1e9));
                figures.put("peak_heap_mb", Stats.sig(peak[0]));
                figures.put("peak_old_gen_mb", Stats.sig(peak[1]));
                figures.put("heap_samples", (int) peak[2]);
                figures.put("xmx_mb", HEAP_LIMIT_MB);
                out.put("backfill", figures);
            }
            if (history) {
                out.put("history", new HistoryBench(store, "http://127.0.0.1:" + http, heap, historyReps).run());
            }
        } finally {
            process.destroy();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        return out;
    }

    /** The same backfill in-process, against the page server in front of the sandbox (both count requests). */
    Map<String, Object> inProcess(InProcessApp app, Store store, PageServer pages) throws Exception {
        store.reset();
        SeriesPlanner planner = app.bean("seriesPlanner", SeriesPlanner.class);
        List<IngestionJob> jobs = new ArrayList<>();
        for (String ticker : TICKERS) {
            store.addTicker(ticker);
            jobs.addAll(planner.onStart(ticker, "P2Y"));
        }
        Bench.log("backfill: in-process, %d jobs against the counting fake Polygon", jobs.size());
        long servedBefore = pages.served();
        long sandboxBefore = sandbox.requestsServed();
        long start = System.nanoTime();
        app.template.requestBody("direct:queue-jobs", jobs, List.class);
        awaitBackfill(store, store::anyRunning);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> figures = backfillFigures(store, "requests the fake Polygon answered");
        figures.put("requests_counted_by_fake", pages.served() - servedBefore);
        figures.put("requests_reaching_sandbox", sandbox.requestsServed() - sandboxBefore);
        figures.put("wall_s", Stats.sig(seconds));
        return figures;
    }

    private Map<String, Object> backfillFigures(Store store, String countedBy) throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        long apiCalls = store.queryLong("select coalesce(sum(api_calls), 0) from ingestion_run where trigger = 'backfill'");
        figures.put("requests", apiCalls);
        figures.put("counted_by", countedBy);
        figures.put("retries", store.queryLong("select coalesce(sum(retries), 0) from ingestion_run where trigger = 'backfill'"));
        figures.put("runs", store.queryLong("select count(*) from ingestion_run where trigger = 'backfill'"));
        figures.put("db_s", Stats.sig(store.queryLong("select (extract(epoch from max(finished_at) - min(started_at)) * 1000)::bigint "
                + "from ingestion_run where trigger = 'backfill'") / 1000.0));
        Map<String, Object> bars = new LinkedHashMap<>();
        try (Connection connection = store.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select timeframe, count(*) from market_bar group by timeframe "
                     + "order by min(case timeframe when '1m' then 1 when '5m' then 2 when '15m' then 3 when '1h' then 4 "
                     + "when '4h' then 5 else 6 end)")) {
            while (rows.next()) {
                bars.put(rows.getString(1), rows.getLong(2));
            }
        }
        figures.put("bars", bars);
        figures.put("bars_total", bars.values().stream().mapToLong(v -> (Long) v).sum());
        // The minimum and the seed system's way, over each series' own backfill window.
        long minimum = 0;
        long seedWay = 0;
        Map<String, Object> perTicker = new LinkedHashMap<>();
        for (String ticker : TICKERS) {
            long[] minuteWindow = window(store, ticker, "1m");
            long[] dayWindow = window(store, ticker, "1d");
            long base = baseBars(ticker, minuteWindow[0], minuteWindow[1], minuteWindow[2]);
            long stored = store.queryLong("select count(*) from market_bar where ticker = '" + ticker + "' and timeframe = '1m'");
            long min = (base + LIMIT - 1) / LIMIT + 1;
            long seed = 0;
            for (Timeframe timeframe : Timeframe.values()) {
                long[] w = timeframe == Timeframe.D1 ? dayWindow : minuteWindow;
                seed += pagesAt(ticker, timeframe, w[0], w[1], SEED_LIMIT);
            }
            minimum += min;
            seedWay += seed;
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("base_1m_bars_in_window", base);
            one.put("stored_1m_bars", stored);
            one.put("minimum_requests", min);
            one.put("seed_way_requests", seed);
            perTicker.put(ticker, one);
        }
        figures.put("minimum", minimum);
        figures.put("seed_way", seedWay);
        figures.put("ratio_vs_minimum", Stats.round((double) apiCalls / minimum, 3));
        figures.put("per_ticker", perTicker);
        return figures;
    }

    /** {from ms, to ms, started ms} of the series' backfill run (the widest if several). */
    private static long[] window(Store store, String ticker, String timeframe) throws Exception {
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "select (extract(epoch from min(window_from)) * 1000)::bigint, (extract(epoch from max(window_to)) * 1000)::bigint, "
                             + "(extract(epoch from min(started_at)) * 1000)::bigint from ingestion_run "
                             + "where trigger = 'backfill' and ticker = ? and timeframe = ?")) {
            statement.setString(1, ticker);
            statement.setString(2, timeframe);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new long[] {rows.getLong(1), rows.getLong(2), rows.getLong(3)};
            }
        }
    }

    /** The sandbox's 1m bars starting in [from, to] that had ended when the run started. */
    private static long baseBars(String ticker, long from, long to, long servedUntil) {
        LocalDate first = Instant.ofEpochMilli(from).atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
        LocalDate last = Instant.ofEpochMilli(to).atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
        long n = 0;
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            for (Aggregate bar : Series.SOURCE.minuteBars(ticker, day)) {
                if (bar.startMillis() >= from && bar.startMillis() <= to && bar.startMillis() + 60_000 <= servedUntil) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Requests a client makes for the series at this limit: the sandbox asked, next_url followed. */
    private long pagesAt(String ticker, Timeframe timeframe, long from, long to, int limit) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String url = sandbox.baseUrl() + "/v2/aggs/ticker/" + ticker + "/range/" + timeframe.multiplier() + "/"
                + timeframe.timespan() + "/" + from + "/" + to + "?adjusted=true&sort=asc&limit=" + limit;
        long requests = 0;
        Pattern next = Pattern.compile("\"next_url\"\\s*:\\s*\"([^\"]+)\"");
        while (url != null) {
            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer bench").build(), HttpResponse.BodyHandlers.ofString());
            requests++;
            if (page.statusCode() != 200) {
                throw new IllegalStateException("sandbox answered " + page.statusCode() + " to " + url);
            }
            Matcher m = next.matcher(page.body());
            url = m.find() ? m.group(1) : null;
        }
        return requests;
    }

    private static void awaitStatus(int http, Process process) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the app exited with " + process.exitValue() + ": see jar-app.log");
            }
            try {
                if (client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/api/v2/status")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the app did not answer /api/v2/status within 3 minutes");
    }

    interface Busy {
        boolean any() throws Exception;
    }

    /**
     * Until the 8 backfill runs (4 tickers x 1m, 1d) exist, none is under way and nothing new opened
     * for 2 s. "Under way" is a run whose ingestion_run.status is RUNNING.
     */
    private static void awaitBackfill(Store store, Busy busy) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        long quietSince = -1;
        long seen = -1;
        while (System.nanoTime() < deadline) {
            long runs = store.queryLong("select count(*) from ingestion_run where trigger = 'backfill'");
            if (runs >= 2L * TICKERS.size() && runs == seen && !busy.any()) {
                if (quietSince < 0) {
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince > 2_000_000_000L) {
                    return;
                }
            } else {
                quietSince = -1;
            }
            seen = runs;
            Thread.sleep(100);
        }
        throw new IllegalStateException("backfill not finished within 30 minutes");
    }

    /** Line 4 of postmaster.pid: the embedded server's port. */
    private static int postmasterPort(Path data) throws Exception {
        try (var dirs = Files.list(data)) {
            Path pg = dirs.filter(p -> p.getFileName().toString().startsWith("pg")).findFirst().orElseThrow();
            return Integer.parseInt(Files.readAllLines(pg.resolve("postmaster.pid")).get(3).trim());
        }
    }
}
