package tickertape.ingest;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import tickertape.bars.BarBatch;
import tickertape.bars.BarPage;

/**
 * Collects whole {@link BarPage}s, from any run and ticker, into one {@link BarBatch} for the
 * batched upsert. The aggregator completes a batch on its row count or on a timeout.
 */
public class BarBatches implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange batch, Exchange next) {
        BarPage page = next.getMessage().getBody(BarPage.class);
        if (batch == null) {
            List<BarPage> pages = new ArrayList<>();
            pages.add(page);
            next.getMessage().setBody(new BarBatch(pages));
            return next;
        }
        batch.getMessage().getBody(BarBatch.class).pages().add(page);
        return batch;
    }
}
