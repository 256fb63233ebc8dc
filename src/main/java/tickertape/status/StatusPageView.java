package tickertape.status;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tickertape.market.Timeframe;
import tickertape.metrics.SeriesSpan;
import tickertape.metrics.SessionTime;
import tickertape.metrics.StoreGauges;
import tickertape.quality.CoverageSummary;
import tickertape.quality.SeriesCoverage;

/**
 * The status page's HTML: one self-contained document (inline CSS, inline SVG, a few lines of inline
 * script for the replay buttons only), so it loads nothing from anywhere and its matrix works with
 * JavaScript off. Every value from the store passes through {@link Html#escape}.
 */
final class StatusPageView {
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE_OF_DAY = DateTimeFormatter.ofPattern("HH:mm'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE_OF_YEAR = DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /**
     * What the page shows, as read for this request.
     *
     * @param coverage the last recent-coverage check ({@link RecentCoverage}), null before the first
     * @param coverageDays the days it covers ({@code status.quality-days})
     */
    record Data(Map<String, Object> report, StoreGauges gauges, CoverageSummary coverage, int coverageDays,
                Map<String, Object> runs,
                List<Map<String, Object>> deadLetters, Map<String, List<Double>> closes, String baseUrl, Instant now) {
    }

    private final Data data;
    private final StringBuilder html = new StringBuilder(32 * 1024);

    StatusPageView(Data data) {
        this.data = data;
    }

    String html() {
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta http-equiv=\"refresh\" content=\"60\">")
                .append("<title>tickertape status</title><style>").append(CSS).append("</style></head><body>");
        header();
        html.append("<main>");
        keyRefusal();
        matrix();
        runningRuns();
        recentRuns();
        deadLetters();
        html.append("</main><footer>Generated ").append(Html.escape(MINUTE.format(data.now())))
                .append(" · refreshes every minute · JSON: <a href=\"/api/v2/status\">/api/v2/status</a>,")
                .append(" <a href=\"/api/v2/data/ingest/status\">/api/v2/data/ingest/status</a></footer>")
                .append("<script>").append(SCRIPT).append("</script></body></html>");
        return html.toString();
    }

    // ------------------------------------------------------------------ header and banners

    @SuppressWarnings("unchecked")
    private void header() {
        Map<String, Object> report = data.report();
        Map<String, Object> source = (Map<String, Object>) report.get("source");
        Map<String, Object> storage = (Map<String, Object>) report.get("storage");
        boolean sandbox = Boolean.TRUE.equals(source.get("sandbox"));
        boolean healthy = Boolean.TRUE.equals(storage.get("healthy"));
        html.append("<header><h1>tickertape</h1><span class=\"muted\">v").append(Html.escape(report.get("version")))
                .append("</span><div class=\"pills\">")
                .append(pill(sandbox ? "warn" : "ok", "Source", String.valueOf(source.get("name"))))
                .append(pill(healthy ? "ok" : "bad", "Store",
                        storage.get("mode") + (healthy ? " · up" : " · DOWN")))
                .append("</div></header>");
    }

    @SuppressWarnings("unchecked")
    private void keyRefusal() {
        Map<String, Object> source = (Map<String, Object>) data.report().get("source");
        Object refusal = source.get("notAuthorized");
        if (refusal instanceof Map<?, ?> refused) {
            html.append("<p class=\"banner bad\" role=\"alert\"><strong>Polygon refused the API key</strong> (run ")
                    .append(Html.escape(refused.get("runId"))).append(", ").append(Html.escape(refused.get("ticker")))
                    .append(" ").append(Html.escape(refused.get("timeframe"))).append("): ")
                    .append(Html.escape(refused.get("message"))).append(". Ingestion stops until the key works.</p>");
        }
    }

    private static String pill(String health, String name, String value) {
        return "<span class=\"pill " + health + "\">" + glyph(health) + " " + Html.escape(name) + ": <b>"
                + Html.escape(value) + "</b></span>";
    }

