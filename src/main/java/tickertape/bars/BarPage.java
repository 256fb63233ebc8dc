package tickertape.bars;

import java.time.Instant;
import java.util.List;

/**
 * The valid bars of one Polygon page, on their way to the batch writer, and the window the page
 * answered for, [coveredFrom, coveredTo), which the writer records in the coverage ledger with them.
 * A page is the unit that is written whole or not at all: the aggregator only ever puts whole pages
 * into a batch. A page with no valid bar still covers its window.
 */
public record BarPage(long runId, String ticker, String timeframe, List<BarRow> rows, Instant coveredFrom,
                      Instant coveredTo) {
}
