package tickertape.ingest;

import java.util.List;

/**
 * The valid bars of one Polygon page, on their way to the batch writer. A page is the unit that is
 * written whole or not at all: the aggregator only ever puts whole pages into a batch.
 */
public record BarPage(long runId, String ticker, String timeframe, List<BarRow> rows) {
}
