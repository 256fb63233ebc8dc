package tickertape.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExchangeCalendarTest {

    private final ExchangeCalendar calendar = new ExchangeCalendar();

    /** Published NYSE schedules: full closures on weekdays and 13:00 early closes. */
    static Stream<Arguments> publishedYears() {
        return Stream.of(
                Arguments.of(2024,
                        dates("2024-01-01", "2024-01-15", "2024-02-19", "2024-03-29", "2024-05-27", "2024-06-19",
                                "2024-07-04", "2024-09-02", "2024-11-28", "2024-12-25"),
                        dates("2024-07-03", "2024-11-29", "2024-12-24")),
                Arguments.of(2025,
                        dates("2025-01-01", "2025-01-09", "2025-01-20", "2025-02-17", "2025-04-18", "2025-05-26",
                                "2025-06-19", "2025-07-04", "2025-09-01", "2025-11-27", "2025-12-25"),
                        dates("2025-07-03", "2025-11-28", "2025-12-24")),
                Arguments.of(2026,
                        dates("2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25", "2026-06-19",
                                "2026-07-03", "2026-09-07", "2026-11-26", "2026-12-25"),
                        dates("2026-11-27", "2026-12-24")),
                Arguments.of(2027,
                        dates("2027-01-01", "2027-01-18", "2027-02-15", "2027-03-26", "2027-05-31", "2027-06-18",
                                "2027-07-05", "2027-09-06", "2027-11-25", "2027-12-24"),
                        dates("2027-11-26")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("publishedYears")
    void weekdayClosuresMatchThePublishedSchedule(int year, List<LocalDate> holidays, List<LocalDate> earlyCloses) {
        List<LocalDate> closedWeekdays = daysOf(year)
                .filter(day -> !isWeekend(day) && !calendar.isTradingDay(day))
                .collect(Collectors.toList());

        assertThat(closedWeekdays).containsExactlyElementsOf(holidays);
        assertThat(holidays).allSatisfy(day -> assertThat(calendar.holidayName(day)).isPresent());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("publishedYears")
    void earlyClosesMatchThePublishedSchedule(int year, List<LocalDate> holidays, List<LocalDate> earlyCloses) {
        assertThat(daysOf(year).filter(calendar::isEarlyClose)).containsExactlyElementsOf(earlyCloses);
    }

    @Test
    void tradingDayCountsMatchThePublishedYears() {
        assertThat(calendar.tradingDays(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 12, 31))).hasSize(252);
        assertThat(calendar.tradingDays(LocalDate.of(2025, 1, 1), LocalDate.of(2025, 12, 31))).hasSize(250);
    }

    @Test
    void tradingDaysIncludeBothEnds() {
        assertThat(calendar.tradingDays(LocalDate.of(2024, 3, 28), LocalDate.of(2024, 4, 1)))
                .containsExactly(LocalDate.of(2024, 3, 28), LocalDate.of(2024, 4, 1));
    }

    @Test
    void newYearsDayOnSaturdayIsNotObservedOnTheFridayBefore() {
        assertThat(calendar.isTradingDay(LocalDate.of(2021, 12, 31))).isTrue();
        assertThat(calendar.holidayName(LocalDate.of(2021, 12, 31))).isEmpty();
        assertThat(calendar.isTradingDay(LocalDate.of(2027, 12, 31))).isTrue();
    }

    @Test
    void holidaysOnSundayAreObservedOnMonday() {
        assertThat(calendar.holidayName(LocalDate.of(2023, 1, 2))).contains("New Year's Day (observed)");
        assertThat(calendar.holidayName(LocalDate.of(2022, 6, 20))).contains("Juneteenth National Independence Day (observed)");
        assertThat(calendar.holidayName(LocalDate.of(2022, 12, 26))).contains("Christmas Day (observed)");
    }

    @Test
    void holidaysOnSaturdayAreObservedOnFriday() {
        assertThat(calendar.holidayName(LocalDate.of(2026, 7, 3))).contains("Independence Day (observed)");
        assertThat(calendar.holidayName(LocalDate.of(2027, 12, 24))).contains("Christmas Day (observed)");
        assertThat(calendar.holidayName(LocalDate.of(2027, 6, 18))).contains("Juneteenth National Independence Day (observed)");
    }

    @Test
    void juneteenthIsAHolidayOnlyFrom2022() {
        assertThat(calendar.isTradingDay(LocalDate.of(2020, 6, 19))).isTrue();
        assertThat(calendar.isTradingDay(LocalDate.of(2021, 6, 18))).isTrue();
        assertThat(calendar.holidayName(LocalDate.of(2023, 6, 19))).contains("Juneteenth National Independence Day");
    }

    @Test
    void adHocClosuresAreNamed() {
        assertThat(calendar.holidayName(LocalDate.of(2025, 1, 9))).hasValueSatisfying(name -> assertThat(name).contains("Carter"));
        assertThat(calendar.isTradingDay(LocalDate.of(2018, 12, 5))).isFalse();
        assertThat(calendar.isTradingDay(LocalDate.of(2012, 10, 30))).isFalse();
    }

    @Test
    void goodFridayFollowsTheEasterComputus() {
        assertThat(Stream.of("2008-03-21", "2019-04-19", "2020-04-10", "2021-04-02", "2022-04-15", "2023-04-07", "2038-04-23")
                .map(LocalDate::parse))
                .allSatisfy(day -> assertThat(calendar.holidayName(day)).contains("Good Friday"));
    }

    @Test
    void weekendsAreClosedWithoutAHolidayName() {
        LocalDate saturday = LocalDate.of(2024, 3, 9);
        assertThat(calendar.isTradingDay(saturday)).isFalse();
        assertThat(calendar.holidayName(saturday)).isEmpty();
    }

    @Test
    void sessionTimesFollowDaylightSavingTime() {
        LocalDate winter = LocalDate.of(2024, 3, 8);
        LocalDate summer = LocalDate.of(2024, 3, 11);

        assertThat(calendar.extendedOpen(winter)).isEqualTo("2024-03-08T09:00:00Z");
        assertThat(calendar.regularOpen(winter)).isEqualTo("2024-03-08T14:30:00Z");
        assertThat(calendar.regularClose(winter)).isEqualTo("2024-03-08T21:00:00Z");
        assertThat(calendar.extendedClose(winter)).isEqualTo("2024-03-09T01:00:00Z");
        assertThat(calendar.regularOpen(summer)).isEqualTo("2024-03-11T13:30:00Z");
        assertThat(calendar.regularClose(summer)).isEqualTo("2024-03-11T20:00:00Z");
    }

    @Test
    void earlyClosesEndRegularAt13AndAfterHoursAt17() {
        assertThat(calendar.regularClose(LocalDate.of(2024, 7, 3))).isEqualTo("2024-07-03T17:00:00Z");
        assertThat(calendar.extendedClose(LocalDate.of(2024, 7, 3))).isEqualTo("2024-07-03T21:00:00Z");
        assertThat(calendar.regularClose(LocalDate.of(2024, 11, 29))).isEqualTo("2024-11-29T18:00:00Z");
    }

    @Test
    void sessionTimesOfAClosedDayAreAnError() {
        assertThatThrownBy(() -> calendar.regularOpen(LocalDate.of(2024, 12, 25)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2024-12-25");
    }

    @Test
    void sessionOfAnInstantOnAFullDay() {
        assertThat(sessionAt("2024-03-11T03:59:59")).isEqualTo(MarketSession.CLOSED);
        assertThat(sessionAt("2024-03-11T04:00")).isEqualTo(MarketSession.PRE);
        assertThat(sessionAt("2024-03-11T09:29:59")).isEqualTo(MarketSession.PRE);
        assertThat(sessionAt("2024-03-11T09:30")).isEqualTo(MarketSession.REGULAR);
        assertThat(sessionAt("2024-03-11T15:59:59")).isEqualTo(MarketSession.REGULAR);
        assertThat(sessionAt("2024-03-11T16:00")).isEqualTo(MarketSession.AFTER);
        assertThat(sessionAt("2024-03-11T19:59:59")).isEqualTo(MarketSession.AFTER);
        assertThat(sessionAt("2024-03-11T20:00")).isEqualTo(MarketSession.CLOSED);
    }

    @Test
    void sessionOfAnInstantOnEarlyCloseAndClosedDays() {
        assertThat(sessionAt("2024-11-29T12:59")).isEqualTo(MarketSession.REGULAR);
        assertThat(sessionAt("2024-11-29T13:00")).isEqualTo(MarketSession.AFTER);
        assertThat(sessionAt("2024-11-29T16:59")).isEqualTo(MarketSession.AFTER);
        assertThat(sessionAt("2024-11-29T17:00")).isEqualTo(MarketSession.CLOSED);
        assertThat(sessionAt("2024-11-28T12:00")).isEqualTo(MarketSession.CLOSED);
        assertThat(sessionAt("2024-03-09T12:00")).isEqualTo(MarketSession.CLOSED);
    }

    @Test
    void expectedRegularSessionBarsCountBucketsHoldingARegularMinute() {
        LocalDate fullDay = LocalDate.of(2024, 3, 11);
        LocalDate earlyClose = LocalDate.of(2024, 11, 29);

        assertThat(Stream.of(Timeframe.values()).map(tf -> calendar.expectedRegularSessionBars(fullDay, tf)))
                .containsExactly(390, 78, 26, 7, 2, 1);
        assertThat(Stream.of(Timeframe.values()).map(tf -> calendar.expectedRegularSessionBars(earlyClose, tf)))
                .containsExactly(210, 42, 14, 4, 2, 1);
        assertThat(calendar.expectedRegularSessionBars(LocalDate.of(2024, 12, 25), Timeframe.M1)).isZero();
    }

    private MarketSession sessionAt(String newYorkTime) {
        Instant instant = LocalDateTime.parse(newYorkTime).atZone(ExchangeCalendar.ZONE).toInstant();
        return calendar.session(instant);
    }

    private static Stream<LocalDate> daysOf(int year) {
        return LocalDate.of(year, 1, 1).datesUntil(LocalDate.of(year + 1, 1, 1));
    }

    private static boolean isWeekend(LocalDate day) {
        return day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
    }

    private static List<LocalDate> dates(String... isoDates) {
        return Stream.of(isoDates).map(LocalDate::parse).collect(Collectors.toList());
    }
}