    /** A shape per health so the state does not rest on colour alone. */
    private static String glyph(String health) {
        return switch (health) {
            case "ok" -> "<span aria-hidden=\"true\">●</span>";
            case "warn" -> "<span aria-hidden=\"true\">▲</span>";
            case "info" -> "<span aria-hidden=\"true\">◆</span>";
            default -> "<span aria-hidden=\"true\">■</span>";
        };
    }

    // ------------------------------------------------------------------ the series matrix

    @SuppressWarnings("unchecked")
    private void matrix() {
        List<String> tickers = (List<String>) data.report().get("tickers");
        html.append("<section><h2>Series</h2><div class=\"legend\">")
                .append(legendItem(SeriesHealth.OK, "≤ 30 min behind, history complete"))
                .append(legendItem(SeriesHealth.BEHIND, "> 30 min (1d: 17 h)"))
                .append(legendItem(SeriesHealth.BACKFILLING, "history being fetched"))
                .append(legendItem(SeriesHealth.STALE, "> 1 h (1d: 18 h): alerts"))
                .append(legendItem(SeriesHealth.EMPTY, "nothing stored"))
                .append("<span class=\"muted\">behind = market time (04:00–20:00 ET, trading days) since the newest bar;")
                .append(" times UTC</span>")
                .append(coverageLegend())
                .append("</div><table class=\"matrix\"><thead><tr><th scope=\"col\">Ticker · last 100 1h closes</th>");
        for (Timeframe timeframe : Timeframe.values()) {
            html.append("<th scope=\"col\">").append(timeframe.code()).append("</th>");
        }
        html.append("</tr></thead><tbody>");
        for (String ticker : tickers) {
            html.append("<tr data-ticker=\"").append(Html.escape(ticker)).append("\">");
            tickerCell(ticker);
            for (Timeframe timeframe : Timeframe.values()) {
                seriesCell(ticker, timeframe);
            }
            html.append("</tr>");
        }
        html.append("</tbody></table>");
        if (tickers.isEmpty()) {
            html.append("<p class=\"muted\">No tickers configured: add a block to routes/tickers.camel.yaml.</p>");
        }
        html.append("</section>");
    }

    private static String legendItem(SeriesHealth health, String meaning) {
        return "<span class=\"legend-item\"><span class=\"badge " + health.cssClass + "\">" + glyph(health.cssClass) + " "
                + health.label + "</span> <span class=\"muted\">" + Html.escape(meaning) + "</span></span>";
    }

    private void tickerCell(String ticker) {
        List<Double> closes = data.closes().getOrDefault(ticker, List.of());
        html.append("<th scope=\"row\"><div class=\"tick-head\"><span class=\"sym\">").append(Html.escape(ticker)).append("</span>");
        if (!closes.isEmpty()) {
            double first = closes.get(0);
            double last = closes.get(closes.size() - 1);
            double change = first == 0 ? 0 : (last - first) / first * 100;
            html.append("<span class=\"last\">").append(String.format(Locale.ROOT, "%,.2f", last))
                    .append(" <span class=\"chg ").append(change >= 0 ? "up" : "down").append("\">")
                    .append(String.format(Locale.ROOT, "%+.1f%%", change)).append("</span></span>");
        }
        html.append("</div>");
        html.append(Sparkline.svg(ticker + ": last " + closes.size() + " 1h closes", closes)).append("</th>");
    }

