package tickertape.market;

import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static java.time.DayOfWeek.THURSDAY;
import static java.time.temporal.TemporalAdjusters.dayOfWeekInMonth;
import static java.time.temporal.TemporalAdjusters.lastInMonth;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The US equities (NYSE) trading calendar, computed by rule for any year rather than read from a
 * date list, so it never runs out. Sessions are on America/New_York wall-clock time.
 *
 * <p>Rules, as the NYSE applies them since Juneteenth was added in 2022:
 * <ul>
 *   <li>Holidays: New Year's Day, Martin Luther King Jr. Day (3rd Monday of January, from 1998),
 *       Washington's Birthday (3rd Monday of February), Good Friday, Memorial Day (last Monday of
 *       May), Juneteenth (June 19, from 2022), Independence Day, Labor Day (1st Monday of
 *       September), Thanksgiving (4th Thursday of November), Christmas Day.</li>
 *   <li>A holiday on a Saturday is observed the Friday before, on a Sunday the Monday after; except
 *       New Year's Day on a Saturday, which is not observed at all (NYSE Rule 7.2: the preceding
 *       Friday ends the accounting year, so Dec 31 stays a trading day, as in 2021 and 2022).</li>
 *   <li>Early closes at 13:00 (after-hours then end at 17:00): July 3 when it is Monday–Thursday
 *       (with July 4 on a Saturday, July 3 is the observed holiday and July 2 is a full day), the
 *       day after Thanksgiving, and December 24 when it is Monday–Thursday (on a Friday it is the
 *       observed Christmas holiday).</li>
 *   <li>One-off closures that no rule yields are listed in {@link #AD_HOC_CLOSURES}.</li>
 * </ul>
 * Thread-safe: each year's schedule is computed once, on first use.
 */
public final class ExchangeCalendar {

    public static final ZoneId ZONE = Timeframe.EXCHANGE_ZONE;
    public static final LocalTime EXTENDED_OPEN = LocalTime.of(4, 0);
    public static final LocalTime REGULAR_OPEN = LocalTime.of(9, 30);
    public static final LocalTime REGULAR_CLOSE = LocalTime.of(16, 0);
    public static final LocalTime EARLY_REGULAR_CLOSE = LocalTime.of(13, 0);
    public static final LocalTime EXTENDED_CLOSE = LocalTime.of(20, 0);
    public static final LocalTime EARLY_EXTENDED_CLOSE = LocalTime.of(17, 0);

    /**
     * Unscheduled full-day closures since 2001 (national days of mourning, 9/11, Hurricane Sandy).
     * A new one is announced at most days ahead, so it has to be added here by hand.
     */
    static final Map<LocalDate, String> AD_HOC_CLOSURES = Map.of(
            LocalDate.of(2001, 9, 11), "September 11 attacks",
            LocalDate.of(2001, 9, 12), "September 11 attacks",
            LocalDate.of(2001, 9, 13), "September 11 attacks",
            LocalDate.of(2001, 9, 14), "September 11 attacks",
            LocalDate.of(2004, 6, 11), "National Day of Mourning for President Ronald Reagan",
            LocalDate.of(2007, 1, 2), "National Day of Mourning for President Gerald Ford",
            LocalDate.of(2012, 10, 29), "Hurricane Sandy",
            LocalDate.of(2012, 10, 30), "Hurricane Sandy",
            LocalDate.of(2018, 12, 5), "National Day of Mourning for President George H. W. Bush",
            LocalDate.of(2025, 1, 9), "National Day of Mourning for President Jimmy Carter");

    private final Map<Integer, YearSchedule> schedules = new ConcurrentHashMap<>();

    public boolean isTradingDay(LocalDate day) {
        return !isWeekend(day) && !schedule(day).holidays().containsKey(day);
    }

    /** The holiday that closes the exchange on {@code day}; empty on trading days and plain weekends. */
    public Optional<String> holidayName(LocalDate day) {
        return Optional.ofNullable(schedule(day).holidays().get(day));
    }

    /** True when the regular session ends at 13:00 (and after-hours at 17:00) on {@code day}. */
    public boolean isEarlyClose(LocalDate day) {
        return schedule(day).earlyCloses().contains(day);
    }

    /** Start of pre-market, 04:00 ET. @throws IllegalArgumentException if not a trading day */
    public Instant extendedOpen(LocalDate day) {
        return at(requireTradingDay(day), EXTENDED_OPEN);
    }

    /** 09:30 ET. @throws IllegalArgumentException if not a trading day */
    public Instant regularOpen(LocalDate day) {
        return at(requireTradingDay(day), REGULAR_OPEN);
    }

    /** 16:00 ET, or 13:00 on an early close. @throws IllegalArgumentException if not a trading day */
    public Instant regularClose(LocalDate day) {
        return at(requireTradingDay(day), regularCloseTime(day));
    }

    /** End of after-hours, 20:00 ET or 17:00 on an early close. @throws IllegalArgumentException if not a trading day */
    public Instant extendedClose(LocalDate day) {
        return at(requireTradingDay(day), extendedCloseTime(day));
    }

    /** The trading days from {@code from} to {@code to}, both inclusive, in order. */
    public List<LocalDate> tradingDays(LocalDate from, LocalDate to) {
        return from.datesUntil(to.plusDays(1)).filter(this::isTradingDay).collect(Collectors.toList());
    }

    /**
     * How many bars of {@code timeframe} a continuously traded ticker has whose bucket contains at
     * least one regular-session minute: 390 / 78 / 26 for 1m / 5m / 15m on a full day. Buckets that
     * straddle the open count, because they hold regular-session trades: the 09:00 hour bar
     * (09:30–09:59) makes 1h give 7, the 08:00 and 12:00 buckets make 4h give 2; 1d gives 1. An early
     * close gives 210 / 42 / 14 / 4 / 2 / 1. Zero on days the exchange is closed. Counted with
     * {@link Timeframe#bucketStart} itself, so it cannot drift from how bars are bucketed.
     */
    public int expectedRegularSessionBars(LocalDate day, Timeframe timeframe) {
        if (!isTradingDay(day)) {
            return 0;
        }
        Instant open = regularOpen(day);
        long minutes = Duration.between(open, regularClose(day)).toMinutes();
        return (int) LongStream.range(0, minutes)
                .mapToObj(minute -> timeframe.bucketStart(open.plusSeconds(60 * minute)))
                .distinct()
                .count();
    }

    /** The session {@code instant} falls in; session ends are exclusive (16:00:00 is after-hours). */
    public MarketSession session(Instant instant) {
        ZonedDateTime et = instant.atZone(ZONE);
        LocalDate day = et.toLocalDate();
        LocalTime time = et.toLocalTime();
        if (!isTradingDay(day) || time.isBefore(EXTENDED_OPEN)) {
            return MarketSession.CLOSED;
        }
        if (time.isBefore(REGULAR_OPEN)) {
            return MarketSession.PRE;
        }
        if (time.isBefore(regularCloseTime(day))) {
            return MarketSession.REGULAR;
        }
        return time.isBefore(extendedCloseTime(day)) ? MarketSession.AFTER : MarketSession.CLOSED;
    }

    private LocalTime regularCloseTime(LocalDate day) {
        return isEarlyClose(day) ? EARLY_REGULAR_CLOSE : REGULAR_CLOSE;
    }

    private LocalTime extendedCloseTime(LocalDate day) {
        return isEarlyClose(day) ? EARLY_EXTENDED_CLOSE : EXTENDED_CLOSE;
    }

    private LocalDate requireTradingDay(LocalDate day) {
        if (!isTradingDay(day)) {
            throw new IllegalArgumentException(day + " is not a trading day");
        }
        return day;
    }

    private static Instant at(LocalDate day, LocalTime time) {
        return ZonedDateTime.of(day, time, ZONE).toInstant();
    }

    private static boolean isWeekend(LocalDate day) {
        return day.getDayOfWeek() == SATURDAY || day.getDayOfWeek() == SUNDAY;
    }

    private YearSchedule schedule(LocalDate day) {
        return schedules.computeIfAbsent(day.getYear(), YearSchedule::of);
    }

    /** One year's closures (date to name) and early closes; every observed date falls in the same year. */
    private record YearSchedule(Map<LocalDate, String> holidays, Set<LocalDate> earlyCloses) {

        static YearSchedule of(int year) {
            Map<LocalDate, String> holidays = holidays(year);
            Set<LocalDate> earlyCloses = earlyCloseCandidates(year)
                    .filter(day -> !isWeekend(day) && !holidays.containsKey(day))
                    .collect(Collectors.toUnmodifiableSet());
            return new YearSchedule(Map.copyOf(holidays), earlyCloses);
        }

        private static Map<LocalDate, String> holidays(int year) {
            Map<LocalDate, String> holidays = new HashMap<>();
            newYearsDay(year).ifPresent(day -> holidays.put(day, name("New Year's Day", day.getDayOfMonth() != 1)));
            if (year >= 1998) {
                holidays.put(nth(year, Month.JANUARY, 3, MONDAY), "Martin Luther King Jr. Day");
            }
            holidays.put(nth(year, Month.FEBRUARY, 3, MONDAY), "Washington's Birthday");
            holidays.put(easterSunday(year).minusDays(2), "Good Friday");
            holidays.put(LocalDate.of(year, Month.MAY, 1).with(lastInMonth(MONDAY)), "Memorial Day");
            if (year >= 2022) {
                putObserved(holidays, LocalDate.of(year, Month.JUNE, 19), "Juneteenth National Independence Day");
            }
            putObserved(holidays, LocalDate.of(year, Month.JULY, 4), "Independence Day");
            holidays.put(nth(year, Month.SEPTEMBER, 1, MONDAY), "Labor Day");
            holidays.put(nth(year, Month.NOVEMBER, 4, THURSDAY), "Thanksgiving Day");
            putObserved(holidays, LocalDate.of(year, Month.DECEMBER, 25), "Christmas Day");
            AD_HOC_CLOSURES.forEach((day, name) -> {
                if (day.getYear() == year) {
                    holidays.put(day, name);
                }
            });
            return holidays;
        }

        /** The half-day dates before exclusions; a candidate that is a weekend or holiday is dropped. */
        private static Stream<LocalDate> earlyCloseCandidates(int year) {
            LocalDate julyThird = LocalDate.of(year, Month.JULY, 3);
            LocalDate christmasEve = LocalDate.of(year, Month.DECEMBER, 24);
            LocalDate dayAfterThanksgiving = nth(year, Month.NOVEMBER, 4, THURSDAY).plusDays(1);
            // July 3 and December 24 on a Friday are the observed July 4 and Christmas holidays,
            // which is why they need no rule of their own here: the holiday filter drops them.
            return Stream.of(julyThird, dayAfterThanksgiving, christmasEve);
        }

        /** Sunday moves to Monday; Saturday is not moved back into the previous year (Rule 7.2). */
        private static Optional<LocalDate> newYearsDay(int year) {
            LocalDate day = LocalDate.of(year, Month.JANUARY, 1);
            return switch (day.getDayOfWeek()) {
                case SATURDAY -> Optional.empty();
                case SUNDAY -> Optional.of(day.plusDays(1));
                default -> Optional.of(day);
            };
        }

        private static void putObserved(Map<LocalDate, String> holidays, LocalDate actual, String name) {
            LocalDate observed = switch (actual.getDayOfWeek()) {
                case SATURDAY -> actual.minusDays(1);
                case SUNDAY -> actual.plusDays(1);
                default -> actual;
            };
            holidays.put(observed, name(name, !observed.equals(actual)));
        }

        private static String name(String holiday, boolean observed) {
            return observed ? holiday + " (observed)" : holiday;
        }

        private static LocalDate nth(int year, Month month, int ordinal, DayOfWeek dayOfWeek) {
            return LocalDate.of(year, month, 1).with(dayOfWeekInMonth(ordinal, dayOfWeek));
        }

        /** Gregorian Easter Sunday by the anonymous (Meeus/Jones/Butcher) computus. */
        private static LocalDate easterSunday(int year) {
            int a = year % 19;
            int b = year / 100;
            int c = year % 100;
            int d = b / 4;
            int e = b % 4;
            int f = (b + 8) / 25;
            int g = (b - f + 1) / 3;
            int h = (19 * a + b - d - g + 15) % 30;
            int i = c / 4;
            int k = c % 4;
            int l = (32 + 2 * e + 2 * i - h - k) % 7;
            int m = (a + 11 * h + 22 * l) / 451;
            int monthAndDay = h + l - 7 * m + 114;
            return LocalDate.of(year, monthAndDay / 31, monthAndDay % 31 + 1);
        }
    }
}
