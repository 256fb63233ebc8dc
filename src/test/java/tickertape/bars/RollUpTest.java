package tickertape.bars;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import tickertape.market.Timeframe;

/** The roll-up's rules bar by bar: what DerivedFromSourceTest checks against the source, down to the edge cases. */
class RollUpTest {

    @Test
    void aBucketTakesTheFirstOpenTheLastCloseTheExtremesAndTheSums() {
        List<BarRow> bars = RollUp.bars(Timeframe.M5, List.of(
                minute("09:30", 10, 12, 9, 11, 100, 10.5, 3L),
                minute("09:31", 11, 15, 10, 14, 300, 14.0, 5L),
                minute("09:34", 14, 14, 8, 9, 600, 9.0, 2L)));

        assertThat(bars).containsExactly(new BarRow("T", "5m", millis("09:30"), 10, 15, 8, 9, 1000,
                (10.5 * 100 + 14.0 * 300 + 9.0 * 600) / 1000, 10L));
    }

    @Test
    void barsGoToTheBucketOfTheirNewYorkStart() {
        List<BarRow> bars = RollUp.bars(Timeframe.M15, List.of(
                minute("09:40", 1, 1, 1, 1, 1, 1.0, 1L),
                minute("09:44", 1, 1, 1, 1, 1, 1.0, 1L),
                minute("09:45", 2, 2, 2, 2, 1, 2.0, 1L)));

        assertThat(bars).extracting(BarRow::tsMillis).containsExactly(millis("09:30"), millis("09:45"));
        assertThat(bars).extracting(BarRow::volume).containsExactly(2.0, 1.0);
    }

    @Test
    void vwapIsAbsentWhenAPartThatTradedHasNoneButNotForAPartWithoutVolume() {
        BarRow noVwapNoVolume = minute("09:31", 10, 10, 10, 10, 0, null, 0L);
        BarRow noVwapButVolume = minute("09:36", 10, 10, 10, 10, 5, null, 1L);

        List<BarRow> bars = RollUp.bars(Timeframe.M5, List.of(
                minute("09:30", 10, 10, 10, 10, 5, 10.0, 1L), noVwapNoVolume, noVwapButVolume));

        assertThat(bars).extracting(BarRow::vwap).containsExactly(10.0, null);
    }

    @Test
    void vwapIsAbsentWithoutVolumeAndClampedToTheRange() {
        assertThat(RollUp.bars(Timeframe.M5, List.of(minute("09:30", 10, 10, 10, 10, 0, 10.0, 0L))))
                .extracting(BarRow::vwap).containsExactly((Double) null);
        // the source's vwap can stray outside the bar's own range; the roll-up's stays inside, as the source's does
        assertThat(RollUp.bars(Timeframe.M5, List.of(minute("09:30", 10, 11, 9, 10, 5, 12.5, 1L))))
                .extracting(BarRow::vwap).containsExactly(11.0);
    }

    @Test
    void tradesAreAbsentUnlessEveryPartHasACount() {
        List<BarRow> bars = RollUp.bars(Timeframe.M5, List.of(
                minute("09:30", 10, 10, 10, 10, 5, 10.0, 4L),
                minute("09:31", 10, 10, 10, 10, 5, 10.0, null)));

        assertThat(bars).extracting(BarRow::trades).containsExactly((Long) null);
    }

    @Test
    void fourHourBucketsFollowNewYorkAcrossTheChangeToDaylightSavingTime() {
        // 2024-03-10: 02:00 EST jumps to 03:00 EDT, so the 00:00 bucket lasts three hours
        long beforeChange = LocalDateTime.parse("2024-03-10T01:00").atZone(Timeframe.EXCHANGE_ZONE).toInstant().toEpochMilli();
        long afterChange = LocalDateTime.parse("2024-03-10T03:00").atZone(Timeframe.EXCHANGE_ZONE).toInstant().toEpochMilli();
        long nextBucket = LocalDateTime.parse("2024-03-10T04:00").atZone(Timeframe.EXCHANGE_ZONE).toInstant().toEpochMilli();

        List<BarRow> bars = RollUp.bars(Timeframe.H4, List.of(
                bar(beforeChange, 1), bar(afterChange, 2), bar(nextBucket, 4)));

        long midnight = LocalDateTime.parse("2024-03-10T00:00").atZone(Timeframe.EXCHANGE_ZONE).toInstant().toEpochMilli();
        assertThat(bars).extracting(BarRow::tsMillis).containsExactly(midnight, nextBucket);
        assertThat(bars).extracting(BarRow::volume).containsExactly(3.0, 4.0);
    }

    private static BarRow minute(String time, double open, double high, double low, double close, double volume,
                                 Double vwap, Long trades) {
        return new BarRow("T", "1m", millis(time), open, high, low, close, volume, vwap, trades);
    }

    private static BarRow bar(long tsMillis, double volume) {
        return new BarRow("T", "1h", tsMillis, 10, 10, 10, 10, volume, 10.0, 1L);
    }

    private static long millis(String time) {
        return LocalDateTime.parse("2024-03-08T" + time).atZone(Timeframe.EXCHANGE_ZONE).toInstant().toEpochMilli();
    }
}
