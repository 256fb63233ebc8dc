package tickertape.quality;

import java.time.Instant;

/**
 * Consecutive missing regular-session bars of a series: buckets starting in [start, end), {@code bars}
 * of them. {@code confirmed} when the source was asked and had nothing there (the coverage ledger): those
 * are listed, but not counted as missing and not fetched again.
 */
public record Gap(Instant start, Instant end, int bars, boolean confirmed) {

    Gap extendedTo(Instant newEnd) {
        return new Gap(start, newEnd, bars + 1, confirmed);
    }
}
