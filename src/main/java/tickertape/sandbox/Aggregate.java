package tickertape.sandbox;

import java.util.List;

/**
 * One OHLCV bar as Polygon serves it: {@code startMillis} is the bucket start (Polygon's {@code t}),
 * {@code vwap} its {@code vw}, {@code trades} its {@code n}.
 */
public record Aggregate(
        long startMillis, double open, double high, double low, double close,
        double volume, double vwap, long trades) {

    /**
     * The bar of a bucket built from its base bars, which must be in ascending time order: open of
     * the first, close of the last, max high, min low, summed volume and trades, and
     * {@code vwap = sum(vwap * volume) / sum(volume)}, all summed left to right in time order, as a
     * SQL roll-up would (a database may sum in another order, so compare volume and vwap with a
     * tolerance of a few ulps). The vwap is clamped to [low, high] so that rounding can never push
     * it outside the bar and get the bar rejected by validation. A bucket of one bar is that bar.
     */
    static Aggregate rollUp(long bucketStart, List<Aggregate> ascending) {
        Aggregate first = ascending.get(0);
        if (ascending.size() == 1) {
            return first.startingAt(bucketStart);
        }
        double high = first.high;
        double low = first.low;
        double volume = 0;
        double notional = 0;
        long trades = 0;
        for (Aggregate bar : ascending) {
            high = Math.max(high, bar.high);
            low = Math.min(low, bar.low);
            volume += bar.volume;
            notional += bar.vwap * bar.volume;
            trades += bar.trades;
        }
        double vwap = Math.min(high, Math.max(low, notional / volume));
        Aggregate last = ascending.get(ascending.size() - 1);
        return new Aggregate(bucketStart, first.open, high, low, last.close, volume, vwap, trades);
    }

    /**
     * This bar adjusted by {@code factor}: prices (open high low close vwap) multiplied by it, volume
     * divided by it, trades unchanged; a factor of 1 is this bar itself.
     */
    Aggregate adjusted(double factor) {
        if (factor == 1) {
            return this;
        }
        return new Aggregate(startMillis, open * factor, high * factor, low * factor, close * factor,
                volume / factor, vwap * factor, trades);
    }

    private Aggregate startingAt(long bucketStart) {
        return new Aggregate(bucketStart, open, high, low, close, volume, vwap, trades);
    }
}