    private void seriesCell(String ticker, Timeframe timeframe) {
        Map<String, Object> stored = storedSeries(ticker, timeframe.code());
        SeriesSpan span = data.gauges().span(ticker, timeframe.code()).orElse(null);
        Instant last = stored == null ? null : (Instant) stored.get("lastBar");
        Duration lag = last == null ? null
                : data.gauges().sessionTime().between(SessionTime.barEnd(timeframe, last), data.now());
        Double progress = backfillProgress(ticker, timeframe, span);
        SeriesHealth health = SeriesHealth.of(timeframe, lag, progress);
        if (health == SeriesHealth.EMPTY && beingFetched(ticker, timeframe)) {
            // Nothing stored yet, but its first run is under way: that is a backfill, not a failure.
            health = SeriesHealth.BACKFILLING;
            progress = 0.0;
        }
        html.append("<td class=\"cell ").append(health.cssClass).append("\" data-timeframe=\"").append(timeframe.code())
                .append("\" data-bars=\"").append(stored == null ? 0L : (Long) stored.get("bars")).append("\"><span class=\"badge ")
                .append(health.cssClass).append("\">").append(glyph(health.cssClass)).append(" ").append(health.label);
        if (health == SeriesHealth.BACKFILLING) {
            html.append(" ").append(percent(progress));
        }
        html.append("</span>");
        if (stored != null) {
            Instant first = (Instant) stored.get("firstBar");
            html.append("<span class=\"count\">").append(String.format(Locale.ROOT, "%,d", (Long) stored.get("bars")))
                    .append("<small> bars</small></span>")
                    .append("<div class=\"range\" title=\"first and last bar (UTC)\">")
                    .append("<span>").append(Html.escape(DAY.format(first))).append(" →</span> <span>")
                    .append(Html.escape(shortLast(timeframe, first, last)))
                    .append("</span></div><div class=\"fresh\" title=\"newest bar started ")
                    .append(Html.escape(MINUTE.format(last))).append("\">").append(Html.escape(human(Duration.between(last, data.now()))))
                    .append(" ago · <span class=\"lag\">behind ").append(Html.escape(human(lag))).append("</span></div>");
        }
        coverage(ticker, timeframe);
        html.append("</td>");
    }

    /** What the coverage line of each cell means, and when it was checked. */
    private String coverageLegend() {
        CoverageSummary summary = data.coverage();
        String checked = summary == null ? "not checked yet" : "checked " + MINUTE_OF_DAY.format(summary.checkedAt());
        return "<span class=\"legend-item\"><span class=\"quality warn\">" + glyph("warn") + " " + data.coverageDays()
                + "d 99.5% · 2 gaps</span> <span class=\"muted\">" + Html.escape("regular-session bars held of those due in"
                + " the last " + data.coverageDays() + " days, and the gaps the source did not confirm empty; " + checked)
                + "</span></span>";
    }

    /**
     * The series' coverage and gaps over the recent window, as GET /api/v2/data/quality reports them for
     * that window (the gap count links there); a warning when bars are missing. The badge stays the
     * freshness and backfill's.
     */
    private void coverage(String ticker, Timeframe timeframe) {
        CoverageSummary summary = data.coverage();
        SeriesCoverage coverage = summary == null ? null : summary.of(ticker, timeframe.code()).orElse(null);
        String days = data.coverageDays() + "d";
        if (coverage == null) {
            html.append("<div class=\"quality\">").append(days).append(" coverage: not checked yet</div>");
            return;
        }
        boolean complete = coverage.complete();
        String link = "/api/v2/data/quality?ticker=" + URLEncoder.encode(ticker, StandardCharsets.UTF_8)
                + "&timeframe=" + timeframe.code() + "&from=" + summary.from() + "&to=" + summary.to();
        String title = String.format(Locale.ROOT, "Last %d days: %,d of the %,d regular-session bars due are held;"
                        + " %,d missing in %,d gap(s); %,d confirmed empty by the source in %,d gap(s), not counted."
                        + " The link needs an ops key.", data.coverageDays(), coverage.presentBars(),
                coverage.expectedBars(), coverage.missingBars(), coverage.openGapCount(), coverage.confirmedEmptyBars(),
                coverage.confirmedGapCount());
        html.append("<div class=\"quality").append(complete ? "" : " warn").append("\" data-coverage=\"")
                .append(coverage.coveragePercent()).append("\" data-gaps=\"").append(coverage.openGapCount())
                .append("\" data-confirmed-gaps=\"").append(coverage.confirmedGapCount()).append("\" title=\"")
                .append(Html.escape(title)).append("\">");
        if (coverage.expectedBars() == 0) {
            html.append(days).append(" no bars due</div>");
            return;
        }
        if (!complete) {
            html.append(glyph("warn")).append(" ");
        }
        html.append(days).append(" ").append(coveragePercent(coverage.coveragePercent())).append(" · <a href=\"")
                .append(Html.escape(link)).append("\">").append(String.format(Locale.ROOT, "%,d", coverage.openGapCount()))
                .append(coverage.openGapCount() == 1 ? " gap" : " gaps").append("</a>");
        if (coverage.confirmedGapCount() > 0) {
            html.append(" <span class=\"muted\">+").append(coverage.confirmedGapCount()).append(" empty</span>");
        }
        html.append("</div>");
    }

