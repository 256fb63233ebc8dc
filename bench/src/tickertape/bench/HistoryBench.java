package tickertape.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One year of one ticker's bars over REST (GET /api/v2/data/market, JSON and CSV, following the
 * cursor while there is one): time to the last byte and the app's heap while it answers, beside
 * COPY (SELECT ...) TO STDOUT of the same rows on the same database. A 2-for-1 split of SPY is stored
 * mid-year for the reads (and removed after), so the first half of the bars is split-adjusted on the
 * way out, as an adjusted read of a ticker that split costs.
 */
final class HistoryBench {
    static final String PATH = "/api/v2/data/market";

    private final Store store;
    private final String baseUrl;
    private final HeapSampler heap;
    private final int reps;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    HistoryBench(Store store, String baseUrl, HeapSampler heap, int reps) {
        this.store = store;
        this.baseUrl = baseUrl;
        this.heap = heap;
        this.reps = reps;
    }

    Map<String, Object> run() throws Exception {
        Instant to = Instant.ofEpochMilli(store.queryLong(
                "select (extract(epoch from max(ts)) * 1000)::bigint from market_bar where ticker = 'SPY' and timeframe = '1m'"))
                .plus(1, ChronoUnit.MINUTES);
        Instant from = to.minus(365, ChronoUnit.DAYS);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("from", from.toString());
        figures.put("to", to.toString());
        String split = from.plus(182, ChronoUnit.DAYS).atZone(java.time.ZoneId.of("America/New_York")).toLocalDate()
                .toString();
        store.execute("insert into split(ticker, execution_date, split_from, split_to) values ('SPY', '" + split
                + "', 1, 2) on conflict do nothing");
        figures.put("split_adjusted_from", split);
        try {
            read(figures, from, to);
        } finally {
            store.execute("delete from split where ticker = 'SPY' and execution_date = '" + split + "'");
        }
        return figures;
    }

    private void read(Map<String, Object> figures, Instant from, Instant to) throws Exception {
        String key = ApiKeys.createBotKey(store);
        boolean endpoint = probe(key, from, to, figures);
        for (String timeframe : List.of("1m", "1h")) {
            Map<String, Object> one = new LinkedHashMap<>();
            String query = "select ts, open, high, low, close, volume, vwap, trades from market_bar where ticker = 'SPY' "
                    + "and timeframe = '" + timeframe + "' and ts >= '" + from + "' and ts < '" + to + "' order by ts";
            one.put("rows", store.queryLong("select count(*) from (" + query + ") q"));
            List<Double> copy = Stats.list();
            List<Double> json = Stats.list();
            List<Double> csv = Stats.list();
            List<Double> raw = Stats.list();
            double heapBefore = heap.last();
            long readStart = System.nanoTime();
            for (int rep = 0; rep < reps + 1; rep++) {
                double copySeconds = store.copyOut(query)[0];
                double[] jsonRead = endpoint ? read(key, url(timeframe, from, to), "application/json") : null;
                double[] csvRead = endpoint ? read(key, url(timeframe, from, to), "text/csv") : null;
                // the reference of the adjustment's cost: the same JSON as stored, no bar scaled
                double[] rawRead = endpoint ? read(key, url(timeframe, from, to) + "&adjusted=false", "application/json")
                        : null;
                if (rep > 0) { // the first warms the JIT and the database's cache
                    copy.add(copySeconds);
                    if (endpoint) {
                        json.add(jsonRead[0]);
                        csv.add(csvRead[0]);
                        raw.add(rawRead[0]);
                        one.put("json_bytes", (long) jsonRead[1]);
                        one.put("json_requests", (long) jsonRead[2]);
                        one.put("csv_bytes", (long) csvRead[1]);
                        one.put("csv_requests", (long) csvRead[2]);
                    }
                }
            }
            Thread.sleep(400); // one more heap sample after the last answer
            double[] peak = heap.peak(readStart, System.nanoTime());
            one.put("copy_to_stdout_s", Stats.sig(Stats.median(copy)));
            one.put("json_s", endpoint ? Stats.sig(Stats.median(json)) : null);
            one.put("csv_s", endpoint ? Stats.sig(Stats.median(csv)) : null);
            one.put("raw_json_s", endpoint ? Stats.sig(Stats.median(raw)) : null);
            one.put("json_vs_raw", endpoint ? Stats.round(Stats.median(json) / Stats.median(raw), 3) : null);
            one.put("json_vs_copy", endpoint ? Stats.round(Stats.median(copy) / Stats.median(json), 3) : null);
            one.put("csv_vs_copy", endpoint ? Stats.round(Stats.median(copy) / Stats.median(csv), 3) : null);
            one.put("heap_before_mb", Stats.sig(heapBefore));
            one.put("peak_heap_mb", Stats.sig(peak[0]));
            one.put("peak_old_gen_mb", Stats.sig(peak[1]));
            one.put("heap_samples", (int) peak[2]);
            figures.put(timeframe, one);
            Bench.log("history: 1 year of SPY %s: %s rows, COPY %.3f s, JSON %s s, CSV %s s, peak heap %.0f MB",
                    timeframe, one.get("rows"), Stats.median(copy), one.get("json_s"), one.get("csv_s"), peak[0]);
        }
        figures.put("repetitions", reps);
    }

