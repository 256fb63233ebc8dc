package tickertape.quality;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.TimeZone;
import org.quartz.CronExpression;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;

/**
 * When a series is stale. The refresh runs on a schedule and the source may publish a little late,
 * so a series is allowed to lag two refresh intervals: it is stale when it lacks the bar holding
 * the last regular-session minute that ended at least {@code 2 × refresh interval} ago. During a
 * session that is "more than two intervals behind the last completed minute"; from two intervals
 * after the close until the next open it means "holds the session's last regular bar" (15:59, or
 * 12:59 on an early close). A day bar is due once the session's extended hours (20:00, 17:00 on an
 * early close) ended two intervals ago, as the refresh fetches day bars only then. Before a bucket
 * is due it is not expected either, so a series a few minutes behind shows no gap.
 */
public final class Staleness {
    /** A trading day with the normal session, to read the refresh schedule's rhythm from. */
    private static final LocalDate REFERENCE_DAY = LocalDate.of(2025, 1, 15);
    private static final int ALLOWED_REFRESHES_BEHIND = 2;

    private final ExchangeCalendar calendar;
    private final Duration refreshInterval;

    Staleness(ExchangeCalendar calendar, Duration refreshInterval) {
        this.calendar = calendar;
        this.refreshInterval = refreshInterval;
    }

    /** The rule for the refresh schedule every ticker uses unless its block sets its own. */
    public static Staleness forSchedule(ExchangeCalendar calendar, String refreshCron) {
        return new Staleness(calendar, longestWaitDuringSession(calendar, refreshCron));
    }

    public Duration refreshInterval() {
        return refreshInterval;
    }

    /** The start of the newest bar a series of {@code timeframe} must hold at {@code now}. */
    public Instant due(Timeframe timeframe, Instant now) {
        Instant horizon = now.minus(refreshInterval.multipliedBy(ALLOWED_REFRESHES_BEHIND));
        if (timeframe == Timeframe.D1) {
            return lastSessionEndedBy(horizon).atStartOfDay(ExchangeCalendar.ZONE).toInstant();
        }
        return timeframe.bucketStart(lastRegularMinuteEndedBy(horizon));
    }

    public boolean isStale(Timeframe timeframe, Instant newestBar, Instant now) {
        return newestBar == null || newestBar.isBefore(due(timeframe, now));
    }

    /** The start of the last regular-session minute that had ended by {@code instant}. */
    private Instant lastRegularMinuteEndedBy(Instant instant) {
        for (LocalDate day = dayOf(instant); ; day = day.minusDays(1)) {
            if (!calendar.isTradingDay(day)) {
                continue;
            }
            Instant close = calendar.regularClose(day);
            if (!instant.isBefore(close)) {
                return close.minus(1, ChronoUnit.MINUTES);
            }
            Instant lastEnded = instant.truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.MINUTES);
            if (!lastEnded.isBefore(calendar.regularOpen(day))) {
                return lastEnded;
            }
        }
    }

    /** The last trading day whose extended session had ended by {@code instant}. */
    private LocalDate lastSessionEndedBy(Instant instant) {
        LocalDate day = dayOf(instant);
        while (!calendar.isTradingDay(day) || calendar.extendedClose(day).isAfter(instant)) {
            day = day.minusDays(1);
        }
        return day;
    }

    private static LocalDate dayOf(Instant instant) {
        return instant.atZone(ExchangeCalendar.ZONE).toLocalDate();
    }

    /**
     * The longest a series waits for its next refresh while the market is open: the widest spacing of
     * the schedule's fire times across a regular session, up to the first one after the close.
     */
    static Duration longestWaitDuringSession(ExchangeCalendar calendar, String refreshCron) {
        CronExpression cron;
        try {
            cron = new CronExpression(refreshCron);
        } catch (ParseException e) {
            throw new IllegalArgumentException("The refresh schedule '" + refreshCron + "' is not a Quartz cron: "
                    + e.getMessage(), e);
        }
        cron.setTimeZone(TimeZone.getTimeZone(ExchangeCalendar.ZONE));
        Instant previous = calendar.regularOpen(REFERENCE_DAY);
        Instant close = calendar.regularClose(REFERENCE_DAY);
        Duration longest = Duration.ZERO;
        for (Date fire = cron.getNextValidTimeAfter(Date.from(previous.minusMillis(1))); fire != null;
             fire = cron.getNextValidTimeAfter(fire)) {
            longest = max(longest, Duration.between(previous, fire.toInstant()));
            if (!fire.toInstant().isBefore(close)) {
                return longest;
            }
            previous = fire.toInstant();
        }
        throw new IllegalArgumentException("The refresh schedule '" + refreshCron + "' never fires after "
                + REFERENCE_DAY);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
