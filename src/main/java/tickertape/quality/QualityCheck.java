package tickertape.quality;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tickertape.bars.DerivedConsistency;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;
import tickertape.quality.ExpectedBars.ExpectedBar;

/**
 * The quality of one series over a window, in one pass over its bars: the calendar says which
 * regular-session bars are due, the stored bars stream by once, and what is due but not held becomes
 * the gaps (merged where consecutive). A gap counts as confirmed when the source confirmed every
 * regular-session minute of it empty; for 5m 15m 1h 4h that is their 1m source's confirmation.
 */
public class QualityCheck {
    /** Gaps listed per series; the counts always cover all of them (a thin ticker has thousands a year). */
    static final int LISTED_GAPS = 500;

    private final QualityStore store;
    private final ExchangeCalendar calendar;
    private final ExpectedBars expectedBars;
    private final Staleness staleness;
    private final DerivedConsistency derivedConsistency;
    private final UnexplainedMoves unexplainedMoves;
    private final Clock clock;

    QualityCheck(QualityStore store, ExchangeCalendar calendar, Staleness staleness,
                 DerivedConsistency derivedConsistency, UnexplainedMoves unexplainedMoves, Clock clock) {
        this.store = store;
        this.calendar = calendar;
        this.expectedBars = new ExpectedBars(calendar);
        this.staleness = staleness;
        this.derivedConsistency = derivedConsistency;
        this.unexplainedMoves = unexplainedMoves;
        this.clock = clock;
    }

    SeriesQuality series(String ticker, Timeframe timeframe, Instant from, Instant to) throws SQLException {
        Scan scan = scan(ticker, timeframe, from, to);
        SeriesCoverage coverage = coverage(ticker, timeframe, scan);
        List<Gap> gaps = scan.gaps();
        BarTally tally = scan.tally();
        Instant newest = store.newest(ticker, timeframe);
        return new SeriesQuality(ticker, timeframe.code(), coverage.expectedBars(), coverage.presentBars(),
                coverage.missingBars(), coverage.confirmedEmptyBars(), coverage.coveragePercent(), coverage.gapCount(),
                gaps.subList(0, Math.min(gaps.size(), LISTED_GAPS)),
                tally.extendedHours(), newest, scan.due(), newest == null || newest.isBefore(scan.due()),
                tally.ohlcViolations(), tally.duplicates(), tally.misaligned(),
                timeframe.isDerivedFromMinutes() ? derivedMismatches(ticker, timeframe, from, to) : null,
                timeframe == Timeframe.D1 ? unexplainedMoves.between(ticker, from, to) : null);
    }

    /** The coverage and gap figures of {@link #series} alone: one pass over the bars, no other read. */
    SeriesCoverage coverage(String ticker, Timeframe timeframe, Instant from, Instant to) throws SQLException {
        return coverage(ticker, timeframe, scan(ticker, timeframe, from, to));
    }

    private static SeriesCoverage coverage(String ticker, Timeframe timeframe, Scan scan) {
        List<Gap> gaps = scan.gaps();
        int confirmed = gaps.stream().filter(Gap::confirmed).mapToInt(Gap::bars).sum();
        int missing = gaps.stream().filter(gap -> !gap.confirmed()).mapToInt(Gap::bars).sum();
        int openGaps = (int) gaps.stream().filter(gap -> !gap.confirmed()).count();
        int present = scan.tally().presentExpected().size();
        return new SeriesCoverage(ticker, timeframe.code(), scan.expected(), present, missing, confirmed,
                coveragePercent(present, missing), gaps.size(), openGaps);
    }

    /** The gaps of a series in [from, to) as of now, confirmed ones included. */
    List<Gap> gaps(String ticker, Timeframe timeframe, Instant from, Instant to) throws SQLException {
        return scan(ticker, timeframe, from, to).gaps();
    }

    /** What one pass over a series finds: how many bars were due, how the held ones sort, the gaps. */
    private record Scan(Instant due, int expected, BarTally tally, List<Gap> gaps) {
    }

    private Scan scan(String ticker, Timeframe timeframe, Instant from, Instant to) throws SQLException {
        Instant due = staleness.due(timeframe, clock.instant());
        List<ExpectedBar> expected = expectedBars.between(timeframe, from, to, due);
        BarTally tally = new BarTally(timeframe, calendar, expected);
        store.scan(ticker, timeframe, from, to, tally::add);
        ConfirmedWindows confirmed = store.confirmedWindows(ticker, sourceOf(timeframe), from, to);
        return new Scan(due, expected.size(), tally, gaps(expected, tally.presentExpected(), confirmed));
    }

    private static List<Gap> gaps(List<ExpectedBar> expected, Set<Instant> present, ConfirmedWindows confirmedEmpty) {
        List<Gap> gaps = new ArrayList<>();
        Gap current = null;
        for (ExpectedBar bar : expected) {
            if (present.contains(bar.start())) {
                continue;
            }
            boolean confirmed = confirmedEmpty.covers(bar.regularFrom(), bar.regularTo());
            if (current != null && current.end().equals(bar.start()) && current.confirmed() == confirmed) {
                current = current.extendedTo(bar.end());
                gaps.set(gaps.size() - 1, current);
            } else {
                current = new Gap(bar.start(), bar.end(), 1, confirmed);
                gaps.add(current);
            }
        }
        return gaps;
    }

    /** Present out of what the source has (confirmed-empty bars aside), rounded down so 100 means complete. */
    private static double coveragePercent(int present, int missing) {
        int obtainable = present + missing;
        return obtainable == 0 ? 100 : Math.floor(10_000.0 * present / obtainable) / 100;
    }

    private SeriesQuality.DerivedMismatches derivedMismatches(String ticker, Timeframe timeframe, Instant from,
                                                              Instant to) throws SQLException {
        DerivedConsistency.Disagreement disagreement = derivedConsistency.check(ticker, timeframe, from, to);
        return new SeriesQuality.DerivedMismatches(disagreement.buckets(), disagreement.examples());
    }

    /** The series a timeframe's bars come from: 5m 15m 1h 4h are rolled up from 1m. */
    static Timeframe sourceOf(Timeframe timeframe) {
        return timeframe.isDerivedFromMinutes() ? Timeframe.M1 : timeframe;
    }
}
