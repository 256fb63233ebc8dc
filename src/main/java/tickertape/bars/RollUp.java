package tickertape.bars;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import tickertape.market.Timeframe;

/**
 * The bars of a derived timeframe from the bars of the next finer one (5m from 1m, 15m from 5m, 1h
 * from 15m, 4h from 1h), bucketed on New York wall-clock time as the source builds its own, so each
 * derived bar equals the source's aggregate of the same bucket.
 *
 * <p>open is the first part's, close the last's; high and low the extremes; volume the sum. vwap is
 * the parts' dollar volume over their volume (which composes from one step to the next), clamped to
 * the bar's range as the source's is, and absent when a part that traded has none. trades is the sum
 * when every part has a count, else absent.
 */
final class RollUp {
    /** The {@code market_bar.source} of a rolled-up bar. */
    static final String SOURCE = "rollup";

    private RollUp() {
    }

    /** The derived bars of {@code parts}, which are one ticker's bars of the finer timeframe in time order. */
    static List<BarRow> bars(Timeframe target, Collection<BarRow> parts) {
        List<BarRow> bars = new ArrayList<>(parts.size() / 3 + 1);
        Bucket bucket = null;
        for (BarRow part : parts) {
            long start = target.bucketStart(Instant.ofEpochMilli(part.tsMillis())).toEpochMilli();
            if (bucket == null || bucket.start != start) {
                if (bucket != null) {
                    bars.add(bucket.bar(target));
                }
                bucket = new Bucket(part, start);
            } else {
                bucket.add(part);
            }
        }
        if (bucket != null) {
            bars.add(bucket.bar(target));
        }
        return bars;
    }

    /** One bucket's running aggregate over its parts, in time order. */
    private static final class Bucket {
        private final String ticker;
        private final long start;
        private final double open;
        private double high;
        private double low;
        private double close;
        private double volume;
        private double dollarVolume;
        private boolean vwapMissing;
        private long trades;
        private boolean tradesMissing;

        Bucket(BarRow first, long start) {
            this.ticker = first.ticker();
            this.start = start;
            this.open = first.open();
            this.high = first.high();
            this.low = first.low();
            add(first);
        }

        void add(BarRow part) {
            high = Math.max(high, part.high());
            low = Math.min(low, part.low());
            close = part.close();
            volume += part.volume();
            if (part.vwap() != null) {
                dollarVolume += part.vwap() * part.volume();
            } else if (part.volume() > 0) {
                vwapMissing = true;
            }
            if (part.trades() != null) {
                trades += part.trades();
            } else {
                tradesMissing = true;
            }
        }

        BarRow bar(Timeframe target) {
            Double vwap = vwapMissing || volume <= 0 ? null : Math.min(Math.max(dollarVolume / volume, low), high);
            return new BarRow(ticker, target.code(), start, open, high, low, close, volume, vwap,
                    tradesMissing ? null : trades);
        }
    }
}
