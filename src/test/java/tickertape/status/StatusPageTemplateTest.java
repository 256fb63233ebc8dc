package tickertape.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;
import tickertape.metrics.SeriesSpan;
import tickertape.metrics.SessionTime;
import tickertape.quality.CoverageSummary;
import tickertape.quality.SeriesCoverage;

/**
 * status/page.mustache rendered from a {@link StatusPageView} built of given data, without the app: what
 * the template could get wrong (an unescaped value, a misspelt name that renders nothing, a section
 * shown when empty). StatusPageTest checks the page the app serves.
 */
class StatusPageTemplateTest {
    private static final String TEMPLATE = "status/page.mustache";
    /** Friday 2026-12-04 13:07 New York: a trading day, in the regular session. */
    private static final Instant NOW = Instant.parse("2026-12-04T18:07:00Z");
    private static final String HOSTILE = "<script>alert(1)</script>";

    private final PageData page = new PageData();

    @Test
    void everyValueFromTheStoreOrTheRequestIsHtmlEscaped() {
        page.ticker(HOSTILE);
        page.series(HOSTILE, "1m", 10, Instant.parse("2026-12-04T17:00:00Z"), Instant.parse("2026-12-04T18:00:00Z"));
        page.closes.put(HOSTILE, List.of(10.0, 11.0));
        page.coverage.add(new SeriesCoverage(HOSTILE, "1m", 100, 90, 10, 0, 90.0, 1, 1));
        page.report.put("version", "1\"><b>");
        page.refusal("Unknown API Key <img src=x onerror=alert(1)>");
        page.recent.add(run(3, HOSTILE, "1m", "FAILED", "HTTP 500 <script>alert('x')</script> & more"));
        page.deadLetters.add(deadLetter(7, HOSTILE, "GET /x?a=1&b=2\"><script>", "boom <b>bold</b>", null));
        page.baseUrl = "http://evil\"><script>";
        page.splitCheck(HOSTILE, null, "HTTP 500 <script>alert(2)</script>", null);

        String html = render();

        assertThat(html.split("<script", -1)).as("the page's own replay script is its only script").hasSize(2);
        assertThat(html).doesNotContain("<img", "<b>bold", "\"><b>")
                .contains("<tr data-ticker=\"&lt;script&gt;alert(1)&lt;/script&gt;\">")
                .contains("<span class=\"sym\">&lt;script&gt;alert(1)&lt;/script&gt;</span>")
                .contains("aria-label=\"&lt;script&gt;alert(1)&lt;/script&gt;: last 2 1h closes\"")
                .contains("href=\"/api/v2/data/quality?ticker=%3Cscript%3Ealert%281%29%3C%2Fscript%3E&amp;timeframe=1m&amp;")
                .contains("v1&quot;&gt;&lt;b&gt;</span>")
                .contains("): Unknown API Key &lt;img src&#61;x onerror&#61;alert(1)&gt;. Ingestion stops")
                .contains("<td class=\"nowrap\">&lt;script&gt;alert(1)&lt;/script&gt; <span class=\"muted\">1m</span></td>")
                .contains("<td class=\"error\">HTTP 500 &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more</td>")
                .contains("<td class=\"error\" title=\"GET /x?a&#61;1&amp;b&#61;2&quot;&gt;&lt;script&gt;\">"
                        + "boom &lt;b&gt;bold&lt;/b&gt;</td>")
                .contains("curl -X POST -H 'Authorization: Bearer $OPS_KEY' http://evil&quot;&gt;&lt;script&gt;"
                        + "/api/v2/data/dead-letters/7/replay")
                .contains("<span class=\"error\">HTTP 500 &lt;script&gt;alert(2)&lt;/script&gt;</span>");
    }

    @Test
    void aFailingSplitsCheckShowsInItsTickersRowWithItsErrorAndWhenItIsTriedAgain() {
        page.ticker("SPY");
        page.ticker("UVXY");
        page.splitCheck("SPY", NOW.minusSeconds(3600), null, null);
        page.splitCheck("UVXY", Instant.parse("2026-12-03T21:05:00Z"), "request parked as a dead letter: HTTP 500",
                NOW.plusSeconds(300));

        String html = render();

        assertThat(html).contains("<span class=\"sym\">UVXY</span></div><span class=\"muted\">no 1h bars yet</span>"
                        + "<div class=\"split-check\" title=\"splits last fetched 2026-12-03 21:05Z; its bars carry on\">"
                        + "<span class=\"badge bad\"><span aria-hidden=\"true\">■</span> Splits not checked</span>"
                        + " <span class=\"error\">request parked as a dead letter: HTTP 500</span>"
                        + " <span class=\"muted\">retried 2026-12-04 18:12Z</span></div></th>")
                .contains("<span class=\"sym\">SPY</span></div><span class=\"muted\">no 1h bars yet</span></th>");
        assertThat(html.split("split-check", -1)).as("the style and UVXY's line").hasSize(3);
    }

