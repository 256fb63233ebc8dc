package tickertape.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The latest bar: GET /api/v2/data/market/latest (auth and rate limits on, a bench key with a huge
 * limit) at 1 and 32 connections, while a feed writes a newer bar every 100 ms (LatestFeed: the cache is
 * invalidated as in production, and each new bar must be served), beside two references at the same
 * concurrency: the same lookup as one JDBC query on the app's own pool, and a bare Vert.x server
 * answering the same bytes (this machine's limit for an HTTP answer). Each path is warmed up first
 * (unrecorded). Also the seed table's read figures (latest bar, 100 bars) as single queries.
 */
final class LatestBench {
    static final String LATEST_SQL = "select ts, open, high, low, close, volume, vwap, trades from market_bar "
            + "where ticker = ? and timeframe = ? order by ts desc limit 1";
    static final String HUNDRED_SQL = "select ts, open, high, low, close, volume, vwap, trades from market_bar "
            + "where ticker = ? and timeframe = ? and ts < ? order by ts desc limit 100";
    static final String PATH = "/api/v2/data/market/latest?ticker=SPY&timeframe=1m";

    private final InProcessApp app;
    private final Store store;
    private final int seconds;
    private final int reps;

    LatestBench(InProcessApp app, Store store, int seconds, int reps) {
        this.app = app;
        this.store = store;
        this.seconds = seconds;
        this.reps = reps;
    }

    Map<String, Object> run() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        if (store.queryLong("select count(*) from market_bar where ticker = 'SPY' and timeframe = '1m'") == 0) {
            Bench.log("latest: the store is empty, ingesting 100K SPY bars first");
            store.addTicker("SPY");
            new IngestBench(app, store, null, 0, 0).pipeline(List.of(Series.of("SPY", 100_000)));
        }
        figures.put("seed_queries", seedQueries());
        DataSource pool = store.dataSource();
        String key = null;
        String problem = null;
        try {
            key = ApiKeys.createBotKey(store);
        } catch (Exception e) {
            problem = "could not create a bench key in api_key: " + e.getMessage();
        }
        HttpResponse<String> probe = probe(key);
        boolean endpoint = probe != null && probe.statusCode() == 200;
        if (!endpoint) {
            String why = probe == null ? "no answer" : "HTTP " + probe.statusCode() + " " + abbreviate(probe.body());
            figures.put("note", (problem != null ? problem + "; " : "") + "GET " + PATH + " is not served yet (" + why
                    + "): the HTTP figures are null, the JDBC reference is measured");
            Bench.log("latest: endpoint not there (%s); JDBC reference only", why);
        }
        boolean wrk = Load.wrkAvailable();
        if (endpoint) {
            // The bare server answers exactly the bytes our endpoint answered, so both move the same body.
            byte[] body = probe.body().getBytes(StandardCharsets.UTF_8);
            figures.put("body_bytes", body.length);
            LatestFeed feed = new LatestFeed(pool, app.baseUrl() + PATH, key);
            try (feed; BareHttpServer bare = BareHttpServer.start(body)) {
                measure(figures, pool, Map.of("Authorization", "Bearer " + key), bare, wrk);
            }
            figures.put("writes_during_measurement", feed.figures());
        } else {
            measure(figures, pool, null, null, wrk);
        }
        figures.put("seconds_per_repetition", seconds);
        figures.put("repetitions", reps);
        return figures;
    }

    /**
     * Warms up then measures, at 1 and 32 connections, the JDBC reference and (given headers) our
     * endpoint and the bare server, one after the other in each repetition.
     */
    private void measure(Map<String, Object> figures, DataSource pool, Map<String, String> headers,
                         BareHttpServer bare, boolean wrk) throws Exception {
        // Unrecorded warm-up of every path at the higher concurrency: without it the first repetitions
        // measured the JIT compiling the app (1 connection, last cold run: 115, 336, 1,030 req/s).
        Duration warmUp = Duration.ofSeconds(3L * seconds);
        Load.jvm(32, warmUp, () -> latest(pool));
        if (headers != null) {
            http(32, warmUp, app.baseUrl() + PATH, headers, wrk);
            http(32, warmUp, bare.url(), Map.of(), wrk);
        }
        figures.put("warm_up_seconds_per_path", warmUp.toSeconds());
        for (int connections : List.of(1, 32)) {
            List<Load.Result> jdbc = new ArrayList<>();
            List<Load.Result> http = new ArrayList<>();
            List<Load.Result> bareHttp = new ArrayList<>();
            for (int rep = 0; rep < reps; rep++) {
                jdbc.add(Load.jvm(connections, Duration.ofSeconds(seconds), () -> latest(pool)));
                if (headers != null) {
                    http.add(http(connections, Duration.ofSeconds(seconds), app.baseUrl() + PATH, headers, wrk));
                    bareHttp.add(http(connections, Duration.ofSeconds(seconds), bare.url(), Map.of(), wrk));
                }
                Bench.log("latest: %d connection(s) rep %d: jdbc p99 %.2f ms %,.0f/s%s", connections, rep + 1,
                        jdbc.get(rep).p99Ms(), jdbc.get(rep).rps(), http.isEmpty() ? ""
                                : String.format(", http p99 %.2f ms %,.0f/s (%d failed), bare p99 %.2f ms %,.0f/s",
                                http.get(rep).p99Ms(), http.get(rep).rps(), http.get(rep).failures(),
                                bareHttp.get(rep).p99Ms(), bareHttp.get(rep).rps()));
            }
            Map<String, Object> at = new LinkedHashMap<>();
            at.put("jdbc", medianOf(jdbc));
            at.put("http", http.isEmpty() ? null : medianOf(http));
            at.put("bare", bareHttp.isEmpty() ? null : medianOf(bareHttp));
            if (!http.isEmpty()) {
                at.put("vs_bare", vsBare(http, bareHttp));
            }
            figures.put(connections + "c", at);
        }
    }

    private static Load.Result http(int connections, Duration duration, String url, Map<String, String> headers,
                                    boolean wrk) throws Exception {
        return wrk ? Load.wrk(connections, duration, url, headers)
                : Load.jvm(connections, duration, Load.httpGet(Load.client(connections), url, headers));
    }

    /** Our req/s and p99 as ratios to the bare server's, each the median of the repetitions' own ratios. */
    private static Map<String, Object> vsBare(List<Load.Result> http, List<Load.Result> bare) {
        List<Double> rps = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (int rep = 0; rep < http.size(); rep++) {
            rps.add(http.get(rep).rps() / bare.get(rep).rps());
            p99.add(http.get(rep).p99Ms() / bare.get(rep).p99Ms());
        }
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("rps_ratio", Stats.round(Stats.median(rps), 2));
        ratios.put("p99_ratio", Stats.round(Stats.median(p99), 2));
        ratios.put("rps_ratio_all", rps.stream().map(r -> Stats.round(r, 2)).toList());
        ratios.put("p99_ratio_all", p99.stream().map(r -> Stats.round(r, 2)).toList());
        return ratios;
    }

    private HttpResponse<String> probe(String key) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUrl() + PATH))
                    .timeout(Duration.ofSeconds(10));
            if (key != null) {
                request.header("Authorization", "Bearer " + key);
            }
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return null;
        }
    }

    private static Map<String, Object> medianOf(List<Load.Result> results) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("p50_ms", Stats.sig(Stats.median(results.stream().map(Load.Result::p50Ms).toList())));
        json.put("p99_ms", Stats.sig(Stats.median(results.stream().map(Load.Result::p99Ms).toList())));
        json.put("rps", Math.round(Stats.median(results.stream().map(Load.Result::rps).toList())));
        json.put("failures", results.stream().mapToLong(Load.Result::failures).sum());
        json.put("tool", results.get(0).tool());
        json.put("p99_ms_all", results.stream().map(r -> Stats.sig(r.p99Ms())).toList());
        json.put("rps_all", results.stream().map(r -> Math.round(r.rps())).toList());
        return json;
    }

    private static boolean latest(DataSource pool) throws Exception {
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(LATEST_SQL)) {
            statement.setString(1, "SPY");
            statement.setString(2, "1m");
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Single-connection medians of the seed table's two reads, on the app's pool. */
    private Map<String, Object> seedQueries() throws Exception {
        DataSource pool = store.dataSource();
        List<Double> latest = Stats.list();
        List<Double> hundred = Stats.list();
        Instant newest = Instant.ofEpochMilli(Series.of("SPY", 1).toMillis() + 60_000);
        for (int i = 0; i < 600; i++) {
            long t0 = System.nanoTime();
            latest(pool);
            long t1 = System.nanoTime();
            int n = 0;
            try (Connection connection = pool.getConnection();
                 PreparedStatement statement = connection.prepareStatement(HUNDRED_SQL)) {
                statement.setString(1, "SPY");
                statement.setString(2, "1m");
                statement.setTimestamp(3, Timestamp.from(newest.minus(Duration.ofDays(i % 60))));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        n++;
                    }
                }
            }
            long t2 = System.nanoTime();
            if (i >= 100 && n == 100) {
                latest.add((t1 - t0) / 1e6);
                hundred.add((t2 - t1) / 1e6);
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("latest_bar_jdbc_ms", Stats.sig(Stats.median(latest)));
        figures.put("bars_100_jdbc_ms", Stats.sig(Stats.median(hundred)));
        figures.put("samples", latest.size());
        return figures;
    }

    static String abbreviate(String text) {
        String flat = text == null ? "" : text.replaceAll("\\s+", " ");
        return flat.length() > 160 ? flat.substring(0, 160) + "…" : flat;
    }
}
