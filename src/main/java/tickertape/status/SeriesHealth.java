package tickertape.status;

import java.time.Duration;
import tickertape.market.Timeframe;

/**
 * How a series looks to ops, by market time since its newest bar ended (so nights, weekends and
 * holidays do not count) and by its backfill. The thresholds match the TickertapeSeriesStale alert
 * in monitoring/prometheus/tickertape-rules.yml: a series the page calls stale is one that alerts.
 */
enum SeriesHealth {
    OK(Tone.OK, "OK", "≤ 30 min behind, history complete"),
    BEHIND(Tone.WARN, "Behind", "> 30 min (1d: 17 h)"),
    BACKFILLING(Tone.WARN, "Backfilling", "history being fetched"),
    STALE(Tone.BAD, "Stale", "> 1 h (1d: 18 h): alerts"),
    EMPTY(Tone.BAD, "No bars", "nothing stored");

    /** Refreshes run every 15 minutes: a little more than that is normal, especially for thin tickers. */
    private static final Duration INTRADAY_BEHIND = Duration.ofMinutes(30);
    private static final Duration INTRADAY_STALE = Duration.ofHours(1);
    /** A day bar arrives with the refresh after 20:00 ET, one full extended session (16 h) after its day began. */
    private static final Duration DAILY_BEHIND = Duration.ofHours(17);
    private static final Duration DAILY_STALE = Duration.ofHours(18);

    private final Tone tone;
    private final String label;
    /** What the state means, as the page's legend says it. */
    private final String meaning;

    SeriesHealth(Tone tone, String label, String meaning) {
        this.tone = tone;
        this.label = label;
        this.meaning = meaning;
    }

    Tone tone() {
        return tone;
    }

    String label() {
        return label;
    }

    String meaning() {
        return meaning;
    }

    /**
     * @param sessionLag market time since the newest bar ended, null without bars
     * @param backfillProgress fraction of the backfill window held (the 1m series' for rolled-up timeframes)
     */
    static SeriesHealth of(Timeframe timeframe, Duration sessionLag, Double backfillProgress) {
        if (sessionLag == null) {
            return EMPTY;
        }
        boolean daily = timeframe == Timeframe.D1;
        if (sessionLag.compareTo(daily ? DAILY_STALE : INTRADAY_STALE) > 0) {
            return STALE;
        }
        if (sessionLag.compareTo(daily ? DAILY_BEHIND : INTRADAY_BEHIND) > 0) {
            return BEHIND;
        }
        return backfillProgress != null && backfillProgress < 0.995 ? BACKFILLING : OK;
    }
}
