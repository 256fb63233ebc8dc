package tickertape.ingest;

import java.time.Instant;
import tickertape.market.Timeframe;

/**
 * One series window to fetch from Polygon, both ends inclusive. {@code newestFirst} fetches
 * backwards from {@code to}, so the store stays one contiguous stretch while a backfill runs and a
 * resumed backfill continues from the oldest bar held; a refresh goes forwards from the newest.
 */
public record IngestionJob(String trigger, String ticker, Timeframe timeframe, Instant from, Instant to,
                           boolean newestFirst, Long runId) {

    public IngestionJob withRunId(long id) {
        return new IngestionJob(trigger, ticker, timeframe, from, to, newestFirst, id);
    }

    public String series() {
        return ticker + " " + timeframe.code();
    }
}
