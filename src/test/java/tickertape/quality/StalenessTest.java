package tickertape.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;

/** The staleness rule on a fixed clock: two refresh intervals of lag, measured in regular-session minutes. */
class StalenessTest {
    private static final ExchangeCalendar CALENDAR = new ExchangeCalendar();
    private static final Staleness EVERY_15_MINUTES = Staleness.forSchedule(CALENDAR, "0 */15 4-20 ? * MON-FRI");
    private static final LocalDate MONDAY = LocalDate.of(2024, 3, 4);
    private static final LocalDate TUESDAY = LocalDate.of(2024, 3, 5);
    private static final LocalDate FRIDAY = LocalDate.of(2024, 3, 8);

    @Test
    void theRefreshIntervalIsTheScheduleLongestWaitDuringTheSession() {
        assertThat(EVERY_15_MINUTES.refreshInterval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(Staleness.forSchedule(CALENDAR, "0 0/30 9-16 ? * MON-FRI").refreshInterval())
                .isEqualTo(Duration.ofMinutes(30));
        assertThat(Staleness.forSchedule(CALENDAR, "0 0 21 ? * MON-FRI").refreshInterval())
                .as("from the open to the evening run").isEqualTo(Duration.ofHours(11).plusMinutes(30));
        assertThatThrownBy(() -> Staleness.forSchedule(CALENDAR, "every 15 minutes"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Quartz cron");
    }

    @Test
    void duringTheSessionASeriesMayLagTwoIntervalsBehindTheLastCompletedMinute() {
        Instant now = at(TUESDAY, "11:00:20");

        assertThat(EVERY_15_MINUTES.due(Timeframe.M1, now)).isEqualTo(at(TUESDAY, "10:29"));
        assertThat(EVERY_15_MINUTES.due(Timeframe.M5, now)).isEqualTo(at(TUESDAY, "10:25"));
        assertThat(EVERY_15_MINUTES.due(Timeframe.H1, now)).isEqualTo(at(TUESDAY, "10:00"));
        assertThat(EVERY_15_MINUTES.due(Timeframe.H4, now)).isEqualTo(at(TUESDAY, "08:00"));
        assertThat(EVERY_15_MINUTES.due(Timeframe.D1, now)).as("Monday's day bar").isEqualTo(at(MONDAY, "00:00"));
        assertThat(EVERY_15_MINUTES.isStale(Timeframe.M1, at(TUESDAY, "10:29"), now)).isFalse();
        assertThat(EVERY_15_MINUTES.isStale(Timeframe.M1, at(TUESDAY, "10:28"), now)).isTrue();
        assertThat(EVERY_15_MINUTES.isStale(Timeframe.M1, null, now)).as("no bar at all").isTrue();
    }

    @Test
    void untilTwoIntervalsAfterTheOpenThePreviousSessionsLastRegularBarIsDue() {
        assertThat(EVERY_15_MINUTES.due(Timeframe.M1, at(TUESDAY, "09:45"))).isEqualTo(at(MONDAY, "15:59"));
        assertThat(EVERY_15_MINUTES.due(Timeframe.M1, at(TUESDAY, "10:01"))).isEqualTo(at(TUESDAY, "09:30"));
    }

    @Test
    void afterTheCloseTheSessionsLastRegularBarIsDueAndADayBarOnceItsExtendedHoursEnded() {
        assertThat(EVERY_15_MINUTES.due(Timeframe.M1, at(TUESDAY, "16:10"))).isEqualTo(at(TUESDAY, "15:39"));
        assertThat(EVERY_15_MINUTES.due(Timeframe.M1, at(TUESDAY, "16:30"))).isEqualTo(at(TUESDAY, "15:59"));
        assertThat(EVERY_15_MINUTES.due(Timeframe.M1, at(TUESDAY, "23:00"))).isEqualTo(at(TUESDAY, "15:59"));
        assertThat(EVERY_15_MINUTES.due(Timeframe.D1, at(TUESDAY, "20:29"))).isEqualTo(at(MONDAY, "00:00"));
        assertThat(EVERY_15_MINUTES.due(Timeframe.D1, at(TUESDAY, "20:30"))).isEqualTo(at(TUESDAY, "00:00"));
    }

    @Test
    void overWeekendsAndHolidaysTheLastSessionIsDue() {
        LocalDate saturday = FRIDAY.plusDays(1);
        assertThat(EVERY_15_MINUTES.due(Timeframe.M1, at(saturday, "12:00"))).isEqualTo(at(FRIDAY, "15:59"));
        assertThat(EVERY_15_MINUTES.due(Timeframe.D1, at(saturday, "12:00"))).isEqualTo(at(FRIDAY, "00:00"));
        LocalDate martinLutherKingDay = LocalDate.of(2024, 1, 15);
        assertThat(EVERY_15_MINUTES.due(Timeframe.M1, at(martinLutherKingDay, "12:00")))
                .isEqualTo(at(LocalDate.of(2024, 1, 12), "15:59"));
    }

    @Test
    void anEarlyCloseEndsTheSessionAt13() {
        LocalDate dayAfterThanksgiving = LocalDate.of(2024, 11, 29);
        assertThat(EVERY_15_MINUTES.due(Timeframe.M1, at(dayAfterThanksgiving, "14:00")))
                .isEqualTo(at(dayAfterThanksgiving, "12:59"));
        assertThat(EVERY_15_MINUTES.due(Timeframe.D1, at(dayAfterThanksgiving, "17:29")))
                .as("extended hours end at 17:00; Thanksgiving was closed").isEqualTo(at(LocalDate.of(2024, 11, 27), "00:00"));
        assertThat(EVERY_15_MINUTES.due(Timeframe.D1, at(dayAfterThanksgiving, "17:30")))
                .isEqualTo(at(dayAfterThanksgiving, "00:00"));
    }

    private static Instant at(LocalDate day, String time) {
        return day.atTime(LocalTime.parse(time)).atZone(ExchangeCalendar.ZONE).toInstant();
    }
}
