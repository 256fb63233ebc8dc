package tickertape.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The headline keys of latest.json and the generated part of bench/README.md. */
final class Report {
    static final String BEGIN = "<!-- figures:begin (written by bench/run; edits here are overwritten) -->";
    static final String END = "<!-- figures:end -->";

    private final Map<String, Object> results;

    Report(Map<String, Object> results) {
        this.results = results;
    }

    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        Double ratio = null;
        for (String scenario : new String[] {"100k_empty", "100k_half", "1m_empty", "1m_half"}) {
            Double r = num("ingest", scenario, "ratio_vs_copy");
            if (r != null) {
                ratio = ratio == null ? r : Math.min(ratio, r);
            }
        }
        json.put("ingest_vs_copy", ratio);
        json.put("ingest_100k_s", num("ingest", "100k_empty", "pipeline_s"));
        json.put("latest_p99_ms_32c", num("latest", "32c", "http", "p99_ms"));
        json.put("latest_rps_32c", num("latest", "32c", "http", "rps"));
        json.put("latest_vs_bare_rps_32c", num("latest", "32c", "vs_bare", "rps_ratio"));
        json.put("latest_vs_bare_p99_32c", num("latest", "32c", "vs_bare", "p99_ratio"));
        json.put("history_1y_1m_s", num("history", "1m", "json_s"));
        Double hourly = num("history", "1h", "json_s");
        json.put("history_1y_1h_ms", hourly == null ? null : Stats.sig(hourly * 1000));
        json.put("backfill_calls_vs_min", num("backfill", "ratio_vs_minimum"));
        Double peak = max(num("backfill", "peak_heap_mb"), num("history", "1m", "peak_heap_mb"));
        json.put("peak_heap_mb", peak == null ? null : Stats.sig(peak));
        Map<String, Object> references = new LinkedHashMap<>();
        references.put("ingest_100k_copy_s", num("ingest", "100k_empty", "copy_s"));
        references.put("latest_jdbc_p99_ms_32c", num("latest", "32c", "jdbc", "p99_ms"));
        references.put("latest_jdbc_rps_32c", num("latest", "32c", "jdbc", "rps"));
        references.put("latest_bare_p99_ms_32c", num("latest", "32c", "bare", "p99_ms"));
        references.put("latest_bare_rps_32c", num("latest", "32c", "bare", "rps"));
        references.put("history_1y_1m_copy_s", num("history", "1m", "copy_to_stdout_s"));
        Double hourlyCopy = num("history", "1h", "copy_to_stdout_s");
        references.put("history_1y_1h_copy_ms", hourlyCopy == null ? null : Stats.sig(hourlyCopy * 1000));
        references.put("backfill_minimum_requests", num("backfill", "minimum"));
        references.put("backfill_seed_way_requests", num("backfill", "seed_way"));
        json.put("references", references);
        json.put("notes", notes());
        json.putAll(results);
        return json;
    }

    private Map<String, Object> notes() {
        Map<String, Object> notes = new LinkedHashMap<>();
        Object latest = get("latest", "note");
        if (latest != null) {
            notes.put("latest", latest);
        }
        Object history = get("history", "note");
        if (history != null) {
            notes.put("history", history);
        }
        return notes;
    }

    void rewriteReadme(Path readme) throws Exception {
        String text = Files.exists(readme) ? Files.readString(readme) : "# tickertape benchmarks\n\n" + BEGIN + "\n" + END + "\n";
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            text = text + "\n" + BEGIN + "\n" + END + "\n";
            begin = text.indexOf(BEGIN);
            end = text.indexOf(END);
        }
        String updated = text.substring(0, begin + BEGIN.length()) + "\n" + table() + text.substring(end);
        Files.writeString(readme, updated);
    }

    @SuppressWarnings("unchecked")
    private String table() {
        Map<String, Object> machine = (Map<String, Object>) results.get("machine");
        StringBuilder md = new StringBuilder();
        md.append("Run of ").append(results.get("started_at")).append(" on ").append(machine.get("nproc")).append(" CPUs (")
                .append(machine.get("cpu")).append("), ").append(machine.get("memory_mb")).append(" MB RAM, ")
                .append(machine.get("java")).append("; ").append(results.get("duration_s")).append(" s in all")
                .append(Boolean.TRUE.equals(results.get("quick")) ? "; **--quick run: one repetition, not a figure of record**" : "")
                .append(". Reproduce: `bench/run` (figures: `bench/results/latest.json`).")
                .append(earlierSections())
                .append("\n\n");
        md.append("| what | measured | reference, same run | ratio | goal | met? |\n|---|---|---|---|---|---|\n");
        for (String scenario : new String[] {"100k_empty", "100k_half", "1m_empty", "1m_half"}) {
            Map<String, Object> s = (Map<String, Object>) get("ingest", scenario);
            if (s == null) {
                continue;
            }
            double ratio = ((Number) s.get("ratio_vs_copy")).doubleValue();
            boolean small = scenario.startsWith("100k");
            double seconds = ((Number) s.get("pipeline_s")).doubleValue();
            boolean met = ratio >= 0.5 && (!scenario.equals("100k_empty") || seconds <= 0.5);
            md.append(String.format(Locale.ROOT, "| ingest %s (Camel pipeline with 5m..4h roll-ups) | %s s (%,d rows/s) | COPY %s s (%,d rows/s) | %.2f × COPY | ≥ 0.5 × COPY%s | %s |%n",
                    s.get("name"), s.get("pipeline_s"), ((Number) s.get("pipeline_rows_per_s")).longValue(), s.get("copy_s"),
                    ((Number) s.get("copy_rows_per_s")).longValue(), ratio, scenario.equals("100k_empty") ? "; ≤ 0.5 s" : "",
                    met ? "yes" : "**no**"));
            if (small && s.get("ratio_vs_copy_missing_half") != null) {
                md.append(String.format(Locale.ROOT, "| ↳ same, against COPY of only the missing half | | COPY %s s | %.2f × | | |%n",
                        s.get("copy_missing_half_s"), ((Number) s.get("ratio_vs_copy_missing_half")).doubleValue()));
            }
        }
        for (String c : new String[] {"1c", "32c"}) {
            Map<String, Object> jdbc = (Map<String, Object>) get("latest", c, "jdbc");
            Map<String, Object> http = (Map<String, Object>) get("latest", c, "http");
            if (jdbc == null) {
                continue;
            }
            String goal = c.equals("32c") ? "p99 ≤ 5 ms; ≥ 10,000 req/s" : "—";
            String measured = http == null ? "null (endpoint not there yet)" : String.format(Locale.ROOT,
                    "p50 %s ms, p99 %s ms, %,d req/s (%s)", http.get("p50_ms"), http.get("p99_ms"),
                    ((Number) http.get("rps")).longValue(), http.get("tool"));
            String ratio = http == null ? "—" : String.format(Locale.ROOT, "%.2f × req/s",
                    ((Number) http.get("rps")).doubleValue() / ((Number) jdbc.get("rps")).doubleValue());
            String met = http == null ? "—" : c.equals("1c") ? "—"
                    : (((Number) http.get("p99_ms")).doubleValue() <= 5 && ((Number) http.get("rps")).doubleValue() >= 10_000)
                    ? "yes" : "**no**";
            md.append(String.format(Locale.ROOT, "| latest bar, %s connection(s), auth + limits on | %s | one JDBC query, same pool: p50 %s ms, p99 %s ms, %,d q/s | %s | %s | %s |%n",
                    c.replace("c", ""), measured, jdbc.get("p50_ms"), jdbc.get("p99_ms"), ((Number) jdbc.get("rps")).longValue(),
                    ratio, goal, met));
        }
        for (String c : new String[] {"1c", "32c"}) {
            Map<String, Object> http = (Map<String, Object>) get("latest", c, "http");
            Map<String, Object> bare = (Map<String, Object>) get("latest", c, "bare");
            if (http == null || bare == null) {
                continue;
            }
            double rpsRatio = num("latest", c, "vs_bare", "rps_ratio");
            double p99Ratio = num("latest", c, "vs_bare", "p99_ratio");
            boolean goal = c.equals("32c");
            md.append(String.format(Locale.ROOT, "| ↳ same, against a bare Vert.x server answering the same %s bytes, %s connection(s) | p99 %s ms, %,d req/s | bare: p50 %s ms, p99 %s ms, %,d req/s | %.2f × req/s, %.2f × p99 | %s | %s |%n",
                    get("latest", "body_bytes"), c.replace("c", ""), http.get("p99_ms"), ((Number) http.get("rps")).longValue(),
                    bare.get("p50_ms"), bare.get("p99_ms"), ((Number) bare.get("rps")).longValue(), rpsRatio, p99Ratio,
                    goal ? "≥ 0.5 × req/s, ≤ 2 × p99" : "—",
                    goal ? (rpsRatio >= 0.5 && p99Ratio <= 2 ? "yes" : "**no**") : "—"));
        }
        Map<String, Object> writes = (Map<String, Object>) get("latest", "writes_during_measurement");
        if (writes != null) {
            md.append(String.format(Locale.ROOT, "| ↳ writes meanwhile: a newer SPY 1m bar every %s ms, announced | %s bars, each served p50 %s ms, p99 %s ms, at most %s ms after its commit | — | — | every bar served | %s |%n",
                    writes.get("every_ms"), writes.get("writes"), writes.get("served_after_commit_p50_ms"),
                    writes.get("served_after_commit_p99_ms"), writes.get("served_after_commit_max_ms"),
                    ((Number) writes.get("never_served_within_5s")).longValue() == 0 && writes.get("failure") == null
                            ? "yes" : "**no**"));
        }
        for (String tf : new String[] {"1m", "1h"}) {
            Map<String, Object> h = (Map<String, Object>) get("history", tf);
            if (h == null) {
                continue;
            }
            String goal = tf.equals("1m") ? "≤ 1 s, heap flat" : "≤ 50 ms";
            double limit = tf.equals("1m") ? 1.0 : 0.05;
            for (String format : new String[] {"json", "csv"}) {
                Object seconds = h.get(format + "_s");
                String measured = seconds == null ? "null (endpoint not there yet)" : tf.equals("1m")
                        ? seconds + " s" : Stats.sig(((Number) seconds).doubleValue() * 1000) + " ms";
                String reference = tf.equals("1m") ? h.get("copy_to_stdout_s") + " s"
                        : Stats.sig(((Number) h.get("copy_to_stdout_s")).doubleValue() * 1000) + " ms";
                Object ratio = h.get(format + "_vs_copy");
                Object split = get("history", "split_adjusted_from");
                md.append(String.format(Locale.ROOT, "| history, 1 year of SPY %s (%s rows), %s%s | %s; peak heap %s MB (before %s) | COPY (SELECT …) TO STDOUT %s | %s | %s | %s |%n",
                        tf, h.get("rows"), format.toUpperCase(Locale.ROOT),
                        split == null ? "" : ", split-adjusted (a 2-for-1 split on " + split + ")", measured, h.get("peak_heap_mb"),
                        h.get("heap_before_mb"), reference, ratio == null ? "—" : ratio + " × COPY", goal,
                        seconds == null ? "—" : ((Number) seconds).doubleValue() <= limit ? "yes" : "**no**"));
            }
            if (h.get("raw_json_s") != null) {
                md.append(String.format(Locale.ROOT, "| ↳ the cost of the split adjustment, 1 year of SPY %s, JSON | adjusted %s s | adjusted=false (as stored, nothing scaled) %s s | %s × raw | — | — |%n",
                        tf, h.get("json_s"), h.get("raw_json_s"), h.get("json_vs_raw")));
            }
        }
        Map<String, Object> b = (Map<String, Object>) results.get("backfill");
        if (b != null) {
            double ratio = ((Number) b.get("ratio_vs_minimum")).doubleValue();
            md.append(String.format(Locale.ROOT, "| backfill requests, 2 years × SPY QQQ IWM UVXY × 1m 5m 15m 1h 4h 1d (jar, sandbox) | %s requests (%s retries), %s bars, %s s | minimum %s; seed system's way %s | %.2f × minimum (%.3f × seed way) | ≤ 1.1 × minimum | %s |%n",
                    b.get("requests"), b.get("retries"), b.get("bars_total"), b.get("db_s"), b.get("minimum"), b.get("seed_way"),
                    ratio, ((Number) b.get("requests")).doubleValue() / ((Number) b.get("seed_way")).doubleValue(),
                    ratio <= 1.1 ? "yes" : "**no**"));
            Map<String, Object> in = (Map<String, Object>) results.get("backfill_inprocess");
            if (in != null) {
                md.append(String.format(Locale.ROOT, "| ↳ cross-check in-process, requests counted by the fake Polygon | %s requests (api_calls %s) | minimum %s | %.2f × minimum | ≤ 1.1 × minimum | %s |%n",
                        in.get("requests_counted_by_fake"), in.get("requests"), in.get("minimum"),
                        ((Number) in.get("requests_counted_by_fake")).doubleValue() / ((Number) in.get("minimum")).doubleValue(),
                        ((Number) in.get("requests_counted_by_fake")).doubleValue() / ((Number) in.get("minimum")).doubleValue() <= 1.1
                                ? "yes" : "**no**"));
            }
            double peak = ((Number) b.get("peak_heap_mb")).doubleValue();
            md.append(String.format(Locale.ROOT, "| peak heap, full backfill (the jar under -Xmx%sm, used heap sampled every 200 ms) | finished; %s MB used at most (old gen peak %s MB) | — | — | ≤ 256 MB | %s |%n",
                    b.get("xmx_mb"), b.get("peak_heap_mb"), b.get("peak_old_gen_mb"),
                    ((Number) b.get("xmx_mb")).intValue() <= 256 || peak <= 256 ? "yes" : "**no**"));
        }
        statusRows(md);
        Map<String, Object> h1m = (Map<String, Object>) get("history", "1m");
        if (h1m != null) {
            double peak = ((Number) h1m.get("peak_heap_mb")).doubleValue();
            boolean underLimit = b != null && ((Number) b.get("xmx_mb")).intValue() <= 256;
            md.append(String.format(Locale.ROOT, "| peak heap, history reads (same process%s) | %s MB used (old gen peak %s MB)%s | — | — | ≤ 256 MB | %s |%n",
                    underLimit ? ", under -Xmx" + b.get("xmx_mb") + "m" : "", h1m.get("peak_heap_mb"), h1m.get("peak_old_gen_mb"),
                    h1m.get("json_s") == null ? ", endpoint not there: COPY only" : "",
                    underLimit || peak <= 256 ? "yes" : "**no**"));
        }
        md.append("\nWhere ingest time goes (each part alone on the same rows, medians):\n\n")
                .append("| rows | polygon-request route: HTTP + JSON unmarshal | BarStore.write alone (reads, roll-ups, COPY, commit) | rows it stores (1m + roll-ups) | COPY of those rows | whole pipeline | COPY of the 1m rows |\n|---|---|---|---|---|---|---|\n");
        for (String size : new String[] {"100k", "1m"}) {
            Map<String, Object> d = (Map<String, Object>) get("ingest", size + "_breakdown");
            Map<String, Object> s = (Map<String, Object>) get("ingest", size + "_empty");
            if (d != null && s != null && d.get("store_write_s") != null) {
                md.append(String.format(Locale.ROOT, "| %,d | %s s | %s s | %,d | %s s | %s s | %s s |%n",
                        ((Number) d.get("rows")).longValue(), d.get("fetch_unmarshal_s"), d.get("store_write_s"),
                        ((Number) d.get("rows_written_with_rollups")).longValue(), d.get("copy_with_rollups_s"),
                        s.get("pipeline_s"), s.get("copy_s")));
            }
        }
        md.append("\nThe seed system's own table (docs/POLYGON.md), our figures beside its targets:\n\n")
                .append("| what | target | seed measured | tickertape (this run) | how measured |\n|---|---|---|---|---|\n");
        Object single = get("seed", "single_insert_ms");
        Object bulk = get("seed", "bulk_50_ms");
        Object latestQuery = get("latest", "seed_queries", "latest_bar_jdbc_ms");
        Object hundred = get("latest", "seed_queries", "bars_100_jdbc_ms");
        Object api = get("latest", "1c", "http", "p50_ms");
        Object insert100k = get("ingest", "100k_empty", "pipeline_s");
        Object year = get("history", "1m", "json_s");
        md.append("| single insert | < 50 ms | ~20 ms | ").append(ms(single)).append(" | one 1m bar through BarStore.write (read, roll-ups, COPY: one transaction, fsync on), median |\n");
        md.append("| bulk insert, 50 bars | < 500 ms | ~300 ms | ").append(ms(bulk)).append(" | 50 1m bars, same |\n");
        md.append("| latest bar query | < 10 ms | ~5 ms | ").append(ms(latestQuery)).append(" | one JDBC query on the app's pool, median |\n");
        md.append("| 100 bars query | < 100 ms | ~50 ms | ").append(ms(hundred)).append(" | one JDBC query on the app's pool, median |\n");
        md.append("| API response | < 500 ms | ~200 ms | ").append(api == null ? "null (endpoint not there yet)" : api + " ms")
                .append(" | GET /api/v2/data/market/latest, 1 connection, p50 |\n");
        md.append("| insert 100K rows | < 5 s | not run | ").append(insert100k == null ? "—" : insert100k + " s")
                .append(" | Polygon pages through the whole pipeline, empty table |\n");
        md.append("| query 1 year | < 500 ms | not run | ").append(year == null ? "null (endpoint not there yet)" : year + " s")
                .append(" | one year of SPY 1m over REST (JSON) |\n");
        md.append("| backfill | 2 years, 4 tickers, 6 timeframes, 500K+ bars | 30 days, 2 timeframes, 900 bars | ")
                .append(b == null ? "—" : b.get("bars_total") + " bars in " + b.get("db_s") + " s, " + b.get("requests") + " requests")
                .append(" | the jar's own backfill against the sandbox |\n");
        Map<String, Object> notes = notes();
        if (!notes.isEmpty()) {
            md.append("\nNotes of this run:\n\n");
            notes.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        }
        return md.toString();
    }

    /** The open endpoints under load at tens of millions of bars, beside the count they ran before V7. */
    @SuppressWarnings("unchecked")
    private void statusRows(StringBuilder md) {
        Map<String, Object> count = (Map<String, Object>) get("status", "count_all_reference");
        if (count == null) {
            return;
        }
        for (String endpoint : new String[] {"status_api", "status_page"}) {
            Map<String, Object> e = (Map<String, Object>) get("status", endpoint);
            double p99 = ((Number) e.get("p99_ms")).doubleValue();
            md.append(String.format(Locale.ROOT, "| %s without a key, %s connections, %,d bars | p50 %s ms, p99 %s ms, %,d req/s (%s, %s failed); market_bar: %s full scans (%,d rows), %s index scans (%,d entries) for %,d requests | the pre-V7 count over every bar, one at a time: p50 %s ms, at most %s ms; %s full scans (%,d rows), %s index scans (%,d entries) for %s runs | p99 %.3f × the count's p50 | no full scan; p99 ≤ the count's p50 | %s |%n",
                    endpoint.equals("status_api") ? "GET /api/v2/status" : "GET / (status page)", get("status", "connections"),
                    ((Number) get("status", "bars")).longValue(), e.get("p50_ms"), e.get("p99_ms"),
                    ((Number) e.get("rps")).longValue(), e.get("tool"), e.get("failures"), e.get("seq_scans"),
                    ((Number) e.get("seq_rows_read")).longValue(), e.get("index_scans"),
                    ((Number) e.get("index_entries_read")).longValue(), ((Number) e.get("requests")).longValue(),
                    count.get("p50_ms"), count.get("max_ms"), count.get("seq_scans"),
                    ((Number) count.get("seq_rows_read")).longValue(), count.get("index_scans"),
                    ((Number) count.get("index_entries_read")).longValue(), count.get("runs"),
                    p99 / ((Number) count.get("p50_ms")).doubleValue(),
                    ((Number) e.get("seq_scans")).longValue() == 0 && p99 <= ((Number) count.get("p50_ms")).doubleValue()
                            ? "yes" : "**no**"));
        }
    }

    private static String ms(Object value) {
        return value == null ? "—" : value + " ms";
    }

    private static Double max(Double a, Double b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return Math.max(a, b);
    }

    /** Which sections' figures come from an earlier run (a run of some sections keeps the others'). */
    @SuppressWarnings("unchecked")
    private String earlierSections() {
        Map<String, Object> earlier = (Map<String, Object>) results.get("earlier_sections");
        if (earlier == null) {
            return "";
        }
        StringBuilder text = new StringBuilder(" Sections ").append(results.get("sections"))
                .append(" measured in this run; the others kept from earlier runs:");
        earlier.forEach((section, startedAt) -> text.append(" ").append(section).append(" ").append(startedAt).append(";"));
        text.setLength(text.length() - 1);
        return text.append(".").toString();
    }

    private Double num(String... path) {
        Object value = get(path);
        return value instanceof Number number ? number.doubleValue() : null;
    }

    @SuppressWarnings("unchecked")
    private Object get(String... path) {
        Object node = results;
        for (String key : path) {
            if (!(node instanceof Map)) {
                return null;
            }
            node = ((Map<String, Object>) node).get(key);
        }
        return node;
    }
}
