package tickertape.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import tickertape.bars.BarBatch;
import tickertape.bars.BarRow;
import tickertape.bars.BarStore;
import tickertape.ingest.IngestionJob;
import tickertape.ingest.RunTrigger;
import tickertape.ingest.SeriesPlanner;
import tickertape.market.Timeframe;
import tickertape.polygon.AggregatesPage;

/**
 * Ingest: Polygon pages of 1m bars (50,000 a page) through the real pipeline of the in-process app
 * (queue-jobs -> ingest-window page loop -> polygon-request -> validation -> store-bars aggregator ->
 * BarStore: reads, roll-ups, COPY), timed from queueing the runs to the last run closed, beside a COPY of
 * the same rows into the same (empty) table. Then where the time goes: the same rows through
 * BarStore's upsert and roll-up alone (no HTTP, no Camel), and the pages through polygon-request alone.
 */
final class IngestBench {
    static final int PAGE = 50_000;

    private final InProcessApp app;
    private final Store store;
    private final PageServer pages;
    private final int reps100k;
    private final int reps1m;
    private final BarStore barStore;

    IngestBench(InProcessApp app, Store store, PageServer pages, int reps100k, int reps1m) {
        this.app = app;
        this.store = store;
        this.pages = pages;
        this.reps100k = reps100k;
        this.reps1m = reps1m;
        this.barStore = new BarStore(store.dataSource(), List.of());
    }

