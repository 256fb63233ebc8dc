package tickertape.ingest;

import java.time.Instant;
import tickertape.market.Timeframe;

/**
 * One series window to fetch from Polygon, both ends inclusive. {@code newestFirst} fetches
 * backwards from {@code to}, so the store stays one contiguous stretch while a backfill runs and a
 * resumed backfill continues from the oldest bar held; a refresh goes forwards from the newest.
 * {@code startUrl}, when set, is the page to start from (a replayed dead letter); else the window's first.
 */
public record IngestionJob(RunTrigger trigger, String ticker, Timeframe timeframe, Instant from, Instant to,
                           boolean newestFirst, String startUrl, Long runId) {

    public IngestionJob(RunTrigger trigger, String ticker, Timeframe timeframe, Instant from, Instant to,
                        boolean newestFirst) {
        this(trigger, ticker, timeframe, from, to, newestFirst, null, null);
    }

    public IngestionJob withRunId(long id) {
        return new IngestionJob(trigger, ticker, timeframe, from, to, newestFirst, startUrl, id);
    }

    public String series() {
        return ticker + " " + timeframe.code();
    }
}
