package tickertape.market;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * How the stored bars of one series read in one mode, adjusted (the default) or raw. Bars are stored
 * raw, so an adjusted read multiplies the prices (o h l c vw) of a bar by the cumulative factor of the
 * splits executed after its New York day, up to today, and divides its volume by it; a raw read serves
 * them as stored. A split announced for a later date changes nothing until that date: "today" is the
 * caller's, so a split takes effect at midnight New York without any announcement.
 *
 * <p>Bars inside the series' held windows (series_coverage.adjusted_held) are still the adjusted bars
 * of an older store, as fetched: adjusted reads serve them as stored, raw reads divide them by the
 * factor, the best there is until they are fetched again raw.
 *
 * <p>Reading sorted bars costs one comparison per bar: {@link #stepper()} advances a pointer over the
 * split dates and held windows as the bars go by.
 */
public final class SplitAdjustment {
    /** A held window as half-open Unix ms [from, until). */
    public record Window(long from, long until) {
    }

    private final boolean adjusted;
    /** The splits in effect today, by execution date. */
    private final List<Split> applied;
    /** effectiveFrom of each applied split, Unix ms. */
    private final long[] boundaries;
    /** factorFrom[i]: product of the factors of applied splits i.. (factorFrom[n] = 1). */
    private final double[] factorFrom;
    private final List<Window> held;
    /** When the first split announced ahead takes effect; null when none is. */
    private final Instant nextChange;

    private SplitAdjustment(boolean adjusted, List<Split> applied, List<Window> held, Instant nextChange) {
        this.adjusted = adjusted;
        this.applied = applied;
        this.held = held;
        this.nextChange = nextChange;
        int count = applied.size();
        boundaries = new long[count];
        factorFrom = new double[count + 1];
        factorFrom[count] = 1;
        for (int i = count - 1; i >= 0; i--) {
            boundaries[i] = applied.get(i).effectiveFrom().toEpochMilli();
            factorFrom[i] = factorFrom[i + 1] * applied.get(i).factor();
        }
    }

    /**
     * @param splits every split of the ticker, future ones included
     * @param clock now: the splits executed by today (New York) apply
     * @param held the series' held windows (any order)
     */
    public static SplitAdjustment of(boolean adjusted, List<Split> splits, Clock clock, List<Window> held) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), Timeframe.EXCHANGE_ZONE);
        List<Split> applied = splits.stream().filter(split -> !split.executionDate().isAfter(today))
                .sorted(Comparator.comparing(Split::executionDate)).toList();
        Instant nextChange = splits.stream().filter(split -> split.executionDate().isAfter(today))
                .map(Split::effectiveFrom).min(Comparator.naturalOrder()).orElse(null);
        return new SplitAdjustment(adjusted, applied,
                held.stream().sorted(Comparator.comparingLong(Window::from)).toList(), nextChange);
    }

    /**
     * When this adjustment stops being today's: the first split announced ahead takes effect (midnight
     * New York of its date), so a page read with it must not be reused past then. Empty when none is.
     */
    public Optional<Instant> nextChange() {
        return Optional.ofNullable(nextChange);
    }

    /** The splits in effect today that a bar starting at {@code ts} is adjusted for (executed after its New York day). */
    public List<Split> splitsAfter(Instant ts) {
        return applied.subList(firstBoundaryAfter(ts.toEpochMilli()), applied.size());
    }

    /** The cumulative factor of a bar starting at {@code ts}: its price times this is comparable with today's prices. */
    public double factorAt(Instant ts) {
        return factorFrom[firstBoundaryAfter(ts.toEpochMilli())];
    }

    /**
     * Identifies what this adjustment does to the bars of [from, to): the mode, the applied splits
     * that reach into the range, the held windows overlapping it. Pages and ETags carry it, so they
     * change when a split arrives (or takes effect, or a held window is fetched again raw).
     */
    public String fingerprint(Instant from, Instant to) {
        StringBuilder state = new StringBuilder(adjusted ? "adjusted" : "raw");
        splitsAfter(from).forEach(split -> state.append('|').append(split.executionDate()).append(':')
                .append(split.from()).append(':').append(split.to()));
        held.stream().filter(window -> window.from() < to.toEpochMilli() && window.until() > from.toEpochMilli())
                .forEach(window -> state.append("|held:").append(window.from()).append('-').append(window.until()));
        CRC32 crc = new CRC32();
        crc.update(state.toString().getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    /** Multipliers for bars read in ascending order of their start. */
    public Stepper stepper() {
        return new Stepper();
    }

    /** One ascending pass: each call's ts is at or after the previous one's. */
    public final class Stepper {
        private int split;
        private int window;

        /** What the prices of the stored bar starting at {@code tsMillis} are multiplied by (its volume divided by). */
        public double multiplier(long tsMillis) {
            while (split < boundaries.length && boundaries[split] <= tsMillis) {
                split++;
            }
            while (window < held.size() && held.get(window).until() <= tsMillis) {
                window++;
            }
            return scale(factorFrom[split], window < held.size() && held.get(window).from() <= tsMillis);
        }
    }

    /** The multiplier of one bar starting at {@code ts}, {@code held} when it is still an adjusted bar as fetched. */
    public double multiplier(Instant ts, boolean held) {
        return scale(factorAt(ts), held);
    }

    private double scale(double factor, boolean heldAdjusted) {
        if (adjusted) {
            return heldAdjusted ? 1 : factor;
        }
        return heldAdjusted ? 1 / factor : 1;
    }

    private int firstBoundaryAfter(long tsMillis) {
        int index = 0;
        while (index < boundaries.length && boundaries[index] <= tsMillis) {
            index++;
        }
        return index;
    }
}
