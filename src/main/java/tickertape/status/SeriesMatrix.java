package tickertape.status;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tickertape.market.Timeframe;
import tickertape.metrics.SeriesSpan;
import tickertape.metrics.SessionTime;
import tickertape.quality.CoverageSummary;
import tickertape.quality.SeriesCoverage;
import tickertape.status.StatusPageView.Badge;
import tickertape.status.StatusPageView.Data;

/**
 * The page's ticker × timeframe matrix: per ticker its last 1h closes and a failing splits check, per
 * series its health (freshness and backfill), bars, first and last bar, and its coverage and gaps over
 * the recent window.
 *
 * @param coverageDays the recent window ({@code status.quality-days})
 * @param coverageChecked when its coverage was last checked, as the legend says it
 */
record SeriesMatrix(List<LegendItem> legend, int coverageDays, String coverageChecked, List<String> timeframes,
                    List<TickerRow> rows) {

    record LegendItem(Badge badge, String meaning) {
    }

    /**
     * @param lastClose null without 1h bars; @param sparkline null with fewer than two
     * @param splitCheck null unless the ticker's last splits check failed
     */
    record TickerRow(String ticker, LastClose lastClose, Sparkline sparkline, SplitCheckFailure splitCheck,
                     List<SeriesCell> cells) {
    }

    /**
     * Why the ticker's splits were not fetched, when it was last done ("never") and when it is tried
     * again: its bars carry on, adjusted for the splits stored before.
     */
    record SplitCheckFailure(String error, String lastChecked, String retryAt) {
    }

    /** The newest 1h close and its change since the oldest one shown, "up" or "down". */
    record LastClose(String close, String change, String direction) {
    }

    /** @param stored null when the store holds no bar of the series */
    record SeriesCell(String timeframe, long bars, Badge badge, StoredBars stored, CoverageLine coverage) {
    }

    /** @param last the last bar, shortened (see {@link #shortLast}); @param behind market time since it ended */
    record StoredBars(String count, String firstDay, String last, String newestStarted, String age, String behind) {
    }

    /** @param window the recent window ("4d"); @param figures null until the coverage has been checked */
    record CoverageLine(String window, CoverageFigures figures) {
    }

    /**
     * The series' coverage over the window as GET /api/v2/data/quality reports it for that window.
     *
     * @param noneDue no bar is due in the window (a ticker listed since)
     * @param link the quality report of the series and window, which the gap count links to
     * @param confirmedEmpty "+2 empty" for gaps the source confirmed empty, null for none
     */
    record CoverageFigures(boolean complete, double percent, int openGaps, int confirmedGaps, String title,
                           boolean noneDue, String percentText, QualityLink link, String gaps, String confirmedEmpty) {
    }

    /** The query of GET /api/v2/data/quality for one series over the window; the ticker URL-encoded. */
    record QualityLink(String ticker, String timeframe, Instant from, Instant to) {
    }

    @SuppressWarnings("unchecked")
    static SeriesMatrix of(Data data) {
        Builder builder = new Builder(data);
        List<TickerRow> rows = ((List<String>) data.report().get("tickers")).stream().map(builder::row).toList();
        CoverageSummary summary = data.coverage();
        return new SeriesMatrix(
                Arrays.stream(SeriesHealth.values())
                        .map(health -> new LegendItem(new Badge(health.tone(), health.label()), health.meaning())).toList(),
                data.coverageDays(),
                summary == null ? "not checked yet" : "checked " + PageText.MINUTE_OF_DAY.format(summary.checkedAt()),
                Arrays.stream(Timeframe.values()).map(Timeframe::code).toList(),
                rows);
    }

    /** Reads one request's data by series. */
    private static final class Builder {
        private final Data data;
        private final Map<String, Map<String, Object>> stored = new HashMap<>();
        private final Map<String, SeriesSpan> spans = new HashMap<>();
        private final Map<String, SplitCheckFailure> failedSplitChecks = new HashMap<>();

        @SuppressWarnings("unchecked")
        Builder(Data data) {
            this.data = data;
            for (Map<String, Object> series : (List<Map<String, Object>>) data.report().get("series")) {
                stored.put(series.get("ticker") + " " + series.get("timeframe"), series);
            }
            for (Map<String, Object> check : (List<Map<String, Object>>) data.report().get("splitChecks")) {
                if (check.get("error") != null) {
                    Instant checked = (Instant) check.get("checkedAt");
                    failedSplitChecks.put((String) check.get("ticker"), new SplitCheckFailure(
                            PageText.text(check.get("error")), checked == null ? "never" : PageText.minute(checked),
                            check.get("retryAt") == null ? "soon" : PageText.minute((Instant) check.get("retryAt"))));
                }
            }
            data.spans().forEach(span -> spans.put(span.ticker() + " " + span.timeframe().code(), span));
        }

        TickerRow row(String ticker) {
            List<Double> closes = data.closes().getOrDefault(ticker, List.of());
            return new TickerRow(ticker, lastClose(closes),
                    Sparkline.of(ticker + ": last " + closes.size() + " 1h closes", closes), failedSplitChecks.get(ticker),
                    Arrays.stream(Timeframe.values()).map(timeframe -> cell(ticker, timeframe)).toList());
        }

        private static LastClose lastClose(List<Double> closes) {
            if (closes.isEmpty()) {
                return null;
            }
            double first = closes.get(0);
            double last = closes.get(closes.size() - 1);
            double change = first == 0 ? 0 : (last - first) / first * 100;
            return new LastClose(String.format(Locale.ROOT, "%,.2f", last), String.format(Locale.ROOT, "%+.1f%%", change),
                    change >= 0 ? "up" : "down");
        }

        private SeriesCell cell(String ticker, Timeframe timeframe) {
            Map<String, Object> series = stored.get(ticker + " " + timeframe.code());
            Instant last = series == null ? null : (Instant) series.get("lastBar");
            SessionTime sessionTime = data.sessionTime();
            Duration lag = last == null ? null : sessionTime.between(SessionTime.barEnd(timeframe, last), data.now());
            Double progress = backfillProgress(ticker, timeframe);
            SeriesHealth health = SeriesHealth.of(timeframe, lag, progress);
            if (health == SeriesHealth.EMPTY && beingFetched(ticker, timeframe)) {
                // Nothing stored yet, but its first run is under way: that is a backfill, not a failure.
                health = SeriesHealth.BACKFILLING;
                progress = 0.0;
            }
            String badge = health == SeriesHealth.BACKFILLING
                    ? health.label() + " " + PageText.percent(progress) : health.label();
            StoredBars bars = series == null ? null : storedBars(timeframe, (Long) series.get("bars"),
                    (Instant) series.get("firstBar"), last, lag);
            return new SeriesCell(timeframe.code(), series == null ? 0L : (Long) series.get("bars"),
                    new Badge(health.tone(), badge), bars, coverage(ticker, timeframe));
        }

        private StoredBars storedBars(Timeframe timeframe, long bars, Instant first, Instant last, Duration lag) {
            return new StoredBars(PageText.count(bars), PageText.DAY.format(first), shortLast(timeframe, first, last),
                    PageText.MINUTE.format(last), PageText.human(Duration.between(last, data.now())), PageText.human(lag));
        }

        /** Rolled-up timeframes have no backfill of their own: they follow the 1m series they come from. */
        private Double backfillProgress(String ticker, Timeframe timeframe) {
            Timeframe fetched = timeframe.isDerivedFromMinutes() ? Timeframe.M1 : timeframe;
            SeriesSpan span = spans.get(ticker + " " + fetched.code());
            return span == null ? null : span.backfillProgress();
        }

        /** A run RUNNING for the series, or for the 1m series a rolled-up timeframe comes from. */
        private boolean beingFetched(String ticker, Timeframe timeframe) {
            String fetched = timeframe.isDerivedFromMinutes() ? Timeframe.M1.code() : timeframe.code();
            return data.running().stream().anyMatch(run -> (run.get("ticker") == null || ticker.equals(run.get("ticker")))
                    && (run.get("timeframe") == null || fetched.equals(run.get("timeframe"))));
        }

        private CoverageLine coverage(String ticker, Timeframe timeframe) {
            CoverageSummary summary = data.coverage();
            SeriesCoverage coverage = summary == null ? null : summary.of(ticker, timeframe.code()).orElse(null);
            String window = data.coverageDays() + "d";
            if (coverage == null) {
                return new CoverageLine(window, null);
            }
            String title = String.format(Locale.ROOT, "Last %d days: %,d of the %,d regular-session bars due are held;"
                            + " %,d missing in %,d gap(s); %,d confirmed empty by the source in %,d gap(s), not counted."
                            + " The link needs an ops key.", data.coverageDays(), coverage.presentBars(),
                    coverage.expectedBars(), coverage.missingBars(), coverage.openGapCount(), coverage.confirmedEmptyBars(),
                    coverage.confirmedGapCount());
            int open = coverage.openGapCount();
            int confirmed = coverage.confirmedGapCount();
            return new CoverageLine(window, new CoverageFigures(coverage.complete(), coverage.coveragePercent(), open,
                    confirmed, title, coverage.expectedBars() == 0, PageText.coveragePercent(coverage.coveragePercent()),
                    new QualityLink(URLEncoder.encode(ticker, StandardCharsets.UTF_8), timeframe.code(), summary.from(),
                            summary.to()),
                    PageText.count(open) + (open == 1 ? " gap" : " gaps"),
                    confirmed > 0 ? "+" + confirmed + " empty" : null));
        }
    }

    /**
     * The last bar without its year when the first bar has the same one (a day bar without its time): the
     * range stays on one line; one spanning years wraps at its arrow rather than widen the matrix.
     */
    static String shortLast(Timeframe timeframe, Instant first, Instant last) {
        boolean sameYear = PageText.DAY.format(first).regionMatches(0, PageText.DAY.format(last), 0, 4);
        if (timeframe == Timeframe.D1) {
            return sameYear ? PageText.DAY.format(last).substring(5) : PageText.DAY.format(last);
        }
        return (sameYear ? PageText.MINUTE_OF_YEAR : PageText.MINUTE).format(last);
    }
}