    /** As the quality report states it (rounded down to 0.01, so 100 means complete), without trailing zeros. */
    static String coveragePercent(double percent) {
        return BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString() + "%";
    }

    /** A run RUNNING for the series, or for the 1m series a rolled-up timeframe comes from. */
    @SuppressWarnings("unchecked")
    private boolean beingFetched(String ticker, Timeframe timeframe) {
        String fetched = timeframe.isDerivedFromMinutes() ? Timeframe.M1.code() : timeframe.code();
        for (Map<String, Object> run : (List<Map<String, Object>>) data.runs().get("running")) {
            Object runTicker = run.get("ticker");
            Object runTimeframe = run.get("timeframe");
            if ((runTicker == null || ticker.equals(runTicker)) && (runTimeframe == null || fetched.equals(runTimeframe))) {
                return true;
            }
        }
        return false;
    }

    /** Rolled-up timeframes have no backfill of their own: they follow the 1m series they come from. */
    private Double backfillProgress(String ticker, Timeframe timeframe, SeriesSpan span) {
        if (timeframe.isDerivedFromMinutes()) {
            return data.gauges().span(ticker, Timeframe.M1.code()).map(SeriesSpan::backfillProgress).orElse(null);
        }
        return span == null ? null : span.backfillProgress();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> storedSeries(String ticker, String timeframe) {
        for (Map<String, Object> series : (List<Map<String, Object>>) data.report().get("series")) {
            if (ticker.equals(series.get("ticker")) && timeframe.equals(series.get("timeframe"))) {
                return series;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ runs

    @SuppressWarnings("unchecked")
    private void runningRuns() {
        List<Map<String, Object>> running = (List<Map<String, Object>>) data.runs().get("running");
        if (running.isEmpty()) {
            html.append("<section class=\"empty\"><h2>Running <span class=\"count-pill\">0</span></h2>")
                    .append("<p class=\"muted\">No run under way.</p></section>");
            return;
        }
        html.append("<section><h2>Running <span class=\"count-pill info\">").append(running.size()).append("</span></h2>");
        html.append("<table><thead><tr><th>Run</th><th>Trigger</th><th>Series</th><th>Window</th><th class=\"wide\">Progress</th>")
                .append("<th>Bars in</th><th>Calls · retries</th><th>ETA</th></tr></thead><tbody>");
        for (Map<String, Object> run : running) {
            double progress = run.get("progress") instanceof Number number ? number.doubleValue() : 0;
            Object eta = run.get("eta");
            html.append("<tr><td>").append(Html.escape(run.get("id"))).append("</td><td>").append(Html.escape(run.get("trigger")))
                    .append("</td><td class=\"nowrap\">").append(series(run)).append("</td><td class=\"nowrap\">").append(window(run))
                    .append("</td><td><div class=\"bar\" role=\"progressbar\" aria-valuemin=\"0\" aria-valuemax=\"100\" aria-valuenow=\"")
                    .append(Math.round(progress * 100)).append("\"><span style=\"width:")
                    .append(String.format(Locale.ROOT, "%.1f", progress * 100)).append("%\"></span></div> ")
                    .append(percent(progress)).append("</td><td class=\"num\">").append(number(run.get("received")))
                    .append("</td><td>").append(Html.escape(run.get("apiCalls"))).append(" · ").append(Html.escape(run.get("retries")))
                    .append("</td><td class=\"nowrap\">").append(eta(eta))
                    .append("</td></tr>");
        }
        html.append("</tbody></table></section>");
    }

    @SuppressWarnings("unchecked")
    private void recentRuns() {
        List<Map<String, Object>> recent = (List<Map<String, Object>>) data.runs().get("recent");
        if (recent.isEmpty()) {
            html.append("<section class=\"empty\"><h2>Recent runs</h2><p class=\"muted\">No run yet.</p></section>");
            return;
        }
        html.append("<section><h2>Recent runs</h2>");
        html.append("<table><thead><tr><th>Run</th><th>Trigger</th><th>Series</th><th>Status</th><th>Started</th>")
                .append("<th>Took</th><th>Received</th><th>Inserted</th><th>Updated</th><th>Rejected</th>")
                .append("<th>Calls · retries</th><th>Error</th></tr></thead><tbody>");
        for (Map<String, Object> run : recent) {
            String status = String.valueOf(run.get("status"));
            String health = switch (status) {
                case "SUCCEEDED" -> "ok";
                case "RUNNING" -> "info";
                case "PARTIAL" -> "warn";
                default -> "bad";
            };
            Instant started = (Instant) run.get("startedAt");
            Instant finished = (Instant) run.get("finishedAt");
            html.append("<tr><td>").append(Html.escape(run.get("id"))).append("</td><td>").append(Html.escape(run.get("trigger")))
                    .append("</td><td class=\"nowrap\">").append(series(run)).append("</td><td><span class=\"badge ").append(health).append("\">")
                    .append(glyph(health)).append(" ").append(Html.escape(status)).append("</span></td><td class=\"nowrap\">")
                    .append(Html.escape(started == null ? "" : MINUTE.format(started))).append("</td><td>")
                    .append(started == null ? "" : Html.escape(human(Duration.between(started, finished == null ? data.now() : finished))))
                    .append("</td>");
            for (String count : List.of("received", "inserted", "updated", "rejected")) {
                html.append("<td class=\"num\">").append(number(run.get(count))).append("</td>");
            }
            html.append("<td>").append(Html.escape(run.get("apiCalls"))).append(" · ").append(Html.escape(run.get("retries")))
                    .append("</td><td class=\"error\">").append(Html.escape(run.get("error"))).append("</td></tr>");
        }
        html.append("</tbody></table></section>");
    }

    // ------------------------------------------------------------------ dead letters

    private void deadLetters() {
        List<Map<String, Object>> letters = data.deadLetters();
        long waiting = letters.stream().filter(letter -> letter.get("replayedAt") == null).count();
        html.append("<section").append(letters.isEmpty() ? " class=\"empty\"" : "").append("><h2>Dead letters <span class=\"count-pill")
                .append(waiting > 0 ? " bad" : "").append("\">").append(waiting).append("</span></h2>");
        if (letters.isEmpty()) {
            html.append("<p class=\"muted\">None: every Polygon request got its answer.</p></section>");
            return;
        }
        html.append("<p class=\"muted\">Replaying needs an ops key: the button asks for it once and keeps it in this tab only.</p>")
                .append("<table><thead><tr><th>Id</th><th>Parked</th><th>Series</th><th>HTTP</th><th>Attempts</th>")
                .append("<th>Error</th><th>Replay</th></tr></thead><tbody>");
        for (Map<String, Object> letter : letters) {
            Instant created = (Instant) letter.get("createdAt");
            html.append("<tr><td>").append(Html.escape(letter.get("id"))).append("</td><td class=\"nowrap\">")
                    .append(Html.escape(created == null ? "" : MINUTE.format(created))).append("</td><td class=\"nowrap\">").append(series(letter))
                    .append("</td><td>").append(letter.get("httpStatus") == null ? "none" : Html.escape(letter.get("httpStatus")))
                    .append("</td><td>").append(Html.escape(letter.get("attempts"))).append("</td><td class=\"error\" title=\"")
                    .append(Html.escape(letter.get("request"))).append("\">").append(Html.escape(letter.get("error")))
                    .append("</td><td>").append(replay(letter)).append("</td></tr>");
        }
        html.append("</tbody></table></section>");
    }

    private String replay(Map<String, Object> letter) {
        if (letter.get("replayedAt") != null) {
            return "<span class=\"badge ok\">" + glyph("ok") + " replayed as run " + Html.escape(letter.get("replayRunId")) + "</span>";
        }
        String path = "/api/v2/data/dead-letters/" + Html.escape(letter.get("id")) + "/replay";
        return "<form class=\"replay js-only\" method=\"post\" action=\"" + path + "\"><button type=\"submit\">Replay</button>"
                + " <output></output></form><noscript><code>curl -X POST -H 'Authorization: Bearer $OPS_KEY' "
                + Html.escape(data.baseUrl()) + path + "</code></noscript>";
    }

    // ------------------------------------------------------------------ formatting

    private static String number(Object value) {
        return value instanceof Number n ? String.format(Locale.ROOT, "%,d", n.longValue()) : Html.escape(value);
    }

    private String eta(Object eta) {
        if (!(eta instanceof Instant at)) {
            return "<span class=\"muted\">estimating</span>";
        }
        Duration left = Duration.between(data.now(), at);
        return left.toSeconds() < 5 ? "writing the last pages" : "in " + Html.escape(human(left));
    }

    private static String series(Map<String, Object> row) {
        Object ticker = row.get("ticker");
        return ticker == null ? "<span class=\"muted\">several</span>"
                : Html.escape(ticker) + " <span class=\"muted\">" + Html.escape(row.get("timeframe")) + "</span>";
    }

    private static String window(Map<String, Object> run) {
        Object from = run.get("windowFrom");
        Object to = run.get("windowTo");
        return from instanceof Instant start && to instanceof Instant end
                ? Html.escape(DAY.format(start)) + " → " + Html.escape(DAY.format(end)) : "";
    }

    /**
     * The last bar without its year when the first bar has the same one (a day bar without its time): the
     * range stays on one line; one spanning years wraps at its arrow rather than widen the matrix.
     */
    private static String shortLast(Timeframe timeframe, Instant first, Instant last) {
        boolean sameYear = DAY.format(first).regionMatches(0, DAY.format(last), 0, 4);
        if (timeframe == Timeframe.D1) {
            return sameYear ? DAY.format(last).substring(5) : DAY.format(last);
        }
        return (sameYear ? MINUTE_OF_YEAR : MINUTE).format(last);
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", Math.floor(fraction * 100));
    }

    /** 45s, 12m, 3h 5m, 2d 4h. */
    static String human(Duration duration) {
        if (duration == null) {
            return "";
        }
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + "h " + seconds % 3600 / 60 + "m";
        }
        return seconds / 86_400 + "d " + seconds % 86_400 / 3600 + "h";
    }

    private static final String CSS = """
            :root{--bg:#0f1520;--panel:#172130;--line:#263447;--text:#e4ebf5;--muted:#8b9bb0;
            --info:#6cb4ff;--info-bg:#13283f;--ok:#2fbf71;--ok-bg:#12301f;--warn:#f2b233;--warn-bg:#3a2c0d;--bad:#f0544f;--bad-bg:#3b1517}
            *{box-sizing:border-box}
            body{margin:0;background:var(--bg);color:var(--text);font:14px/1.45 system-ui,-apple-system,"Segoe UI",
            Roboto,"DejaVu Sans",sans-serif}
            header{display:flex;align-items:baseline;gap:12px;padding:14px 24px;background:var(--panel);
            border-bottom:1px solid var(--line);flex-wrap:wrap}
            h1{font-size:20px;margin:0;letter-spacing:.5px}
            h2{font-size:15px;margin:0 0 10px;text-transform:uppercase;letter-spacing:1px;color:var(--muted)}
            main{padding:18px 24px;display:grid;gap:22px}
            section{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:14px 16px;overflow-x:auto}
            .pills{display:flex;gap:8px;margin-left:auto;flex-wrap:wrap}
            .pill{border:1px solid var(--line);border-radius:999px;padding:3px 10px;font-size:13px}
            .pill.ok span{color:var(--ok)}.pill.warn span{color:var(--warn)}.pill.bad span{color:var(--bad)}
            .muted{color:var(--muted)}
            .legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin-bottom:10px;font-size:12px;align-items:baseline}.legend-item{white-space:nowrap}
            table{border-collapse:collapse;width:100%}
            th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
            thead th{color:var(--muted);font-weight:600;font-size:12px}
            td.num{text-align:right;font-variant-numeric:tabular-nums}
            .matrix td.cell{border-left:3px solid transparent;min-width:146px;padding:7px 8px}
            .matrix td.ok{border-left-color:var(--ok)}.matrix td.warn{border-left-color:var(--warn);background:#221d12}
            .matrix td.bad{border-left-color:var(--bad);background:#241416}
            .matrix th[scope=row]{min-width:180px;width:180px}
            .tick-head{display:flex;justify-content:space-between;align-items:baseline;gap:8px}
            .sym{font-size:17px;font-weight:700}.last{font-variant-numeric:tabular-nums;white-space:nowrap}
            .chg{font-size:12px;font-weight:600}.chg.up{color:var(--ok)}.chg.down{color:var(--bad)}
            .badge{display:inline-block;border-radius:4px;padding:1px 7px;font-size:12px;font-weight:600;white-space:nowrap}
            .badge.ok{background:var(--ok-bg);color:var(--ok)}.badge.warn{background:var(--warn-bg);color:var(--warn)}
            .badge.bad{background:var(--bad-bg);color:var(--bad)}.badge.info{background:var(--info-bg);color:var(--info)}
            .count{float:right;font-size:16px;font-weight:600;line-height:1.2;font-variant-numeric:tabular-nums}
            .count small{font-size:11px;color:var(--muted);font-weight:400}
            .range,.fresh{font-size:11.5px;color:var(--muted);white-space:nowrap;margin-top:3px;font-variant-numeric:tabular-nums}
            .range{color:#b4c1d3;white-space:normal}.range span{white-space:nowrap}.nowrap{white-space:nowrap}
            .quality{font-size:11.5px;color:var(--muted);white-space:nowrap;margin-top:3px;font-variant-numeric:tabular-nums}
            .quality a{color:inherit}.quality.warn{color:var(--warn)}.quality.warn a{color:var(--warn)}
            .spark{display:block;margin-top:4px}.spark.up polyline{stroke:var(--ok)}.spark.down polyline{stroke:var(--bad)}
            .bar{display:inline-block;width:160px;height:8px;background:var(--line);border-radius:4px;overflow:hidden;
            vertical-align:middle}.bar span{display:block;height:100%;background:var(--ok)}
            .count-pill{background:var(--line);border-radius:999px;padding:0 8px;color:var(--text)}
            .count-pill.bad{background:var(--bad-bg);color:var(--bad)}.count-pill.info{background:var(--info-bg);color:var(--info)}
            section.empty{display:flex;align-items:baseline;gap:14px;padding:10px 16px}section.empty h2,section.empty p{margin:0}
            .error{max-width:420px;color:#f3b2ae;font-size:12px;word-break:break-word}
            .banner{margin:0;padding:10px 14px;border-radius:8px}.banner.bad{background:var(--bad-bg);border:1px solid var(--bad)}
            code{font-size:12px;background:#0b1018;padding:2px 6px;border-radius:4px;word-break:break-all}
            button{background:#24364d;color:var(--text);border:1px solid #3a5273;border-radius:4px;padding:3px 10px;cursor:pointer}
            .js-only{display:none}.js .js-only{display:inline}
            footer{padding:0 24px 18px;color:var(--muted);font-size:12px}a{color:#7fb2ff}
            """;

    /** Replay buttons only: asks for the ops key once per tab, sends it as a Bearer token, shows the answer. */
    private static final String SCRIPT = """
            document.documentElement.classList.add('js');
            document.querySelectorAll('form.replay').forEach(function (form) {
              form.addEventListener('submit', async function (event) {
                event.preventDefault();
                var key = sessionStorage.getItem('tickertape-ops-key') || prompt('Ops API key (kept in this tab only)');
                if (!key) { return; }
                sessionStorage.setItem('tickertape-ops-key', key);
                var out = form.querySelector('output');
                out.textContent = 'sending…';
                try {
                  var response = await fetch(form.action, {method: 'POST', headers: {'Authorization': 'Bearer ' + key}});
                  if (response.status === 401 || response.status === 403) { sessionStorage.removeItem('tickertape-ops-key'); }
                  var body = await response.json().catch(function () { return {}; });
                  out.textContent = response.ok ? 'queued as run ' + (body.runIds || []).join(', ')
                      : 'HTTP ' + response.status + (body.detail ? ': ' + body.detail : '');
                } catch (e) {
                  out.textContent = 'failed: ' + e.message;
                }
              });
            });
            """;
}
