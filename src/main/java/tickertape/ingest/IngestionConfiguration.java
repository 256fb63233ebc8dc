package tickertape.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.Registry;
import tickertape.api.market.SplitAdjustments;
import tickertape.market.ExchangeCalendar;
import tickertape.metrics.Metrics;
import tickertape.metrics.StoreGauges;
import tickertape.polygon.DeadLetters;
import tickertape.polygon.PolygonConfiguration.PolygonMode;
import tickertape.polygon.PolygonMeter;
import tickertape.quality.DataQuality;
import tickertape.quality.QualityConfiguration;
import tickertape.quality.UnexplainedMoveGauge;
import tickertape.quality.UnexplainedMoves;
import tickertape.status.HtmlTemplate;
import tickertape.status.RecentCoverage;
import tickertape.status.StatusPage;
import tickertape.status.StatusReport;
import tickertape.store.Database;

/**
 * Ingestion (the runs, the planner, the writer, the ticker routes' beans), and what reads its work: the
 * data-quality report and the status page. Still bound by hand in {@link #configure}, from the beans of
 * the configurations before it (injected by type or name) and its settings; see Main.configure.
 */
@Configuration
public class IngestionConfiguration implements CamelConfiguration {
    @BeanInject("database")
    private Database database;
    @BeanInject("dataSource")
    private DataSource dataSource;
    @BeanInject("apiDataSource")
    private DataSource apiDataSource;
    @BeanInject
    private Clock clock;
    @BeanInject
    private ExchangeCalendar calendar;
    @BeanInject
    private ObjectMapper json;
    @BeanInject
    private Metrics metrics;
    @BeanInject
    private SplitAdjustments splitAdjustments;
    @BeanInject
    private PolygonMode polygon;
    @BeanInject
    private DeadLetters deadLetters;
    @PropertyInject("polygon.page-limit")
    private int polygonPageLimit;
    @PropertyInject("polygon.splits-page-limit")
    private int polygonSplitsPageLimit;
    @PropertyInject("tickertape.backfill-from")
    private String backfillFrom;
    @PropertyInject("ingest.minute-overlap")
    private String minuteOverlap;
    @PropertyInject("ingest.day-overlap")
    private String dayOverlap;
    @PropertyInject("ingest.stale-after")
    private String staleAfter;
    @PropertyInject("ingest.retry-failed-after")
    private String retryFailedAfter;
    @PropertyInject("ingest.run-lease")
    private String runLease;
    @PropertyInject("ingest.write-retry-for")
    private String writeRetryFor;
    @PropertyInject("ingest.write-retry-delay-millis")
    private long writeRetryDelayMillis;
    @PropertyInject("tickertape.instance-name")
    private String instanceName;
    @PropertyInject("camel.server.port")
    private int httpPort;
    @PropertyInject("quality.max-daily-move")
    private double maxDailyMove;
    @PropertyInject("quality.unexplained-move-days")
    private int unexplainedMoveDays;
    @PropertyInject("tickertape.refresh-schedule")
    private String refreshSchedule;
    @PropertyInject("quality.default-days")
    private int qualityDefaultDays;
    @PropertyInject("quality.repair-days")
    private int repairDays;
    @PropertyInject("status.quality-days")
    private int statusQualityDays;

    @Override
    public void configure(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        StoreGauges storeGauges = new StoreGauges(dataSource, calendar, clock, backfillFrom, metrics.registry());
        registry.bind("storeGauges", storeGauges);

        IngestionRuns runs = new IngestionRuns(dataSource, metrics,
                RunOwner.of(instanceName, httpPort, Duration.parse(runLease)));
        runs.closeRunsOfEarlierLives();
        SeriesPlanner planner = new SeriesPlanner(new CoverageLedger(dataSource), runs, calendar, clock, backfillFrom,
                Duration.parse(minuteOverlap), Duration.parse(dayOverlap), Duration.parse(staleAfter),
                Duration.parse(retryFailedAfter));
        // A daily jump no split explains: in the quality report, and a gauge re-counted as 1d bars are written.
        UnexplainedMoves unexplainedMoves = new UnexplainedMoves(dataSource, splitAdjustments, maxDailyMove);
        UnexplainedMoveGauge unexplainedMoveGauge = new UnexplainedMoveGauge(dataSource, unexplainedMoves,
                unexplainedMoveDays, clock, metrics.registry());
        registry.bind("unexplainedMoveGauge", unexplainedMoveGauge);
        BarWriter barWriter = new BarWriter(new BarStore(dataSource, List.of(storeGauges, unexplainedMoveGauge)), runs,
                metrics, Duration.parse(writeRetryFor), Duration.ofMillis(writeRetryDelayMillis));
        registry.bind("barWriter", barWriter);
        registry.bind("barWriterHealthCheck", new BarWriter.Health(barWriter));
        TickerRoutes tickerRoutes = new TickerRoutes(dataSource);
        registry.bind("ingestionRuns", runs);
        registry.bind("seriesPlanner", planner);
        registry.bind("barBatches", new BarBatches());
        Ingestion.PolygonSource source = new Ingestion.PolygonSource(polygon.baseUrl(), polygonPageLimit,
                polygonSplitsPageLimit);
        Ingestion ingestion = new Ingestion(runs, planner, source);
        registry.bind("ingestion", ingestion);
        registry.bind("splitChecks", new SplitChecks(dataSource, source, calendar, clock, metrics,
                Duration.parse(runLease), Duration.parse(retryFailedAfter)));
        registry.bind("tickerRoutes", tickerRoutes);
        context.addStartupListener(tickerRoutes);
        PolygonMeter meter = new PolygonMeter(runs, metrics);
        registry.bind("polygonMeter", meter);
        registry.bind("polygonRetries", meter.retries());
        registry.bind("manualRuns", new ManualRuns(json, ingestion, planner, tickerRoutes, deadLetters,
                context.createProducerTemplate(), clock));
        DataQuality dataQuality = QualityConfiguration.bind(context, dataSource, planner, tickerRoutes,
                unexplainedMoves, clock, calendar, refreshSchedule, qualityDefaultDays, repairDays);
        // The status page's coverage and gaps, re-checked by the status-quality-refresh route, never per render.
        RecentCoverage recentCoverage = new RecentCoverage(dataQuality, statusQualityDays);
        registry.bind("recentCoverage", recentCoverage);
        StatusReport statusReport = new StatusReport(database, apiDataSource, tickerRoutes, runs, polygon.description());
        registry.bind("statusReport", statusReport);
        registry.bind("statusPage", new StatusPage(statusReport, storeGauges, recentCoverage, runs, deadLetters,
                apiDataSource, splitAdjustments, clock));
        registry.bind("statusPageTemplate", new HtmlTemplate("status/page.mustache"));
    }
}