    Map<String, Object> run() throws Exception {
        List<Series> small = List.of(Series.of("SPY", 100_000));
        List<Series> large = new ArrayList<>();
        for (String ticker : List.of("SPY", "QQQ", "IWM", "UVXY")) {
            large.add(Series.of(ticker, 250_000));
        }
        for (String ticker : List.of("SPY", "QQQ", "IWM", "UVXY")) {
            store.addTicker(ticker);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("100k_empty", scenario("100K rows, empty table", small, false, reps100k));
        result.put("100k_half", scenario("100K rows, half present", small, true, reps100k));
        result.put("100k_breakdown", breakdown(small, reps100k));
        result.put("1m_half", scenario("1M rows, half present", large, true, reps1m));
        result.put("1m_breakdown", breakdown(large, Math.max(1, reps1m - 1)));
        // last, so that the store holds the 1M rows (with roll-ups) for the read benchmarks after it
        result.put("1m_empty", scenario("1M rows, empty table", large, false, reps1m));
        return result;
    }

    private Map<String, Object> scenario(String name, List<Series> series, boolean halfPresent, int reps)
            throws Exception {
        int rows = Series.rowCount(series);
        byte[] csv = Store.csv(series, false, false);
        byte[] newerHalfCsv = halfPresent ? Store.csv(series, false, true) : null;
        Bench.log("ingest: %s (%,d rows in %d series), warm-up", name, rows, series.size());
        prepare(series, halfPresent);
        pipeline(series); // warm-up: records the pages from the sandbox, warms the JIT
        long missesBefore = pages.misses();
        List<Double> pipelineSeconds = Stats.list();
        List<Double> copySeconds = Stats.list();
        List<Double> copyNewerHalfSeconds = Stats.list();
        Map<String, Object> lastCounts = null;
        for (int rep = 0; rep < reps; rep++) {
            store.reset();
            copySeconds.add(store.copyIn(csv));
            prepare(series, halfPresent);
            Map<String, Object> counts = pipeline(series);
            pipelineSeconds.add((Double) counts.remove("seconds"));
            lastCounts = counts;
            if (halfPresent && rows <= 100_000) {
                prepare(series, true);
                copyNewerHalfSeconds.add(store.copyIn(newerHalfCsv));
            }
            Bench.log("ingest: %s rep %d: pipeline %.3f s, COPY %.3f s", name, rep + 1,
                    pipelineSeconds.get(rep), copySeconds.get(rep));
        }
        double pipeline = Stats.median(pipelineSeconds);
        double copy = Stats.median(copySeconds);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("name", name);
        figures.put("rows", rows);
        figures.put("pages", series.stream().mapToInt(one -> (one.bars().size() + PAGE - 1) / PAGE).sum());
        figures.put("repetitions", reps);
        figures.put("pipeline_s", Stats.sig(pipeline));
        figures.put("pipeline_rows_per_s", Math.round(rows / pipeline));
        figures.put("copy_s", Stats.sig(copy));
        figures.put("copy_rows_per_s", Math.round(rows / copy));
        figures.put("ratio_vs_copy", Stats.round(copy / pipeline, 3));
        if (!copyNewerHalfSeconds.isEmpty()) {
            double copyHalf = Stats.median(copyNewerHalfSeconds);
            figures.put("copy_missing_half_s", Stats.sig(copyHalf));
            figures.put("ratio_vs_copy_missing_half", Stats.round(copyHalf / pipeline, 3));
        }
        figures.put("pipeline_s_all", pipelineSeconds);
        figures.put("copy_s_all", copySeconds);
        figures.put("last_run", lastCounts);
        figures.put("page_server_misses_during_timed_runs", pages.misses() - missesBefore);
        return figures;
    }

    /** An empty table, or one holding the older half of every series written as the app writes (with roll-ups). */
    private void prepare(List<Series> series, boolean halfPresent) throws Exception {
        store.reset();
        if (halfPresent) {
            for (Series one : series) {
                List<BarRow> rows = Store.rows(one.ticker(), one.olderHalf());
                for (int from = 0; from < rows.size(); from += PAGE) {
                    List<BarRow> chunk = new ArrayList<>(rows.subList(from, Math.min(rows.size(), from + PAGE)));
                    barStore.write(new BarBatch(List.of(Store.page(one.ticker(), chunk))));
                }
            }
            store.settle();
        }
    }

    /** Queues one manual run per series and waits for all to close; seconds and the runs' counts. */
    @SuppressWarnings("unchecked")
    Map<String, Object> pipeline(List<Series> series) throws Exception {
        SeriesPlanner planner = app.bean("seriesPlanner", SeriesPlanner.class);
        List<IngestionJob> jobs = new ArrayList<>();
        for (Series one : series) {
            jobs.add(planner.window(RunTrigger.MANUAL, one.ticker(), Timeframe.M1, Instant.ofEpochMilli(one.fromMillis()),
                    Instant.ofEpochMilli(one.toMillis())));
        }
        long start = System.nanoTime();
        List<IngestionJob> opened = app.template.requestBody("direct:queue-jobs", jobs, List.class);
        List<Long> ids = opened.stream().map(IngestionJob::runId).toList();
        while (store.stillRunning(ids) > 0) {
            Thread.sleep(5);
            if (System.nanoTime() - start > 600_000_000_000L) {
                throw new IllegalStateException("runs " + ids + " still running after 10 minutes");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Object[] totals = store.runTotals(ids);
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("seconds", seconds);
        counts.put("inserted", totals[0]);
        counts.put("updated", totals[1]);
        counts.put("received", totals[2]);
        counts.put("api_calls", totals[3]);
        counts.put("status", totals[4]);
        if (String.valueOf(totals[4]).contains("FAILED") || String.valueOf(totals[4]).contains("PARTIAL")) {
            throw new IllegalStateException("ingest runs ended " + totals[4] + ": see the app log");
        }
        return counts;
    }

    /**
     * Where the pipeline's time goes, each part alone on the same rows: the pages through the real
     * polygon-request route (HTTP + JSON unmarshal), and BarStore.write per 50,000-row page without
     * Camel (read of the spans, roll-ups, COPY, commit), beside a COPY of every row that write stores
     * (the 1m rows and their roll-ups): the physical floor of what BarStore does.
     */
    private Map<String, Object> breakdown(List<Series> series, int reps) throws Exception {
        int rows = Series.rowCount(series);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("rows", rows);
        Bench.log("ingest: breakdown of %,d rows", rows);
        List<Double> fetch = Stats.list();
        List<Double> writes = Stats.list();
        List<Double> copyAll = Stats.list();
        for (int rep = 0; rep < reps; rep++) {
            fetch.add(fetchAll(series));
            store.reset();
            double seconds = 0;
            for (Series one : series) {
                List<BarRow> all = Store.rows(one.ticker(), one.bars());
                for (int from = 0; from < all.size(); from += PAGE) {
                    List<BarRow> page = all.subList(from, Math.min(all.size(), from + PAGE));
                    long start = System.nanoTime();
                    barStore.write(new BarBatch(List.of(Store.page(one.ticker(), page))));
                    seconds += (System.nanoTime() - start) / 1e9;
                }
            }
            writes.add(seconds);
            byte[] everything = store.copyOutBars();
            figures.put("rows_written_with_rollups", store.queryLong("select count(*) from market_bar"));
            store.reset();
            copyAll.add(store.copyIn(everything));
        }
        figures.put("fetch_unmarshal_s", Stats.sig(Stats.median(fetch)));
        figures.put("store_write_s", Stats.sig(Stats.median(writes)));
        figures.put("copy_with_rollups_s", Stats.sig(Stats.median(copyAll)));
        figures.put("repetitions", reps);
        return figures;
    }

    /** Every page of the series through direct:polygon-request (throttle, HTTP, unmarshal); seconds. */
    private double fetchAll(List<Series> series) {
        long start = System.nanoTime();
        for (Series one : series) {
            String url = pages.baseUrl() + "/v2/aggs/ticker/" + one.ticker() + "/range/1/minute/" + one.fromMillis() + "/"
                    + one.toMillis() + "?adjusted=true&sort=asc&limit=" + PAGE;
            while (url != null) {
                String request = url;
                Exchange exchange = app.template.send("direct:polygon-request", ex -> ex.setProperty("polygonUrl", request));
                if (exchange.getException() != null) {
                    throw new IllegalStateException("fetch failed: " + exchange.getException());
                }
                AggregatesPage page = exchange.getMessage().getBody(AggregatesPage.class);
                url = page.nextUrl();
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
