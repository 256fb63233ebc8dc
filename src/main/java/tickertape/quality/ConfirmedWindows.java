package tickertape.quality;

import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The windows of a series the source has answered for (the coverage ledger), merged where they
 * overlap or touch: a bar missing inside one is one the source does not have.
 */
final class ConfirmedWindows {
    /** Merged windows: start to end, disjoint and not touching. */
    private final NavigableMap<Instant, Instant> windows = new TreeMap<>();

    /** Adds [from, to); windows must be added in order of {@code from}. */
    void add(Instant from, Instant to) {
        Map.Entry<Instant, Instant> last = windows.lastEntry();
        if (last != null && !from.isAfter(last.getValue())) {
            if (to.isAfter(last.getValue())) {
                windows.put(last.getKey(), to);
            }
            return;
        }
        windows.put(from, to);
    }

    /** True when [from, to) lies wholly inside one confirmed window. */
    boolean covers(Instant from, Instant to) {
        Map.Entry<Instant, Instant> window = windows.floorEntry(from);
        return window != null && !window.getValue().isBefore(to);
    }
}
