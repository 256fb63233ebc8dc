package tickertape.bench;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import tickertape.market.ExchangeCalendar;
import tickertape.sandbox.Aggregate;
import tickertape.sandbox.SyntheticBars;

/**
 * Exactly {@code n} consecutive 1-minute bars of one ticker from the sandbox's synthetic source, the
 * newest ending on a fixed past day (so every run ingests the same rows): the window [first bar, last
 * bar] served at limit=50000 is exactly ceil(n / 50000) pages, each full but the last.
 */
record Series(String ticker, List<Aggregate> bars) {
    static final SyntheticBars SOURCE = new SyntheticBars(new ExchangeCalendar());
    static final LocalDate LAST_DAY = LocalDate.of(2025, 10, 31);

    static Series of(String ticker, int n) {
        List<Aggregate> newestFirst = new ArrayList<>(n);
        for (LocalDate day = LAST_DAY; newestFirst.size() < n; day = day.minusDays(1)) {
            List<Aggregate> minutes = new ArrayList<>(SOURCE.minuteBars(ticker, day));
            Collections.reverse(minutes);
            for (Aggregate bar : minutes) {
                if (newestFirst.size() < n) {
                    newestFirst.add(bar);
                }
            }
        }
        Collections.reverse(newestFirst);
        return new Series(ticker, List.copyOf(newestFirst));
    }

    long fromMillis() {
        return bars.get(0).startMillis();
    }

    long toMillis() {
        return bars.get(bars.size() - 1).startMillis();
    }

    List<Aggregate> olderHalf() {
        return bars.subList(0, bars.size() / 2);
    }

    List<Aggregate> newerHalf() {
        return bars.subList(bars.size() / 2, bars.size());
    }

    static int rowCount(List<Series> series) {
        return series.stream().mapToInt(one -> one.bars().size()).sum();
    }
}
