package tickertape.ingest;

import org.apache.camel.CamelContext;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.builder.NotifyBuilder;

/** Awaits ingestion runs of one app: the exchanges of its ingest-window route (routes/ingest.camel.yaml). */
public final class RunsEnded {
    private RunsEnded() {
    }

    /**
     * A NotifyBuilder that matches once {@code runs} runs taken from the job queue from now on have ended
     * (their pages stored and the run closed). The writer's batches come from that route too, as
     * aggregated copies of a page's exchange: those are no runs and are left out.
     */
    public static NotifyBuilder after(CamelContext context, int runs) {
        return new NotifyBuilder(context).fromRoute("ingest-window")
                .filter(exchange -> exchange.getProperty(ExchangePropertyKey.AGGREGATED_COMPLETED_BY) == null)
                .whenCompleted(runs)
                .create();
    }
}
