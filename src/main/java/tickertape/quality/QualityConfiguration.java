package tickertape.quality;

import java.time.Clock;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import tickertape.ingest.SeriesPlanner;

/**
 * The beans the data-quality routes use: {@code dataQuality} (the report, which the status page also
 * reads coverage from) and {@code gapRepair}; on the checks of {@link QualityChecksConfiguration}.
 */
@Configuration
public class QualityConfiguration implements CamelConfiguration {
    @BindToRegistry("dataQuality")
    public DataQuality dataQuality(QualityRequests requests, QualityCheck check, Staleness staleness, Clock clock) {
        return new DataQuality(requests, check, staleness, clock);
    }

    @BindToRegistry("gapRepair")
    public GapRepair gapRepair(CamelContext context, QualityRequests requests, QualityCheck check,
                               SeriesPlanner planner, @PropertyInject("quality.repair-days") int repairDays) {
        return new GapRepair(requests, check, planner, context.createProducerTemplate(), repairDays);
    }
}
