package tickertape.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tickertape.market.ExchangeCalendar;
import tickertape.market.MarketSession;
import tickertape.market.Timeframe;

class SyntheticBarsTest {

    private static final LocalDate FULL_DAY = LocalDate.of(2024, 3, 11);
    private static final LocalDate EARLY_CLOSE = LocalDate.of(2024, 11, 29);

    private final ExchangeCalendar calendar = new ExchangeCalendar();
    private final SyntheticBars bars = new SyntheticBars(calendar);

    @Test
    void sameTickerAndDayGiveTheSameBarsFromAnyInstance() {
        assertThat(new SyntheticBars(new ExchangeCalendar()).minuteBars("SPY", FULL_DAY))
                .isEqualTo(bars.minuteBars("SPY", FULL_DAY))
                .isNotEqualTo(bars.minuteBars("QQQ", FULL_DAY));
        assertThat(bars.minuteBars("spy", FULL_DAY)).isEqualTo(bars.minuteBars("SPY", FULL_DAY));
    }

    @Test
    void weekendsAndHolidaysHaveNoBars() {
        assertThat(Stream.of("2024-03-09", "2024-03-10", "2024-12-25", "2025-01-09").map(LocalDate::parse))
                .allSatisfy(day -> assertThat(bars.minuteBars("SPY", day)).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SPY", "QQQ", "IWM", "ANY"})
    void liquidTickersTradeEveryRegularMinute(String ticker) {
        assertThat(regularBars(ticker, FULL_DAY)).hasSize(390);
        assertThat(regularBars(ticker, EARLY_CLOSE)).hasSize(210);
    }

    @Test
    void thinTickerMissesSomeRegularMinutes() {
        long regular = regularBars("UVXY", FULL_DAY).size();
        assertThat(regular).isBetween(300L, 370L);
    }

    @Test
    void extendedHoursAreSparse() {
        long extended = bars.minuteBars("SPY", FULL_DAY).stream()
                .filter(bar -> session(bar) != MarketSession.REGULAR)
                .count();
        // 570 pre-market and after-hours minutes, about 30% of which trade
        assertThat(extended).isBetween(120L, 220L);
    }

    @Test
    void barsStayWithinTheExtendedSessionAndStartOnWholeMinutes() {
        for (LocalDate day : List.of(FULL_DAY, EARLY_CLOSE)) {
            assertThat(bars.minuteBars("UVXY", day)).allSatisfy(bar -> {
                assertThat(session(bar)).isNotEqualTo(MarketSession.CLOSED);
                assertThat(bar.startMillis() % 60_000).isZero();
            });
        }
        assertThat(lastBarTime("SPY", EARLY_CLOSE)).isBefore(LocalTime.of(17, 0)).isAfterOrEqualTo(LocalTime.of(16, 0));
    }

    @Test
    void barsAreInternallyConsistent() {
        Stream.of("SPY", "QQQ", "IWM", "UVXY")
                .flatMap(ticker -> calendar.tradingDays(LocalDate.of(2025, 6, 2), LocalDate.of(2025, 6, 13)).stream()
                        .flatMap(day -> bars.minuteBars(ticker, day).stream()))
                .forEach(SyntheticBarsTest::assertConsistent);
    }

    @Test
    void volumeIsSometimesFractional() {
        List<Aggregate> day = bars.minuteBars("SPY", FULL_DAY);
        long fractional = day.stream().filter(bar -> bar.volume() != Math.rint(bar.volume())).count();
        assertThat(fractional).isBetween(day.size() / 10L, day.size() / 2L);
    }

    @Test
    void pricesArePlausibleForEachTicker() {
        assertPriceRange("SPY", 450, 700);
        assertPriceRange("QQQ", 350, 560);
        assertPriceRange("IWM", 150, 260);
        assertPriceRange("UVXY", 4, 65);
    }

    static void assertConsistent(Aggregate bar) {
        assertThat(bar.low()).as("low of %s", bar).isPositive().isLessThanOrEqualTo(Math.min(bar.open(), bar.close()));
        assertThat(bar.high()).as("high of %s", bar).isGreaterThanOrEqualTo(Math.max(bar.open(), bar.close()));
        assertThat(bar.vwap()).as("vwap of %s", bar).isBetween(bar.low(), bar.high());
        assertThat(bar.volume()).as("volume of %s", bar).isPositive();
        assertThat(bar.trades()).as("trades of %s", bar).isPositive();
    }

    private void assertPriceRange(String ticker, double low, double high) {
        calendar.tradingDays(LocalDate.of(2024, 1, 1), LocalDate.of(2026, 12, 31)).stream()
                .filter(day -> day.getDayOfMonth() <= 7)
                .flatMap(day -> bars.minuteBars(ticker, day).stream())
                .forEach(bar -> assertThat(bar.close()).as("%s close", ticker).isBetween(low, high));
    }

    private List<Aggregate> regularBars(String ticker, LocalDate day) {
        return bars.minuteBars(ticker, day).stream().filter(bar -> session(bar) == MarketSession.REGULAR).toList();
    }

    private LocalTime lastBarTime(String ticker, LocalDate day) {
        List<Aggregate> dayBars = bars.minuteBars(ticker, day);
        long start = dayBars.get(dayBars.size() - 1).startMillis();
        return Instant.ofEpochMilli(start).atZone(Timeframe.EXCHANGE_ZONE).toLocalTime();
    }

    private MarketSession session(Aggregate bar) {
        return calendar.session(Instant.ofEpochMilli(bar.startMillis()));
    }
}
