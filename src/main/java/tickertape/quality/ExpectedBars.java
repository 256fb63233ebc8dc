package tickertape.quality;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;

/**
 * The bars the exchange calendar expects of a continuously traded ticker: one per bucket holding at
 * least one regular-session minute, as {@link ExchangeCalendar#expectedRegularSessionBars} counts them
 * (so the 09:00 hour bar and the 08:00 and 12:00 4h bars count, early closes end at 13:00).
 */
final class ExpectedBars {

    /** A bucket [start, end) the calendar expects, with the regular-session minutes it holds: [regularFrom, regularTo). */
    record ExpectedBar(Instant start, Instant end, Instant regularFrom, Instant regularTo) {
    }

    private final ExchangeCalendar calendar;

    ExpectedBars(ExchangeCalendar calendar) {
        this.calendar = calendar;
    }

    /** The expected bars starting in [from, to) and no later than {@code due}, oldest first. */
    List<ExpectedBar> between(Timeframe timeframe, Instant from, Instant to, Instant due) {
        List<ExpectedBar> expected = new ArrayList<>();
        LocalDate last = to.minusMillis(1).atZone(ExchangeCalendar.ZONE).toLocalDate();
        for (LocalDate day : calendar.tradingDays(from.atZone(ExchangeCalendar.ZONE).toLocalDate(), last)) {
            for (ExpectedBar bar : onDay(timeframe, day)) {
                if (!bar.start().isBefore(from) && bar.start().isBefore(to) && !bar.start().isAfter(due)) {
                    expected.add(bar);
                }
            }
        }
        return expected;
    }

    /** A trading day's expected bars: walks the buckets from the one holding the open to the close. */
    private List<ExpectedBar> onDay(Timeframe timeframe, LocalDate day) {
        Instant open = calendar.regularOpen(day);
        Instant close = calendar.regularClose(day);
        List<ExpectedBar> bars = new ArrayList<>();
        Instant start = timeframe.bucketStart(open);
        while (start.isBefore(close)) {
            Instant end = end(timeframe, start);
            bars.add(new ExpectedBar(start, end, max(start, open), min(end, close)));
            start = end;
        }
        return bars;
    }

    /**
     * Where the bucket starting at {@code start} ends. Intraday buckets that hold session minutes never
     * span a daylight-saving change (clocks move at 02:00), so their length is plain; a day ends at the
     * next midnight in New York.
     */
    static Instant end(Timeframe timeframe, Instant start) {
        return switch (timeframe.timespan()) {
            case "minute" -> start.plus(Duration.ofMinutes(timeframe.multiplier()));
            case "hour" -> start.plus(Duration.ofHours(timeframe.multiplier()));
            default -> start.atZone(ExchangeCalendar.ZONE).toLocalDate().plusDays(timeframe.multiplier())
                    .atStartOfDay(ExchangeCalendar.ZONE).toInstant();
        };
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
