package tickertape.status;

import java.time.Clock;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import tickertape.bars.SplitAdjustments;
import tickertape.ingest.IngestionRunViews;
import tickertape.ingest.TickerRoutes;
import tickertape.metrics.StoreGauges;
import tickertape.polygon.DeadLetters;
import tickertape.polygon.PolygonConfiguration.PolygonMode;
import tickertape.quality.DataQuality;
import tickertape.database.Database;

/** GET /api/v2/status and the status page (GET /), read through the API's pool. */
@Configuration
public class StatusConfiguration implements CamelConfiguration {
    /** The status page's coverage and gaps, re-checked by the status-quality-refresh route, never per render. */
    @BindToRegistry("recentCoverage")
    public RecentCoverage recentCoverage(DataQuality dataQuality, @PropertyInject("status.quality-days") int days) {
        return new RecentCoverage(dataQuality, days);
    }

    @BindToRegistry("statusReport")
    public StatusReport statusReport(Database database, @BeanInject("apiDataSource") DataSource api,
                                     TickerRoutes tickerRoutes, IngestionRunViews runs, PolygonMode polygon) {
        return new StatusReport(database, api, tickerRoutes, runs, polygon.description());
    }

    @BindToRegistry("statusPage")
    public StatusPage statusPage(StatusReport report, StoreGauges storeGauges, RecentCoverage recentCoverage,
                                 IngestionRunViews runs, DeadLetters deadLetters,
                                 @BeanInject("apiDataSource") DataSource api, SplitAdjustments splitAdjustments,
                                 Clock clock) {
        return new StatusPage(report, storeGauges, recentCoverage, runs, deadLetters, api, splitAdjustments, clock);
    }

    @BindToRegistry("statusPageTemplate")
    public HtmlTemplate statusPageTemplate() {
        return new HtmlTemplate("status/page.mustache");
    }
}
