package tickertape.quality;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tickertape.bars.BarQueries.CheckedBar;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;
import tickertape.quality.ExpectedBars.ExpectedBar;

/**
 * Sorts a series' stored bars, as they stream by, into the expected regular-session bars held, the
 * extended-hours ones (counted apart), and the ones that should not exist at all.
 */
final class BarTally {
    private final Timeframe timeframe;
    private final ExchangeCalendar calendar;
    private final Set<Instant> expected = new HashSet<>();
    private final Set<Instant> presentExpected = new HashSet<>();
    private final Set<Instant> bucketsHeld = new HashSet<>();
    private int preMarket;
    private int afterHours;
    private int outsideSession;
    private int ohlcViolations;
    private int duplicates;
    private int misaligned;

    BarTally(Timeframe timeframe, ExchangeCalendar calendar, List<ExpectedBar> expectedBars) {
        this.timeframe = timeframe;
        this.calendar = calendar;
        expectedBars.forEach(bar -> expected.add(bar.start()));
    }

    void add(CheckedBar bar) {
        Instant bucket = timeframe.bucketStart(bar.start());
        if (!bucket.equals(bar.start())) {
            misaligned++;
        }
        if (!bucketsHeld.add(bucket)) {
            duplicates++;
        }
        if (bar.breaksOhlcRules()) {
            ohlcViolations++;
        }
        if (expected.contains(bar.start())) {
            presentExpected.add(bar.start());
            return;
        }
        // Not an expected bar: an extended-hours one, a regular one not due yet, or one that should not be.
        if (timeframe == Timeframe.D1) {
            if (!calendar.isTradingDay(bar.start().atZone(ExchangeCalendar.ZONE).toLocalDate())) {
                outsideSession++;
            }
            return;
        }
        switch (calendar.session(bar.start())) {
            case PRE -> preMarket++;
            case AFTER -> afterHours++;
            case CLOSED -> outsideSession++;
            case REGULAR -> { }
        }
    }

    /** The expected bars held, by start. */
    Set<Instant> presentExpected() {
        return presentExpected;
    }

    SeriesQuality.ExtendedHours extendedHours() {
        return new SeriesQuality.ExtendedHours(preMarket, afterHours, outsideSession);
    }

    int ohlcViolations() {
        return ohlcViolations;
    }

    int duplicates() {
        return duplicates;
    }

    int misaligned() {
        return misaligned;
    }
}
