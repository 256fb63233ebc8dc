package tickertape.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The quality of one series over the report's window.
 *
 * @param expectedBars regular-session bars the exchange calendar expects, up to the newest one due
 * @param presentBars those of them the store holds
 * @param missingBars those neither held nor confirmed empty by the source
 * @param confirmedEmptyBars those the source confirmed it does not have
 * @param coveragePercent present / (expected − confirmed empty), rounded down to 0.01; 100 when nothing is expected
 * @param gapCount how many gaps (confirmed ones included); {@code gaps} lists the first {@value QualityCheck#LISTED_GAPS}
 * @param extendedHours bars held outside the regular session, which are sparse by nature and never gaps
 * @param newestBar the start of the newest bar held (any date), or null
 * @param dueBar the start of the newest bar the series must hold by now (see {@link Staleness})
 * @param stale the newest bar is older than {@code dueBar}
 * @param ohlcViolations bars breaking the OHLC rules (zero by construction: the table's checks enforce them)
 * @param duplicateTimestamps bars sharing their bucket with another bar (zero by construction)
 * @param misalignedBars bars not starting at the start of their bucket (zero by construction)
 * @param derivedMismatches for 5m 15m 1h 4h: buckets that disagree with the roll-up of their 1m bars
 * @param unexplainedMoves for 1d: day-over-day jumps of the split-adjusted close beyond
 *     {@code quality.max-daily-move} that no recorded split explains
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SeriesQuality(String ticker, String timeframe, int expectedBars, int presentBars, int missingBars,
                            int confirmedEmptyBars, double coveragePercent, int gapCount, List<Gap> gaps,
                            ExtendedHours extendedHours, Instant newestBar, Instant dueBar, boolean stale,
                            int ohlcViolations, int duplicateTimestamps, int misalignedBars,
                            DerivedMismatches derivedMismatches, List<UnexplainedMoves.Move> unexplainedMoves) {

    /**
     * Bars held in pre-market (04:00–09:30) and after-hours (to 20:00), and any held where the exchange
     * is closed (a weekend, a holiday, the night), which should be none.
     */
    public record ExtendedHours(int preMarketBars, int afterHoursBars, int outsideSessionBars) {
    }

    /** How many buckets of a derived series disagree with their 1m bars, and the first few of them. */
    public record DerivedMismatches(int buckets, List<Instant> examples) {
    }
}
