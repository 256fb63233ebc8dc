package tickertape.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the open endpoints cost at tens of millions of bars: {@code GET /api/v2/status} and {@code GET /}
 * (no key) under load, with the reads of market_bar they cause (pg_stat_user_tables deltas), beside the
 * count the status report ran before series_bar_count (the reference, same store, same run).
 */
final class StatusBench {
    private static final List<String> TICKERS = List.of("ZSTA", "ZSTB", "ZSTC", "ZSTD");
    /** The status report's series query before V7: a count over every bar. */
    private static final String COUNT_ALL_SQL = """
            select ticker, timeframe, count(*) as bars, min(ts) as first_bar, max(ts) as last_bar
            from market_bar group by ticker, timeframe order by ticker, timeframe""";
    private static final String READS_SQL = """
            select t.seq_scan, t.seq_tup_read, coalesce(t.idx_scan, 0),
                   (select coalesce(sum(i.idx_tup_read), 0) from pg_stat_user_indexes i where i.relid = t.relid)
            from pg_stat_user_tables t where t.relid = 'market_bar'::regclass""";
    /**
     * A pooled backend that has gone idle reports its table statistics within PostgreSQL's idle
     * interval (10 s); waiting longer makes the deltas whole.
     */
    private static final Duration STATS_SETTLE = Duration.ofSeconds(11);
    private static final int CONNECTIONS = 8;

    private final InProcessApp app;
    private final Store store;
    private final long bars;
    private final int seconds;
    private final int countRuns;

    StatusBench(InProcessApp app, Store store, long bars, int seconds, int countRuns) {
        this.app = app;
        this.store = store;
        this.bars = bars;
        this.seconds = seconds;
        this.countRuns = countRuns;
    }

    Map<String, Object> run() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("bars", bars);
        figures.put("generate_s", generate());
        figures.put("connections", CONNECTIONS);
        figures.put("status_api", http("/api/v2/status"));
        figures.put("status_page", http("/"));
        figures.put("count_all_reference", countAll());
        store.reset();
        return figures;
    }

    /** {@link #bars} 1m bars over the four tickers, made by the server (generate_series), then vacuumed. */
    private double generate() throws Exception {
        store.reset();
        long perTicker = bars / TICKERS.size();
        long started = System.nanoTime();
        for (String ticker : TICKERS) {
            store.addTicker(ticker);
            store.execute("""
                    insert into market_bar (ticker, timeframe, ts, open, high, low, close, volume, vwap, trades)
                    select '%s', '1m', timestamptz '2000-01-03 14:30Z' + n * interval '1 minute',
                           100 + n %% 50, 101 + n %% 50, 99 + n %% 50, 100.5 + n %% 50, 1000, 100 + n %% 50, 10
                    from generate_series(0, %d) as n""".formatted(ticker, perTicker - 1));
            Bench.log("status: %,d bars of %s generated", perTicker, ticker);
        }
        double generated = (System.nanoTime() - started) / 1e9;
        // An all-visible table: the count below may then read only the index (its best case).
        store.settle();
        Bench.log("status: %,d bars in %.0f s, vacuumed", bars, generated);
        return Stats.round(generated, 1);
    }

    /** wrk (or the JVM load generator) against {@code path} without a key, and market_bar's reads meanwhile. */
    private Map<String, Object> http(String path) throws Exception {
        String url = app.baseUrl() + path;
        Duration duration = Duration.ofSeconds(seconds);
        long[] before = reads();
        Load.Result load = Load.wrkAvailable() ? Load.wrk(CONNECTIONS, duration, url, Map.of())
                : Load.jvm(CONNECTIONS, duration, Load.httpGet(Load.client(CONNECTIONS), url, Map.of()));
        Thread.sleep(STATS_SETTLE.toMillis());
        long[] after = reads();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("p50_ms", Stats.sig(load.p50Ms()));
        figures.put("p99_ms", Stats.sig(load.p99Ms()));
        figures.put("rps", Math.round(load.rps()));
        figures.put("requests", load.requests());
        figures.put("failures", load.failures());
        figures.put("tool", load.tool());
        putReads(figures, before, after);
        Bench.log("status: GET %s p99 %.2f ms, %,.0f req/s, %s", path, load.p99Ms(), load.rps(), figures);
        return figures;
    }

    /** The pre-V7 count, one run after another on one connection, and the reads it made. */
    private Map<String, Object> countAll() throws Exception {
        List<Double> millis = new ArrayList<>();
        long[] before = reads();
        try (Connection connection = store.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (int run = 0; run < countRuns; run++) {
                long started = System.nanoTime();
                try (ResultSet rows = statement.executeQuery(COUNT_ALL_SQL)) {
                    while (rows.next()) {
                        rows.getLong("bars");
                    }
                }
                millis.add((System.nanoTime() - started) / 1e6);
                Bench.log("status: count over every bar, run %d: %.0f ms", run + 1, millis.get(run));
            }
            statement.execute("select pg_stat_force_next_flush()");
        }
        long[] after = reads();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("runs", countRuns);
        figures.put("p50_ms", Stats.sig(Stats.median(millis)));
        figures.put("max_ms", Stats.sig(millis.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)));
        putReads(figures, before, after);
        return figures;
    }

    private static void putReads(Map<String, Object> figures, long[] before, long[] after) {
        figures.put("seq_scans", after[0] - before[0]);
        figures.put("seq_rows_read", after[1] - before[1]);
        figures.put("index_scans", after[2] - before[2]);
        figures.put("index_entries_read", after[3] - before[3]);
    }

    private long[] reads() throws Exception {
        try (Connection connection = store.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("select pg_stat_clear_snapshot()");
            try (ResultSet rows = statement.executeQuery(READS_SQL)) {
                rows.next();
                return new long[] {rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4)};
            }
        }
    }
}
