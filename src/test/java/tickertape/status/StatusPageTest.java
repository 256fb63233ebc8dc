package tickertape.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import tickertape.AppTestSupport;
import tickertape.keys.ApiKeys;
import tickertape.keys.Role;
import tickertape.market.ExchangeCalendar;

/**
 * {@code GET /}, the ops status page, on the whole app with the sandbox source (which backfills a few
 * days of the configured tickers by itself): as HTTP (headers, the matrix against the store, nothing
 * loaded from elsewhere) and as a real headless Chromium renders it, with JavaScript on and off.
 * The browser half skips where Chromium is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageTest extends AppTestSupport {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration BACKFILL = Duration.ofSeconds(180);
    private static final Duration BROWSER = Duration.ofSeconds(120);
    private static final List<String> TICKERS = List.of("IWM", "QQQ", "SPY", "UVXY");
    private static final List<String> TIMEFRAMES = List.of("1m", "5m", "15m", "1h", "4h", "1d");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Where the browser test leaves its screenshot, for a person to look at. */
    private static final Path SCREENSHOT = Path.of("target/status-page.png");

    private static final Pattern ROW = Pattern.compile("<tr data-ticker=\"([A-Z.]+)\">(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<td[^>]* data-timeframe=\"([0-9a-z]+)\"([^>]*)>");
    private static final Pattern BARS = Pattern.compile("data-bars=\"(\\d+)\"");
    /** A cell's coverage line: its figures as data attributes, the gap count linking to the quality report. */
    private static final Pattern COVERAGE = Pattern.compile("<div class=\"quality( warn)?\" data-coverage=\"([0-9.]+)\""
            + " data-gaps=\"(\\d+)\" data-confirmed-gaps=\"(\\d+)\" title=\"[^\"]*\">(.*?)</div>", Pattern.DOTALL);
    private static final Pattern SPY_CHANGE = Pattern.compile(
            "<span class=\"sym\">SPY</span><span class=\"last\">[^<]* <span class=\"chg [a-z]+\">([^<]+)</span>");
    private static final Pattern LINK = Pattern.compile("<a href=\"([^\"]+)\">");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The coverage window of this test: inside the sandbox's backfill (P5D) whatever the UTC/New York date. */
    private static final int COVERAGE_DAYS = 4;
    private static final Duration COVERAGE_REFRESH = Duration.ofSeconds(1);

    private boolean backfilled;
    private String opsKey;

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        properties.put("status.quality-days", String.valueOf(COVERAGE_DAYS));
        // The coverage shown is re-checked by the status-quality-refresh route: often, so a test waits little for it.
        properties.put("tickertape.metrics.refresh-millis", String.valueOf(COVERAGE_REFRESH.toMillis()));
        // No scheduled repair refetching the gaps a test makes.
        properties.put("quality.repair-enabled", "false");
        return properties;
    }

    /** Once per class, after the app has started: every configured series has bars. */
    @BeforeEach
    void awaitBackfill() throws Exception {
        if (backfilled) {
            return;
        }
        await(BACKFILL, "bars in every series of " + TICKERS,
                () -> queryLong("select count(*) from (select distinct ticker, timeframe from market_bar"
                        + " where ticker in ('IWM', 'QQQ', 'SPY', 'UVXY')) s") == TICKERS.size() * TIMEFRAMES.size());
        backfilled = true;
    }

    @Test
    void pageIsSelfContainedHtmlWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = get(baseUrl() + "/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow(
                () -> new AssertionError("no Content-Security-Policy header"));
        assertThat(policy).contains("default-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'")
                .doesNotContain("http:", "https:", "*");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");

        String html = page.body();
        assertThat(html).startsWith("<!DOCTYPE html>");
        assertThat(html).as("nothing loaded from elsewhere")
                .doesNotContainPattern("(?i)<script[^>]+src=\"?(https?:)?//")
                .doesNotContainPattern("(?i)<link[^>]+href=\"?(https?:)?//")
                .doesNotContainPattern("(?i)<img[^>]+src=\"?(https?:)?//")
                .doesNotContainPattern("(?i)url\\(\\s*['\"]?(https?:)?//")
                .doesNotContainPattern("(?i)@import");
    }

    @Test
    void matrixHasARowPerTickerAndACellPerTimeframeWithTheStoresBarCounts() throws Exception {
        // Bars keep arriving while a refresh runs: compare a page with the store as it was both before and after it.
        List<String> mismatch = new ArrayList<>();
        await(BACKFILL, "a page whose bar counts equal the store's", () -> {
            Map<String, Long> before = storeCounts();
            Map<String, Map<String, Long>> page = matrix(get(baseUrl() + "/").body());
            Map<String, Long> after = storeCounts();
            mismatch.clear();
            mismatch.add("store " + before + ", page " + page);
            return before.equals(after) && flatten(page).equals(before);
        });

        Map<String, Map<String, Long>> page = matrix(get(baseUrl() + "/").body());
        assertThat(page.keySet()).containsExactlyElementsOf(TICKERS);
        for (String ticker : TICKERS) {
            assertThat(page.get(ticker).keySet()).as("cells of %s", ticker).containsExactlyElementsOf(TIMEFRAMES);
            // The counts are the store's (above); how many a 5-day backfill from today holds depends on the day.
            assertThat(page.get(ticker).values()).as("bar counts of %s", ticker).allSatisfy(
                    bars -> assertThat(bars).isPositive());
        }
    }

    /**
     * A 2-for-1 SPY split recorded on the day of its newest 1h bar: the ticker's line and its change
     * are drawn from adjusted closes (the older days halved), as the API serves them, so the split is
     * no jump on the page.
     */
    @Test
    void theTickersLineAndChangeAreSplitAdjusted() throws Exception {
        LocalDate newestDay = LocalDate.ofInstant(Instant.ofEpochMilli(queryLong(
                "select (extract(epoch from max(ts)) * 1000)::bigint from market_bar where ticker = 'SPY' and timeframe = '1h'")),
                ExchangeCalendar.ZONE);
        execute("insert into split(ticker, execution_date, split_from, split_to) values ('SPY', '" + newestDay + "', 1, 2)");
        try {
            List<String> shownAndExpected = new ArrayList<>();
            await(BACKFILL, "SPY's change over its adjusted closes", () -> {
                String expected = adjustedChange(newestDay);
                Matcher shown = SPY_CHANGE.matcher(get(baseUrl() + "/").body());
                shownAndExpected.clear();
                shownAndExpected.add(shown.find() ? shown.group(1) : "none");
                shownAndExpected.add(expected);
                return shownAndExpected.get(0).equals(shownAndExpected.get(1));
            });
        } finally {
            execute("delete from split where ticker = 'SPY'");
        }
    }

    /** The change from the first to the last of SPY's last 100 1h closes, those before {@code splitDay} halved. */
    private String adjustedChange(LocalDate splitDay) throws Exception {
        List<Double> closes = new ArrayList<>();
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement();
             java.sql.ResultSet rows = statement.executeQuery("select ts, close from market_bar"
                     + " where ticker = 'SPY' and timeframe = '1h' order by ts desc limit 100")) {
            while (rows.next()) {
                boolean beforeSplit = LocalDate.ofInstant(rows.getTimestamp(1).toInstant(), ExchangeCalendar.ZONE)
                        .isBefore(splitDay);
                closes.add(0, rows.getDouble(2) * (beforeSplit ? 0.5 : 1));
            }
        }
        double first = closes.get(0);
        double last = closes.get(closes.size() - 1);
        return String.format(java.util.Locale.ROOT, "%+.1f%%", (last - first) / first * 100);
    }

    /**
     * SPY's sandbox 1m bars are complete; on its last whole trading day in the window, 10 minutes are
     * deleted (an open gap) and 5 more deleted and confirmed empty. Its cell then shows what the
     * quality report says of the same series and window: 10 missing, 1 gap, 1 confirmed empty apart.
     */
    @Test
    void eachCellShowsTheCoverageAndGapsTheQualityReportHasForTheSameWindow() throws Exception {
        ExchangeCalendar calendar = new ExchangeCalendar();
        LocalDate today = LocalDate.now(ExchangeCalendar.ZONE);
        LocalDate day = today.minusDays(1);
        while (!calendar.isTradingDay(day)) {
            day = day.minusDays(1);
        }
        Assumptions.assumeTrue(!day.isBefore(today.minusDays(COVERAGE_DAYS)),
                "no whole trading day in the last " + COVERAGE_DAYS + " days");
        Instant gapFrom = newYork(day, "10:00");
        Instant gapTo = newYork(day, "10:10");
        Instant emptyFrom = newYork(day, "11:00");
        Instant emptyTo = newYork(day, "11:05");
        assertThat(queryLong("select count(*) from market_bar where ticker = 'SPY' and timeframe = '1m' and ts >= '"
                + gapFrom + "' and ts < '" + emptyTo + "'")).as("sandbox SPY minutes 10:00–11:05 of %s", day).isEqualTo(65);
        execute("delete from market_bar where ticker = 'SPY' and timeframe = '1m' and ((ts >= '" + gapFrom + "' and ts < '"
                + gapTo + "') or (ts >= '" + emptyFrom + "' and ts < '" + emptyTo + "'))");
        // the sandbox answered for the whole day: the first gap is made a hole (as a failed write leaves),
        // the second stays answered, so confirmed empty
        setAnswered("SPY", "1m", gapFrom, gapTo, false);

        // During a session, bars keep coming due: compare a page with a report read right after it, retrying
        // until no minute came due between the two. Each page is read once the app's own refresh has run again.
        String[] cell = new String[1];
        JsonNode[] reported = new JsonNode[1];
        await(BACKFILL, "the page's SPY 1m coverage to equal the quality report's", () -> {
            awaitCoverageRefresh();
            cell[0] = coverageLine(get(baseUrl() + "/").body(), "SPY", "1m");
            Matcher line = COVERAGE.matcher(cell[0]);
            assertThat(line.matches()).as("coverage line %s", cell[0]).isTrue();
            Matcher link = LINK.matcher(line.group(5));
            assertThat(link.find()).as("gap link in %s", cell[0]).isTrue();
            reported[0] = quality(link.group(1).replace("&amp;", "&"));
            return reported[0].path("coveragePercent").asText().equals(line.group(2));
        });

        Matcher line = COVERAGE.matcher(cell[0]);
        assertThat(line.matches()).isTrue();
        JsonNode series = reported[0];
        int present = series.path("presentBars").asInt();
        assertThat(series.path("missingBars").asInt()).isEqualTo(10);
        assertThat(series.path("confirmedEmptyBars").asInt()).isEqualTo(5);
        assertThat(series.path("gapCount").asInt()).isEqualTo(2);
        assertThat(series.path("expectedBars").asInt()).isEqualTo(present + 15);
        assertThat(series.path("gaps").get(0).path("start").asText()).isEqualTo(gapFrom.toString());
        assertThat(series.path("gaps").get(0).path("bars").asInt()).isEqualTo(10);
        assertThat(series.path("gaps").get(0).path("confirmed").asBoolean()).isFalse();
        assertThat(series.path("gaps").get(1).path("start").asText()).isEqualTo(emptyFrom.toString());
        assertThat(series.path("gaps").get(1).path("confirmed").asBoolean()).isTrue();
        double coverage = Math.floor(10_000.0 * present / (present + 10)) / 100;
        assertThat(series.path("coveragePercent").asDouble()).isEqualTo(coverage).isLessThan(100);

        assertThat(line.group(1)).as("missing bars make the line a warning").isEqualTo(" warn");
        assertThat(Double.parseDouble(line.group(2))).isEqualTo(coverage);
        assertThat(line.group(3)).as("open gaps").isEqualTo("1");
        assertThat(line.group(4)).as("confirmed-empty gaps").isEqualTo("1");
        assertThat(line.group(5).replaceAll("<[^>]+>", "")).isEqualTo("▲ " + COVERAGE_DAYS + "d "
                + PageText.coveragePercent(coverage) + " · 1 gap +1 empty");
    }

    @Test
    void everyCellHasACoverageLineLinkingToTheQualityReportOfItsSeries() throws Exception {
        String html = get(baseUrl() + "/").body();
        for (String ticker : TICKERS) {
            for (String timeframe : TIMEFRAMES) {
                String cell = coverageLine(html, ticker, timeframe);
                Matcher line = COVERAGE.matcher(cell);
                assertThat(line.matches()).as("coverage line of %s %s: %s", ticker, timeframe, cell).isTrue();
                Matcher link = LINK.matcher(line.group(5));
                assertThat(link.find()).isTrue();
                assertThat(link.group(1)).startsWith("/api/v2/data/quality?ticker=" + ticker + "&amp;timeframe="
                        + timeframe + "&amp;from=");
            }
        }
    }

    /**
     * A failing splits check shows in its ticker's row, escaped (written here as SplitChecks.finish records
     * a failure: the sandbox's splits never fail), and the other tickers' rows show none.
     */
    @Test
    void aFailingSplitsCheckShowsInItsTickersRow() throws Exception {
        await(BACKFILL, "the start's splits checks", () -> queryLong(
                "select count(*) from split_check where checked_at is not null and claimed_until is null") == 4);
        execute("update split_check set error = 'HTTP 500 <b>Internal</b>', claimed_until = '2030-01-02T03:04:05Z'"
                + " where ticker = 'QQQ'");

        String html = get(baseUrl() + "/").body();

        Matcher row = ROW.matcher(html);
        Map<String, String> rows = new TreeMap<>();
        while (row.find()) {
            rows.put(row.group(1), row.group(2));
        }
        assertThat(rows.get("QQQ")).containsPattern("<div class=\"split-check\" title=\"splits last fetched"
                + " \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ; its bars carry on\"><span class=\"badge bad\"><span aria-hidden=\"true\">■</span>"
                + " Splits not checked</span> <span class=\"error\">HTTP 500 &lt;b&gt;Internal&lt;/b&gt;</span>"
                + " <span class=\"muted\">retried 2030-01-02 03:04Z</span></div></th>");
        assertThat(rows).hasSize(TICKERS.size()).allSatisfy((ticker, tickerRow) -> assertThat(tickerRow.contains("split-check"))
                .as("a splits line in %s's row", ticker).isEqualTo(ticker.equals("QQQ")));
    }

    @Test
    void headlessChromiumRendersTheMatrixAndAScreenshot() throws Exception {
        assumeChromium();
        String dom = chromium("--dump-dom", baseUrl() + "/");

        assertThat(dom).contains("<table class=\"matrix\"");
        assertThat(matrix(dom).keySet()).containsExactlyElementsOf(TICKERS);
        assertThat(dom).as("the inline script ran (it marks the document)").contains("<html lang=\"en\" class=\"js\"");

        Files.createDirectories(SCREENSHOT.toAbsolutePath().getParent());
        Files.deleteIfExists(SCREENSHOT);
        chromium("--screenshot=" + SCREENSHOT.toAbsolutePath(), "--window-size=1400,1000", baseUrl() + "/");
        assertThat(SCREENSHOT).exists();
        byte[] png = Files.readAllBytes(SCREENSHOT);
        assertThat(png.length).as("screenshot size").isGreaterThan(10_000);
        assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).as("PNG signature").isEqualTo("PNG");
    }

    @Test
    void matrixIsThereWithJavaScriptOff() throws Exception {
        assumeChromium();
        String dom = chromiumWithoutJavaScript("--dump-dom", baseUrl() + "/");

        assertThat(dom).as("no script ran").contains("<html lang=\"en\">");
        assertThat(dom).contains("<table class=\"matrix\"");
        Map<String, Map<String, Long>> matrix = matrix(dom);
        assertThat(matrix.keySet()).containsExactlyElementsOf(TICKERS);
        matrix.values().forEach(cells -> assertThat(cells.keySet()).containsExactlyElementsOf(TIMEFRAMES));
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Waits until the status-quality-refresh route has completed a refresh begun from now on: the second to
     * complete (its timer runs them one at a time, and the first may have begun before).
     */
    private void awaitCoverageRefresh() {
        NotifyBuilder refreshed = new NotifyBuilder(context).fromRoute("status-quality-refresh").whenCompleted(2).create();
        assertThat(refreshed.matches(COVERAGE_REFRESH.multipliedBy(30).toMillis(), TimeUnit.MILLISECONDS))
                .as("a refresh of the status page's coverage within %s", COVERAGE_REFRESH.multipliedBy(30)).isTrue();
    }

    /** The coverage line of one cell of the page (its {@code <div class="quality...">}), or the whole cell when it has none. */
    private static String coverageLine(String html, String ticker, String timeframe) {
        Matcher row = ROW.matcher(html);
        while (row.find()) {
            if (row.group(1).equals(ticker)) {
                Matcher cell = Pattern.compile("data-timeframe=\"" + timeframe + "\"[^>]*>(.*?)</td>", Pattern.DOTALL)
                        .matcher(row.group(2));
                assertThat(cell.find()).as("cell %s %s", ticker, timeframe).isTrue();
                int start = cell.group(1).indexOf("<div class=\"quality");
                return start < 0 ? cell.group(1) : cell.group(1).substring(start);
            }
        }
        throw new AssertionError("no row for " + ticker);
    }

    /** One series of GET /api/v2/data/quality (the path and query as the page links it), with an ops key. */
    private JsonNode quality(String pathAndQuery) throws Exception {
        if (opsKey == null) {
            opsKey = context.getRegistry().findSingleByType(ApiKeys.class).issue(Role.OPS, "status page test", 1_000_000)
                    .secret();
        }
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery))
                .header("Authorization", "Bearer " + opsKey).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode series = JSON.readTree(response.body()).path("series");
        assertThat(series.size()).isEqualTo(1);
        return series.get(0);
    }

    private static Instant newYork(LocalDate day, String time) {
        return day.atTime(LocalTime.parse(time)).atZone(ExchangeCalendar.ZONE).toInstant();
    }

    private void execute(String sql) throws Exception {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Ticker -> timeframe -> bars, as the page's matrix states them (data attributes of its rows and cells). */
    private static Map<String, Map<String, Long>> matrix(String html) {
        Map<String, Map<String, Long>> matrix = new TreeMap<>();
        Matcher row = ROW.matcher(html);
        while (row.find()) {
            Map<String, Long> cells = new java.util.LinkedHashMap<>();
            Matcher cell = CELL.matcher(row.group(2));
            while (cell.find()) {
                Matcher bars = BARS.matcher(cell.group(2));
                cells.put(cell.group(1), bars.find() ? Long.parseLong(bars.group(1)) : 0L);
            }
            matrix.put(row.group(1), cells);
        }
        return matrix;
    }

    private static Map<String, Long> flatten(Map<String, Map<String, Long>> matrix) {
        Map<String, Long> flat = new TreeMap<>();
        matrix.forEach((ticker, cells) -> cells.forEach((timeframe, bars) -> {
            if (bars > 0) {
                flat.put(ticker + " " + timeframe, bars);
            }
        }));
        return flat;
    }

    private Map<String, Long> storeCounts() throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select ticker, timeframe, count(*) from market_bar"
                     + " where ticker in ('IWM', 'QQQ', 'SPY', 'UVXY') group by ticker, timeframe")) {
            while (rows.next()) {
                counts.put(rows.getString(1) + " " + rows.getString(2), rows.getLong(3));
            }
        }
        return counts;
    }

    private static void assumeChromium() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM
                + ": the status page is not checked in a real browser. Install it with: apt-get install chromium");
    }

    /**
     * Chromium with JavaScript blocked by its profile's content setting, as a user who turned it off has it.
     * Not {@code --blink-settings=scriptEnabled=false}: headless Chromium (156) then writes neither
     * --dump-dom nor --screenshot output at all, as it reads both through script.
     */
    private static String chromiumWithoutJavaScript(String... arguments) throws Exception {
        return run("{\"profile\":{\"default_content_setting_values\":{\"javascript\":2}}}", arguments);
    }

    private static String chromium(String... arguments) throws Exception {
        return run(null, arguments);
    }

    /**
     * Runs headless Chromium once on a fresh profile (with {@code preferences} as its Default/Preferences
     * when not null), with no network of its own (no QUIC, updates, sync
     * or background requests), and returns what it wrote to stdout (the DOM for --dump-dom).
     */
    private static String run(String preferences, String... arguments) throws Exception {
        Path profile = Files.createTempDirectory("tickertape-chromium-");
        if (preferences != null) {
            Files.writeString(Files.createDirectories(profile.resolve("Default")).resolve("Preferences"), preferences);
        }
        Path stdout = Files.createTempFile("tickertape-chromium-", ".out");
        Path stderr = Files.createTempFile("tickertape-chromium-", ".err");
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile));
        command.addAll(List.of(arguments));
        Process browser = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        try {
            boolean finished = browser.waitFor(BROWSER.toSeconds(), TimeUnit.SECONDS);
            assertThat(finished).as("chromium finished within %s: %s", BROWSER, command).isTrue();
            assertThat(browser.exitValue()).as("chromium's exit code; stderr: %s", tail(stderr)).isZero();
            return Files.readString(stdout);
        } finally {
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly();
            deleteTree(profile);
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    private static String tail(Path file) throws IOException {
        String text = Files.readString(file);
        return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
