package tickertape.ingest;

import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import tickertape.bars.CoverageLedger;
import tickertape.bars.SplitAdjustments;
import tickertape.market.ExchangeCalendar;
import tickertape.metrics.Metrics;
import tickertape.metrics.StoreGauges;
import tickertape.polygon.PolygonConfiguration.PolygonMode;
import tickertape.polygon.PolygonMeter;
import tickertape.quality.UnexplainedMoveGauge;
import tickertape.quality.UnexplainedMoves;

/**
 * What ingestion plans and records: the runs (whose are whose, across instances), the planner, the
 * ticker routes, the daily split checks, and the gauges each written batch re-counts. The jobs that
 * use them are {@link IngestionJobsConfiguration}'s.
 */
@Configuration
public class IngestionConfiguration implements CamelConfiguration {
    /** The runs of this instance; those an earlier life of it left open are closed first. */
    @BindToRegistry("ingestionRuns")
    public IngestionRuns ingestionRuns(@BeanInject("dataSource") DataSource dataSource, Metrics metrics,
                                       @PropertyInject("tickertape.instance-name") String instanceName,
                                       @PropertyInject("camel.server.port") int httpPort,
                                       @PropertyInject("ingest.run-lease") String runLease) throws Exception {
        IngestionRuns runs = new IngestionRuns(dataSource, metrics,
                RunOwner.of(instanceName, httpPort, Duration.parse(runLease)));
        runs.closeRunsOfEarlierLives();
        return runs;
    }

    /** The runs as the API and the status pages read them, through the API's pool. */
    @BindToRegistry("ingestionRunViews")
    public IngestionRunViews ingestionRunViews(@BeanInject("apiDataSource") DataSource api) {
        return new IngestionRunViews(api);
    }

    @BindToRegistry("seriesPlanner")
    public SeriesPlanner seriesPlanner(@BeanInject("dataSource") DataSource dataSource, IngestionRuns runs,
                                       ExchangeCalendar calendar, Clock clock,
                                       @PropertyInject("tickertape.backfill-from") String backfillFrom,
                                       @PropertyInject("ingest.minute-overlap") String minuteOverlap,
                                       @PropertyInject("ingest.day-overlap") String dayOverlap,
                                       @PropertyInject("ingest.stale-after") String staleAfter,
                                       @PropertyInject("ingest.retry-failed-after") String retryFailedAfter) {
        return new SeriesPlanner(new CoverageLedger(dataSource), runs, calendar, clock, backfillFrom,
                Duration.parse(minuteOverlap), Duration.parse(dayOverlap), Duration.parse(staleAfter),
                Duration.parse(retryFailedAfter));
    }

    /** The ticker routes' policy, which also learns of the tickers configured once Camel has started. */
    @BindToRegistry("tickerRoutes")
    public TickerRoutes tickerRoutes(CamelContext context, @BeanInject("dataSource") DataSource dataSource)
            throws Exception {
        TickerRoutes tickerRoutes = new TickerRoutes(dataSource);
        context.addStartupListener(tickerRoutes);
        return tickerRoutes;
    }

    @BindToRegistry("barBatches")
    public BarBatches barBatches() {
        return new BarBatches();
    }

    /** Where the jobs' pages and the split checks are asked for. */
    @BindToRegistry("polygonSource")
    public Ingestion.PolygonSource polygonSource(PolygonMode polygon,
                                                 @PropertyInject("polygon.page-limit") int pageLimit,
                                                 @PropertyInject("polygon.splits-page-limit") int splitsPageLimit) {
        return new Ingestion.PolygonSource(polygon.baseUrl(), pageLimit, splitsPageLimit);
    }

    @BindToRegistry("splitChecks")
    public SplitChecks splitChecks(@BeanInject("dataSource") DataSource dataSource, Ingestion.PolygonSource source,
                                   ExchangeCalendar calendar, Clock clock, Metrics metrics,
                                   @PropertyInject("ingest.run-lease") String runLease,
                                   @PropertyInject("ingest.retry-failed-after") String retryFailedAfter) {
        return new SplitChecks(dataSource, source, calendar, clock, metrics, Duration.parse(runLease),
                Duration.parse(retryFailedAfter));
    }

    @BindToRegistry("polygonMeter")
    public PolygonMeter polygonMeter(IngestionRuns runs, Metrics metrics) {
        return new PolygonMeter(runs, metrics);
    }

    @BindToRegistry("storeGauges")
    public StoreGauges storeGauges(@BeanInject("dataSource") DataSource dataSource, ExchangeCalendar calendar,
                                   Clock clock, Metrics metrics,
                                   @PropertyInject("tickertape.backfill-from") String backfillFrom) {
        return new StoreGauges(dataSource, calendar, clock, backfillFrom, metrics.registry());
    }

    /** A daily jump no split explains: in the quality report, and a gauge re-counted as 1d bars are written. */
    @BindToRegistry("unexplainedMoves")
    public UnexplainedMoves unexplainedMoves(@BeanInject("dataSource") DataSource dataSource,
                                             SplitAdjustments splitAdjustments,
                                             @PropertyInject("quality.max-daily-move") double maxDailyMove) {
        return new UnexplainedMoves(dataSource, splitAdjustments, maxDailyMove);
    }

    @BindToRegistry("unexplainedMoveGauge")
    public UnexplainedMoveGauge unexplainedMoveGauge(@BeanInject("dataSource") DataSource dataSource,
                                                     UnexplainedMoves unexplainedMoves, Clock clock, Metrics metrics,
                                                     @PropertyInject("quality.unexplained-move-days") int days) {
        return new UnexplainedMoveGauge(dataSource, unexplainedMoves, days, clock, metrics.registry());
    }
}
