package tickertape.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;
import tickertape.quality.ExpectedBars.ExpectedBar;

/** The expected bars agree with the calendar's own count and carry the regular minutes each bucket holds. */
class ExpectedBarsTest {
    private static final ExchangeCalendar CALENDAR = new ExchangeCalendar();
    private static final ExpectedBars EXPECTED = new ExpectedBars(CALENDAR);
    private static final Instant FAR_FUTURE = Instant.parse("2100-01-01T00:00:00Z");
    private static final List<LocalDate> DAYS = List.of(
            LocalDate.of(2024, 3, 8),   // the Friday before daylight-saving time starts
            LocalDate.of(2024, 3, 11),  // the Monday after
            LocalDate.of(2024, 11, 29), // an early close
            LocalDate.of(2024, 12, 25), // a holiday
            LocalDate.of(2024, 12, 28)); // a Saturday

    @ParameterizedTest
    @EnumSource(Timeframe.class)
    void eachDayExpectsWhatTheCalendarCounts(Timeframe timeframe) {
        for (LocalDate day : DAYS) {
            assertThat(EXPECTED.between(timeframe, midnight(day), midnight(day.plusDays(1)), FAR_FUTURE))
                    .as("%s %s", timeframe.code(), day)
                    .hasSize(CALENDAR.expectedRegularSessionBars(day, timeframe));
        }
    }

    @Test
    void aBucketStraddlingTheOpenHoldsOnlyItsRegularMinutes() {
        LocalDate day = LocalDate.of(2024, 3, 11);
        List<ExpectedBar> hours = EXPECTED.between(Timeframe.H1, midnight(day), midnight(day.plusDays(1)), FAR_FUTURE);

        assertThat(hours.get(0)).isEqualTo(new ExpectedBar(at(day, "09:00"), at(day, "10:00"), at(day, "09:30"),
                at(day, "10:00")));
        assertThat(hours.get(6)).isEqualTo(new ExpectedBar(at(day, "15:00"), at(day, "16:00"), at(day, "15:00"),
                at(day, "16:00")));
        List<ExpectedBar> fourHours = EXPECTED.between(Timeframe.H4, midnight(day), midnight(day.plusDays(1)), FAR_FUTURE);
        assertThat(fourHours.get(1)).isEqualTo(new ExpectedBar(at(day, "12:00"), at(day, "16:00"), at(day, "12:00"),
                at(day, "16:00")));
    }

    @Test
    void barsAfterTheDueOneAreNotExpectedYet() {
        LocalDate day = LocalDate.of(2024, 3, 11);

        List<ExpectedBar> minutes = EXPECTED.between(Timeframe.M1, midnight(day), midnight(day.plusDays(1)),
                at(day, "10:29"));

        assertThat(minutes).hasSize(60);
        assertThat(minutes.get(59).start()).isEqualTo(at(day, "10:29"));
    }

    private static Instant midnight(LocalDate day) {
        return day.atStartOfDay(ExchangeCalendar.ZONE).toInstant();
    }

    private static Instant at(LocalDate day, String time) {
        return day.atTime(LocalTime.parse(time)).atZone(ExchangeCalendar.ZONE).toInstant();
    }
}
