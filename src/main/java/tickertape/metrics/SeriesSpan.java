package tickertape.metrics;

import java.time.Duration;
import java.time.Instant;
import tickertape.market.Timeframe;

/**
 * What the store holds of one series, as of the last look: its oldest and newest bar (null when it
 * has none) and, for a fetched series (1m, 1d), the fraction of its backfill window held (else null).
 */
public record SeriesSpan(String ticker, Timeframe timeframe, Instant oldest, Instant newest, Double backfillProgress) {

    public boolean isEmpty() {
        return newest == null;
    }

    /** Wall-clock age of the newest bar's start; null without bars. */
    public Duration age(Instant now) {
        return newest == null ? null : Duration.between(newest, now);
    }

    /** Market time since the newest bar ended (see {@link SessionTime}); null without bars. */
    public Duration sessionLag(SessionTime sessionTime, Instant now) {
        return newest == null ? null : sessionTime.between(SessionTime.barEnd(timeframe, newest), now);
    }
}
