package tickertape.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tickertape.market.SplitAdjustment.Window;

class SplitAdjustmentTest {
    /** 1-for-5 reverse split executed Thursday 2024-04-11, a 2-for-1 forward split 2025-03-03. */
    private static final Split REVERSE = new Split(LocalDate.parse("2024-04-11"), 5, 1);
    private static final Split FORWARD = new Split(LocalDate.parse("2025-03-03"), 1, 2);
    private static final List<Split> SPLITS = List.of(FORWARD, REVERSE);

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    private static Instant ts(String instant) {
        return Instant.parse(instant);
    }

    @Test
    void aBarIsAdjustedForEverySplitExecutedAfterItsNewYorkDayUpToToday() {
        SplitAdjustment adjusted = SplitAdjustment.of(true, SPLITS, at("2025-06-02T15:00:00Z"), List.of());

        assertThat(adjusted.factorAt(ts("2024-04-10T19:59:00Z"))).as("before both").isEqualTo(2.5);
        // 2024-04-11 00:30 New York is already the execution day (04:30 UTC, EDT)
        assertThat(adjusted.factorAt(ts("2024-04-11T04:30:00Z"))).as("on the reverse split's day").isEqualTo(0.5);
        assertThat(adjusted.factorAt(ts("2024-04-11T03:59:00Z"))).as("23:59 New York the day before").isEqualTo(2.5);
        assertThat(adjusted.factorAt(ts("2025-03-03T05:00:00Z"))).as("on the forward split's day").isEqualTo(1);
        assertThat(adjusted.splitsAfter(ts("2024-04-10T19:59:00Z"))).containsExactly(REVERSE, FORWARD);
        assertThat(adjusted.splitsAfter(ts("2025-03-03T14:30:00Z"))).isEmpty();
    }

    @Test
    void aSplitAnnouncedAheadChangesNothingUntilMidnightNewYorkOfItsDate() {
        Instant before = ts("2025-02-28T20:00:00Z");
        // 2025-03-02 23:59 New York (EST) is 2025-03-03T04:59Z
        SplitAdjustment eve = SplitAdjustment.of(true, SPLITS, at("2025-03-03T04:59:00Z"), List.of());
        SplitAdjustment day = SplitAdjustment.of(true, SPLITS, at("2025-03-03T05:00:00Z"), List.of());

        assertThat(eve.factorAt(before)).as("the eve: the forward split announced, not executed").isEqualTo(1);
        assertThat(eve.stepper().multiplier(before.toEpochMilli())).isEqualTo(1);
        assertThat(day.factorAt(before)).as("from midnight New York").isEqualTo(0.5);
        assertThat(eve.fingerprint(before, ts("2025-03-04T00:00:00Z")))
                .isNotEqualTo(day.fingerprint(before, ts("2025-03-04T00:00:00Z")));
    }

    @Test
    void theStepperGivesTheSameMultipliersAsALookupPerBarInBothModes() {
        Clock now = at("2025-06-02T15:00:00Z");
        List<Window> held = List.of(new Window(ts("2025-01-01T00:00:00Z").toEpochMilli(),
                ts("2025-01-02T00:00:00Z").toEpochMilli()));
        SplitAdjustment adjusted = SplitAdjustment.of(true, SPLITS, now, held);
        SplitAdjustment raw = SplitAdjustment.of(false, SPLITS, now, held);
        SplitAdjustment.Stepper adjustedSteps = adjusted.stepper();
        SplitAdjustment.Stepper rawSteps = raw.stepper();
        List<Double> seenAdjusted = new ArrayList<>();
        List<Double> seenRaw = new ArrayList<>();
        for (Instant bar = ts("2024-04-01T13:30:00Z"); bar.isBefore(ts("2025-04-01T00:00:00Z"));
             bar = bar.plusSeconds(6 * 3600)) {
            boolean inHeld = !bar.isBefore(ts("2025-01-01T00:00:00Z")) && bar.isBefore(ts("2025-01-02T00:00:00Z"));
            double expectedAdjusted = inHeld ? 1 : adjusted.factorAt(bar);
            double expectedRaw = inHeld ? 1 / raw.factorAt(bar) : 1;
            assertThat(adjustedSteps.multiplier(bar.toEpochMilli())).as("adjusted at %s", bar).isEqualTo(expectedAdjusted);
            assertThat(rawSteps.multiplier(bar.toEpochMilli())).as("raw at %s", bar).isEqualTo(expectedRaw);
            assertThat(adjusted.multiplier(bar, inHeld)).isEqualTo(expectedAdjusted);
            seenAdjusted.add(expectedAdjusted);
            seenRaw.add(expectedRaw);
        }
        assertThat(seenAdjusted).as("every step of the factor, and the held day as stored").contains(2.5, 0.5, 1.0);
        assertThat(seenRaw).as("raw: as stored, except the held day divided by its factor").containsOnly(1.0, 2.0);
    }

    @Test
    void theFingerprintNamesTheModeTheSplitsReachingIntoTheRangeAndTheHeldWindowsOverlappingIt() {
        Clock now = at("2025-06-02T15:00:00Z");
        Instant from = ts("2025-01-02T00:00:00Z");
        Instant to = ts("2025-06-01T00:00:00Z");
        String plain = SplitAdjustment.of(true, SPLITS, now, List.of()).fingerprint(from, to);

        assertThat(SplitAdjustment.of(false, SPLITS, now, List.of()).fingerprint(from, to)).isNotEqualTo(plain);
        assertThat(SplitAdjustment.of(true, List.of(REVERSE), now, List.of()).fingerprint(from, to))
                .as("the forward split reaches into the range").isNotEqualTo(plain);
        assertThat(SplitAdjustment.of(true, List.of(FORWARD), now, List.of()).fingerprint(from, to))
                .as("the reverse split executed before the range adjusts none of its bars").isEqualTo(plain);
        assertThat(SplitAdjustment.of(true, SPLITS, now, List.of(new Window(from.toEpochMilli(), to.toEpochMilli())))
                .fingerprint(from, to)).isNotEqualTo(plain);
        assertThat(SplitAdjustment.of(true, SPLITS, now, List.of(new Window(0, from.toEpochMilli())))
                .fingerprint(from, to)).as("a held window ending where the range starts").isEqualTo(plain);
    }

    @Test
    void aForwardAndAReverseSplitCompoundToTheirProduct() {
        SplitAdjustment adjusted = SplitAdjustment.of(true,
                List.of(new Split(LocalDate.parse("2024-01-10"), 1, 3), new Split(LocalDate.parse("2024-02-10"), 10, 1)),
                at("2024-03-01T00:00:00Z"), List.of());

        assertThat(adjusted.factorAt(ts("2024-01-02T15:00:00Z"))).isCloseTo(10.0 / 3, within(1e-12));
    }
}
