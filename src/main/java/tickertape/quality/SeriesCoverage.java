package tickertape.quality;

/**
 * How complete one series is over a window: the coverage and gap figures of {@link SeriesQuality},
 * without its other checks (newest bar, derived-bar consistency), so it costs one pass over the bars.
 *
 * @param expectedBars regular-session bars the exchange calendar expects, up to the newest one due
 * @param presentBars those of them the store holds
 * @param missingBars those neither held nor confirmed empty by the source
 * @param confirmedEmptyBars those the source confirmed it does not have
 * @param coveragePercent present / (expected − confirmed empty), rounded down to 0.01; 100 when nothing is expected
 * @param gapCount every gap, confirmed ones included (as {@link SeriesQuality#gapCount})
 * @param openGapCount the gaps not confirmed empty: the ones a repair fetches again
 */
public record SeriesCoverage(String ticker, String timeframe, int expectedBars, int presentBars, int missingBars,
                             int confirmedEmptyBars, double coveragePercent, int gapCount, int openGapCount) {

    /** The gaps confirmed empty by the source. */
    public int confirmedGapCount() {
        return gapCount - openGapCount;
    }

    /** Nothing due is missing (confirmed-empty bars aside). */
    public boolean complete() {
        return missingBars == 0;
    }
}
