package tickertape.metrics;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;

/**
 * Time measured on the market's clock: only the extended session (04:00–20:00 ET on trading days)
 * counts, so a series untouched over a weekend or a holiday is not late, and one that missed an hour
 * of trading is, whatever the wall clock says.
 */
public final class SessionTime {
    /** Past this many days behind, a series is plainly stale: the wall-clock span is answer enough. */
    private static final int DAYS_COUNTED = 30;

    private final ExchangeCalendar calendar;

    public SessionTime(ExchangeCalendar calendar) {
        this.calendar = calendar;
    }

    /** Extended-session time between {@code from} and {@code to}; zero when {@code to} is not after {@code from}. */
    public Duration between(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return Duration.ZERO;
        }
        LocalDate first = from.atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
        LocalDate last = to.atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
        if (first.plusDays(DAYS_COUNTED).isBefore(last)) {
            return Duration.between(from, to);
        }
        Duration open = Duration.ZERO;
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            if (calendar.isTradingDay(day)) {
                Instant start = max(from, calendar.extendedOpen(day));
                Instant end = min(to, calendar.extendedClose(day));
                if (end.isAfter(start)) {
                    open = open.plus(Duration.between(start, end));
                }
            }
        }
        return open;
    }

    /** When a bar starting at {@code start} is complete: a day bar at the next midnight ET. */
    public static Instant barEnd(Timeframe timeframe, Instant start) {
        return switch (timeframe.timespan()) {
            case "day" -> start.atZone(Timeframe.EXCHANGE_ZONE).plusDays(timeframe.multiplier()).toInstant();
            case "hour" -> start.plus(Duration.ofHours(timeframe.multiplier()));
            default -> start.plus(Duration.ofMinutes(timeframe.multiplier()));
        };
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