    private String url(String timeframe, Instant from, Instant to) {
        return baseUrl + PATH + "?ticker=SPY&timeframe=" + timeframe + "&from=" + enc(from.toString()) + "&to="
                + enc(to.toString());
    }

    private boolean probe(String key, Instant from, Instant to, Map<String, Object> figures) {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url("1h", from, to)))
                    .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return true;
            }
            figures.put("note", "GET " + PATH + " is not served yet (HTTP " + response.statusCode() + " "
                    + LatestBench.abbreviate(response.body()) + "): the REST figures are null, the COPY reference is measured");
        } catch (Exception e) {
            figures.put("note", "GET " + PATH + " failed: " + e);
        }
        Bench.log("history: %s", figures.get("note"));
        return false;
    }

    /** Reads every page from {@code url} on; {seconds spent in requests, bytes, requests}. */
    private double[] read(String key, String firstPage, String accept) throws Exception {
        String url = firstPage;
        double seconds = 0;
        long bytes = 0;
        int requests = 0;
        while (url != null) {
            long start = System.nanoTime();
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + key).header("Accept", accept)
                    .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofByteArray());
            seconds += (System.nanoTime() - start) / 1e9;
            requests++;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + response.statusCode());
            }
            bytes += response.body().length;
            url = next(response, url);
        }
        return new double[] {seconds, bytes, requests};
    }

    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    /** The next page: a Link rel=next header, or a next URL / cursor in the JSON body. */
    private String next(HttpResponse<byte[]> response, String current) throws Exception {
        Optional<String> link = response.headers().firstValue("Link");
        if (link.isPresent()) {
            Matcher m = LINK_NEXT.matcher(link.get());
            if (m.find()) {
                return absolute(m.group(1));
            }
        }
        if (response.headers().firstValue("Content-Type").orElse("").contains("json")) {
            JsonNode body = Bench.JSON.readTree(response.body());
            for (String field : List.of("next_url", "nextUrl", "next")) {
                if (body.hasNonNull(field) && body.get(field).isTextual()) {
                    return absolute(body.get(field).asText());
                }
            }
            for (String field : List.of("nextCursor", "next_cursor", "cursor")) {
                if (body.hasNonNull(field) && body.get(field).isTextual()) {
                    return current.replaceAll("&cursor=[^&]*", "") + "&cursor=" + enc(body.get(field).asText());
                }
            }
        }
        return null;
    }

    private String absolute(String url) {
        return url.startsWith("http") ? url : baseUrl + (url.startsWith("/") ? "" : "/") + url;
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