    @Test
    void theTemplateWritesNoValueUnescaped() throws IOException {
        String template;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(TEMPLATE)) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(template).as("{{{name}}} and {{&name}} write a value without escaping it").doesNotContain("{{{", "{{&");
    }

    @Test
    void aNameTheViewLacksFailsTheRenderRatherThanWritingNothing() {
        HtmlTemplate misspelt = new HtmlTemplate("status/misspelt.mustache");

        assertThatThrownBy(() -> misspelt.render(StatusPageView.of(page.data())))
                .hasStackTraceContaining("status/misspelt.mustache: no verison in the view");
    }

    @Test
    void anEmptyStoreSaysSoInEverySection() {
        page.coverageChecked = false;

        String html = render();

        assertThat(html).startsWith("<!DOCTYPE html>")
                .contains("<tbody>\n</tbody>")
                .contains("<p class=\"muted\">No tickers configured: add a block to routes/tickers.camel.yaml.</p>")
                .contains("the gaps the source did not confirm empty; not checked yet</span>")
                .contains("<section class=\"empty\"><h2>Running <span class=\"count-pill\">0</span></h2>"
                        + "<p class=\"muted\">No run under way.</p></section>")
                .contains("<section class=\"empty\"><h2>Recent runs</h2><p class=\"muted\">No run yet.</p></section>")
                .contains("<section class=\"empty\"><h2>Dead letters <span class=\"count-pill\">0</span></h2>\n"
                        + "<p class=\"muted\">None: every Polygon request got its answer.</p>")
                .contains("<span class=\"pill warn\"><span aria-hidden=\"true\">▲</span> Source: <b>sandbox</b></span>")
                .contains("<span class=\"pill ok\"><span aria-hidden=\"true\">●</span> Store: <b>embedded · up</b></span>")
                .contains("<footer>Generated 2026-12-04 18:07Z · refreshes every minute")
                .doesNotContain("<tr data-ticker", "<th>Run</th>", "<form", "role=\"alert\"");
    }

    @Test
    void aFailingSeriesShowsAsStaleWithItsRunsErrorAndItsDeadLetter() {
        page.ticker("SPY");
        page.ticker("UVXY");
        // SPY 1m: newest bar 10:00 New York, three hours of session ago; its 5m is current.
        page.series("SPY", "1m", 1234, Instant.parse("2026-11-30T14:30:00Z"), Instant.parse("2026-12-04T15:00:00Z"));
        page.series("SPY", "5m", 250, Instant.parse("2026-11-30T14:30:00Z"), Instant.parse("2026-12-04T17:55:00Z"));
        page.spans.add(new SeriesSpan("SPY", Timeframe.M1, Instant.parse("2026-11-30T14:30:00Z"),
                Instant.parse("2026-12-04T15:00:00Z"), 1.0));
        page.coverage.add(new SeriesCoverage("SPY", "1m", 1005, 990, 10, 5, 99.0, 2, 1));
        page.closes.put("SPY", List.of(600.0, 590.0, 594.0));
        page.storeHealthy = false;
        page.refusal("Unknown API Key");
        // UVXY has nothing yet; its first 1m run is under way.
        Map<String, Object> fetching = run(41, "UVXY", "1m", "RUNNING", null);
        fetching.put("progress", 0.25);
        page.running.add(fetching);
        page.recent.add(run(40, "SPY", "1m", "FAILED", "HTTP 503 after 7 attempts"));
        page.deadLetters.add(deadLetter(7, "SPY", "GET /v2/aggs/ticker/SPY", "HTTP 503", null));
        page.deadLetters.add(deadLetter(6, null, "GET /v2/aggs", "HTTP 502", 39L));

        String html = render();

        assertThat(cell(html, "SPY", "1m")).isEqualTo("<td class=\"cell bad\" data-timeframe=\"1m\" data-bars=\"1234\">"
                + "<span class=\"badge bad\"><span aria-hidden=\"true\">■</span> Stale</span>"
                + "<span class=\"count\">1,234<small> bars</small></span>"
                + "<div class=\"range\" title=\"first and last bar (UTC)\"><span>2026-11-30 →</span>"
                + " <span>12-04 15:00</span></div>"
                + "<div class=\"fresh\" title=\"newest bar started 2026-12-04 15:00Z\">3h 7m ago ·"
                + " <span class=\"lag\">behind 3h 6m</span></div>"
                + "<div class=\"quality warn\" data-coverage=\"99.0\" data-gaps=\"1\" data-confirmed-gaps=\"1\" title=\"Last 4 days:"
                + " 990 of the 1,005 regular-session bars due are held; 10 missing in 1 gap(s); 5 confirmed empty by the source"
                + " in 1 gap(s), not counted. The link needs an ops key.\"><span aria-hidden=\"true\">▲</span> 4d 99% · "
                + "<a href=\"/api/v2/data/quality?ticker=SPY&amp;timeframe=1m&amp;from=2026-11-30T05:00:00Z"
                + "&amp;to=2026-12-04T05:00:00Z\">"
                + "1 gap</a> <span class=\"muted\">+1 empty</span></div></td>");
        assertThat(cell(html, "SPY", "5m")).startsWith("<td class=\"cell ok\" data-timeframe=\"5m\" data-bars=\"250\">"
                + "<span class=\"badge ok\"><span aria-hidden=\"true\">●</span> OK</span>")
                .endsWith("<div class=\"quality\">4d coverage: not checked yet</div></td>");
        assertThat(cell(html, "SPY", "1d")).isEqualTo("<td class=\"cell bad\" data-timeframe=\"1d\" data-bars=\"0\">"
                + "<span class=\"badge bad\"><span aria-hidden=\"true\">■</span> No bars</span>"
                + "<div class=\"quality\">4d coverage: not checked yet</div></td>");
        assertThat(cell(html, "UVXY", "15m")).as("rolled up from the 1m series being fetched").startsWith(
                "<td class=\"cell warn\" data-timeframe=\"15m\" data-bars=\"0\"><span class=\"badge warn\">"
                        + "<span aria-hidden=\"true\">▲</span> Backfilling 0%</span><div");
        assertThat(cell(html, "UVXY", "1d")).contains("> No bars</span>");
        assertThat(html)
                .contains("<th scope=\"row\"><div class=\"tick-head\"><span class=\"sym\">SPY</span><span class=\"last\">594.00"
                        + " <span class=\"chg down\">-1.0%</span></span></div><svg class=\"spark down\" width=\"168\" height=\"40\""
                        + " viewBox=\"0 0 168 40\" role=\"img\" aria-label=\"SPY: last 3 1h closes\"><title>SPY: last 3 1h closes"
                        + "</title><polyline fill=\"none\" stroke-width=\"1.5\" points=\"2.0,2.0 84.0,38.0 166.0,23.6\"/></svg></th>")
                .contains("<span class=\"sym\">UVXY</span></div><span class=\"muted\">no 1h bars yet</span></th>")
                .contains("<span class=\"pill bad\"><span aria-hidden=\"true\">■</span> Store: <b>embedded · DOWN</b></span>")
                .contains("<p class=\"banner bad\" role=\"alert\"><strong>Polygon refused the API key</strong> (run 38, SPY 1m):"
                        + " Unknown API Key. Ingestion stops until the key works.</p>")
                .contains("<h2>Running <span class=\"count-pill info\">1</span></h2>")
                .contains("<tr><td>41</td><td>backfill</td><td class=\"nowrap\">UVXY <span class=\"muted\">1m</span></td>"
                        + "<td class=\"nowrap\">2026-12-01 → 2026-12-04</td><td><div class=\"bar\" role=\"progressbar\""
                        + " aria-valuemin=\"0\" aria-valuemax=\"100\" aria-valuenow=\"25\"><span style=\"width:25.0%\"></span></div>"
                        + " 25%</td><td class=\"num\">12,345</td><td>3 · 1</td><td class=\"nowrap\"><span class=\"muted\">estimating"
                        + "</span></td></tr>")
                .contains("<tr><td>40</td><td>backfill</td><td class=\"nowrap\">SPY <span class=\"muted\">1m</span></td>"
                        + "<td><span class=\"badge bad\"><span aria-hidden=\"true\">■</span> FAILED</span></td>"
                        + "<td class=\"nowrap\">2026-12-04 17:07Z</td><td>50m</td><td class=\"num\">12,345</td>"
                        + "<td class=\"num\">12,000</td><td class=\"num\">0</td><td class=\"num\">0</td><td>3 · 1</td>"
                        + "<td class=\"error\">HTTP 503 after 7 attempts</td></tr>")
                .contains("<h2>Dead letters <span class=\"count-pill bad\">1</span></h2>")
                .contains("<td><form class=\"replay js-only\" method=\"post\" action=\"/api/v2/data/dead-letters/7/replay\">"
                        + "<button type=\"submit\">Replay</button> <output></output></form><noscript><code>curl -X POST -H"
                        + " 'Authorization: Bearer $OPS_KEY' http://localhost:8080/api/v2/data/dead-letters/7/replay</code>"
                        + "</noscript></td>")
                .contains("<td class=\"nowrap\"><span class=\"muted\">several</span></td><td>502</td>")
                .contains("<td><span class=\"badge ok\"><span aria-hidden=\"true\">●</span> replayed as run 39</span></td>");
    }

    private String render() {
        return new HtmlTemplate(TEMPLATE).render(StatusPageView.of(page.data()));
    }

    /** One cell of the matrix, its {@code <td>} whole. */
    private static String cell(String html, String ticker, String timeframe) {
        String rowStart = "<tr data-ticker=\"" + ticker + "\">";
        assertThat(html).as("row of %s", ticker).contains(rowStart);
        int row = html.indexOf(rowStart);
        int start = html.indexOf("<td class=\"cell", html.indexOf("data-timeframe=\"" + timeframe + "\"", row) - 30);
        return html.substring(start, html.indexOf("</td>", start) + "</td>".length());
    }

    private static Map<String, Object> run(long id, String ticker, String timeframe, String status, String error) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", id);
        run.put("trigger", "backfill");
        run.put("ticker", ticker);
        run.put("timeframe", timeframe);
        run.put("windowFrom", Instant.parse("2026-12-01T05:00:00Z"));
        run.put("windowTo", Instant.parse("2026-12-04T05:00:00Z"));
        run.put("status", status);
        run.put("received", 12_345);
        run.put("inserted", 12_000);
        run.put("updated", 0);
        run.put("rejected", 0);
        run.put("retries", 1);
        run.put("apiCalls", 3);
        run.put("error", error);
        run.put("startedAt", NOW.minusSeconds(3600));
        run.put("finishedAt", "RUNNING".equals(status) ? null : NOW.minusSeconds(600));
        return run;
    }

    private static Map<String, Object> deadLetter(long id, String ticker, String request, String error, Long replayRun) {
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("id", id);
        letter.put("ticker", ticker);
        letter.put("timeframe", ticker == null ? null : "1m");
        letter.put("request", request);
        letter.put("httpStatus", 502);
        letter.put("error", error);
        letter.put("attempts", 7);
        letter.put("createdAt", NOW.minusSeconds(300));
        letter.put("replayedAt", replayRun == null ? null : NOW.minusSeconds(60));
        letter.put("replayRunId", replayRun);
        return letter;
    }

    /** The page's inputs in the shapes StatusReport, IngestionRunViews and DeadLetters answer them; empty to start. */
    private static final class PageData {
        final Map<String, Object> report = new LinkedHashMap<>();
        final List<String> tickers = new ArrayList<>();
        final List<Map<String, Object>> series = new ArrayList<>();
        final Map<String, Object> source = new LinkedHashMap<>();
        final List<SeriesSpan> spans = new ArrayList<>();
        final List<SeriesCoverage> coverage = new ArrayList<>();
        final List<Map<String, Object>> running = new ArrayList<>();
        final List<Map<String, Object>> recent = new ArrayList<>();
        final List<Map<String, Object>> deadLetters = new ArrayList<>();
        final Map<String, List<Double>> closes = new LinkedHashMap<>();
        final List<Map<String, Object>> splitChecks = new ArrayList<>();
        boolean storeHealthy = true;
        boolean coverageChecked = true;
        String baseUrl = "http://localhost:8080";

        PageData() {
            report.put("version", "0.1.0");
            source.put("name", "sandbox");
            source.put("sandbox", true);
        }

        void ticker(String symbol) {
            tickers.add(symbol);
        }

        void series(String ticker, String timeframe, long bars, Instant first, Instant last) {
            series.add(new LinkedHashMap<>(Map.of("ticker", ticker, "timeframe", timeframe, "bars", bars,
                    "firstBar", first, "lastBar", last)));
        }

        /** A ticker's splits check as StatusReport reads split_check: error and retryAt null unless it failed. */
        void splitCheck(String ticker, Instant checkedAt, String error, Instant retryAt) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("ticker", ticker);
            check.put("checkedAt", checkedAt);
            check.put("error", error);
            check.put("retryAt", retryAt);
            splitChecks.add(check);
        }

        void refusal(String message) {
            source.put("notAuthorized", new LinkedHashMap<>(Map.of("runId", 38L, "ticker", "SPY", "timeframe", "1m",
                    "message", message)));
        }

        StatusPageView.Data data() {
            report.put("source", source);
            report.put("storage", new LinkedHashMap<>(Map.of("mode", "embedded", "healthy", storeHealthy)));
            report.put("tickers", tickers);
            report.put("series", series);
            report.put("splitChecks", splitChecks);
            CoverageSummary summary = coverageChecked ? new CoverageSummary(Instant.parse("2026-11-30T05:00:00Z"),
                    Instant.parse("2026-12-04T05:00:00Z"), NOW.minusSeconds(60), coverage) : null;
            return new StatusPageView.Data(report, spans, new SessionTime(new ExchangeCalendar()), summary, 4, running,
                    recent, deadLetters, closes, baseUrl, NOW);
        }
    }
}
