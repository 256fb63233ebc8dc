package tickertape.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Processor;
import org.apache.camel.PropertyInject;
import tickertape.bars.BarStore;
import tickertape.metrics.Metrics;
import tickertape.metrics.StoreGauges;
import tickertape.polygon.DeadLetters;
import tickertape.polygon.PolygonMeter;
import tickertape.quality.UnexplainedMoveGauge;

/**
 * The jobs routes/ingest.camel.yaml runs: what opens them (planned, or asked for over the API), the
 * writer of their pages, and the count of their retried requests; on the beans of
 * {@link IngestionConfiguration}.
 */
@Configuration
public class IngestionJobsConfiguration implements CamelConfiguration {
    @BindToRegistry("ingestion")
    public Ingestion ingestion(IngestionRuns runs, SeriesPlanner planner, Ingestion.PolygonSource source) {
        return new Ingestion(runs, planner, source);
    }

    @BindToRegistry("manualRuns")
    public ManualRuns manualRuns(CamelContext context, ObjectMapper json, Ingestion ingestion, SeriesPlanner planner,
                                 TickerRoutes tickerRoutes, DeadLetters deadLetters, Clock clock) {
        return new ManualRuns(json, ingestion, planner, tickerRoutes, deadLetters, context.createProducerTemplate(),
                clock);
    }

    /** The writer, which tells the store's gauges and the unexplained-move gauge of each batch it commits. */
    @BindToRegistry("barWriter")
    public BarWriter barWriter(@BeanInject("dataSource") DataSource dataSource, StoreGauges storeGauges,
                               UnexplainedMoveGauge unexplainedMoveGauge, IngestionRuns runs, Metrics metrics,
                               @PropertyInject("ingest.write-retry-for") String writeRetryFor,
                               @PropertyInject("ingest.write-retry-delay-millis") long writeRetryDelayMillis) {
        return new BarWriter(new BarStore(dataSource, List.of(storeGauges, unexplainedMoveGauge)), runs, metrics,
                Duration.parse(writeRetryFor), Duration.ofMillis(writeRetryDelayMillis));
    }

    @BindToRegistry("barWriterHealthCheck")
    public BarWriter.Health barWriterHealthCheck(BarWriter barWriter) {
        return new BarWriter.Health(barWriter);
    }

    @BindToRegistry("polygonRetries")
    public Processor polygonRetries(PolygonMeter meter) {
        return meter.retries();
    }
}
