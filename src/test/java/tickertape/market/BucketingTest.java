package tickertape.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import tickertape.market.Timeframe;

class BucketingTest {

    @ParameterizedTest
    @EnumSource(Timeframe.class)
    void agreesWithTimeframeOverTheExtendedSessionIncludingDaylightSavingChanges(Timeframe timeframe) {
        Bucketing bucketing = Bucketing.of(timeframe.multiplier(), timeframe.timespan());
        Stream.of("2024-03-08", "2024-03-10", "2024-03-11", "2024-11-03", "2024-11-04").map(LocalDate::parse)
                .flatMap(BucketingTest::extendedSessionMinutes)
                .forEach(minute -> assertThat(bucketing.bucketStart(minute.toEpochMilli()))
                        .as("%s bucket of %s", timeframe.code(), minute)
                        .isEqualTo(timeframe.bucketStart(minute).toEpochMilli()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1 minute", "5 minute", "15 minute", "30 minute", "1 hour"})
    void bucketsThatDivideAnHourAreFoundInUtcExactlyAsOnTheWallClock(String bucket) {
        Bucketing bucketing = Bucketing.of(Integer.parseInt(bucket.split(" ")[0]), bucket.split(" ")[1]);
        Stream.of("2024-03-10", "2024-11-03", "1970-01-01", "1918-03-31").map(LocalDate::parse)
                .flatMap(day -> Stream.iterate(day.atStartOfDay(Timeframe.EXCHANGE_ZONE), at -> at.toLocalDate().equals(day),
                        at -> at.plusSeconds(37)))
                .map(at -> at.toInstant().toEpochMilli())
                .forEach(millis -> assertThat(bucketing.bucketStart(millis)).as("%s bucket of %s", bucket,
                        Instant.ofEpochMilli(millis)).isEqualTo(bucketing.wallClockBucketStart(millis)));
    }

    @Test
    void intradayBucketsAreAlignedFromMidnight() {
        assertThat(bucketStartOf(Bucketing.of(7, "minute"), "2024-03-11T10:00")).isEqualTo(newYork("2024-03-11T09:55"));
        assertThat(bucketStartOf(Bucketing.of(5, "hour"), "2024-03-11T14:59")).isEqualTo(newYork("2024-03-11T10:00"));
    }

    @Test
    void multiDayBucketsAreAlignedOnEpochDays() {
        // 2024-03-11 is epoch day 19793, so 3-day buckets start on day 19791, 2024-03-09.
        assertThat(bucketStartOf(Bucketing.of(3, "day"), "2024-03-11T10:00")).isEqualTo(newYork("2024-03-09T00:00"));
        assertThat(Bucketing.of(3, "day").daysPerBucket()).isEqualTo(3);
    }

    @Test
    void limitCountsMinutesForIntradayBarsAndDaysForDayBars() {
        assertThat(Bucketing.of(4, "hour").countsMinutes()).isTrue();
        assertThat(Bucketing.of(1, "day").countsMinutes()).isFalse();
    }

    @Test
    void rejectsTimespansTheSandboxDoesNotServe() {
        assertThatThrownBy(() -> Bucketing.of(1, "week")).hasMessageContaining("not served by the sandbox");
        assertThatThrownBy(() -> Bucketing.of(1, "fortnight")).hasMessageContaining("timespan must be one of");
        assertThatThrownBy(() -> Bucketing.of(0, "minute")).hasMessageContaining("positive");
    }

    private static Stream<Instant> extendedSessionMinutes(LocalDate day) {
        ZonedDateTime open = day.atTime(4, 0).atZone(Timeframe.EXCHANGE_ZONE);
        return Stream.iterate(open, minute -> minute.getHour() < 20, minute -> minute.plusMinutes(1))
                .map(ZonedDateTime::toInstant);
    }

    private static long bucketStartOf(Bucketing bucketing, String newYorkTime) {
        return bucketing.bucketStart(newYork(newYorkTime));
    }

    private static long newYork(String localTime) {
        return LocalDateTime.parse(localTime).atZone(Timeframe.EXCHANGE_ZONE).toInstant().toEpochMilli();
    }
}
