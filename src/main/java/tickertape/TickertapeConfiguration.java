package tickertape;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tickertape.api.ApiPlatform;
import tickertape.api.RestVerbs;
import tickertape.api.market.LatestBarCache;
import tickertape.api.market.MarketBars;
import tickertape.api.market.SplitAdjustments;
import tickertape.api.ml.BatchLimits;
import tickertape.api.ml.Features;
import tickertape.api.ml.Models;
import tickertape.api.ml.Predictions;
import tickertape.api.polygon.PolygonAggregates;
import tickertape.api.trading.Portfolio;
import tickertape.api.trading.Signals;
import tickertape.api.trading.Trades;
import tickertape.ingest.BarBatches;
import tickertape.ingest.BarStore;
import tickertape.ingest.BarWriter;
import tickertape.ingest.CoverageLedger;
import tickertape.ingest.Ingestion;
import tickertape.ingest.IngestionRuns;
import tickertape.ingest.ManualRuns;
import tickertape.ingest.RunOwner;
import tickertape.ingest.SeriesPlanner;
import tickertape.ingest.SplitChecks;
import tickertape.ingest.TickerRoutes;
import tickertape.logging.SecretMask;
import tickertape.market.ExchangeCalendar;
import tickertape.metrics.ApiLatency;
import tickertape.metrics.Metrics;
import tickertape.metrics.PolygonResponses;
import tickertape.metrics.StoreGauges;
import tickertape.polygon.DeadLetters;
import tickertape.polygon.PolygonBudget;
import tickertape.polygon.PolygonCall;
import tickertape.polygon.PolygonMeter;
import tickertape.quality.DataQuality;
import tickertape.quality.QualityConfiguration;
import tickertape.quality.UnexplainedMoveGauge;
import tickertape.quality.UnexplainedMoves;
import tickertape.sandbox.SandboxPolygonServer;
import tickertape.status.DatabaseHealthCheck;
import tickertape.status.HtmlTemplate;
import tickertape.status.RecentCoverage;
import tickertape.status.StatusPage;
import tickertape.status.StatusReport;
import tickertape.keys.KeyCache;
import tickertape.store.ChangeListener;
import tickertape.store.Database;
import tickertape.store.DatabaseSettings;
import tickertape.store.QuartzConnections;

/**
 * Binds the beans the routes refer to by name. Every value comes from application.properties
 * (each one overridable by an environment variable named there); nothing is configured in code.
 */
@Configuration
public class TickertapeConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(TickertapeConfiguration.class);
    private static final String SANDBOX_BANNER = """

            ****************************************************************************************
              No POLYGON_API_KEY: using the built-in SANDBOX source of synthetic bars at {}.
              These are NOT market prices. Set POLYGON_API_KEY to ingest real data from Polygon.
            ****************************************************************************************""";

    @PropertyInject("tickertape.database.url")
    private String databaseUrl;
    @PropertyInject("tickertape.database.jdbc-url")
    private String jdbcUrl;
    @PropertyInject("tickertape.database.user")
    private String databaseUser;
    @PropertyInject("tickertape.database.password")
    private String databasePassword;
    @PropertyInject("tickertape.database.pool-size")
    private int poolSize;
    @PropertyInject("tickertape.database.api-pool-size")
    private int apiPoolSize;
    @PropertyInject("tickertape.database.api-statement-timeout")
    private String apiStatementTimeout;
    @PropertyInject("tickertape.database.api-idle-in-transaction-timeout")
    private String apiIdleInTransactionTimeout;
    @PropertyInject("tickertape.database.embedded-port")
    private int embeddedPort;
    @PropertyInject("tickertape.database.migrations")
    private String migrations;
    @PropertyInject("tickertape.data-dir")
    private String dataDirectory;
    @PropertyInject("polygon.api-key")
    private String polygonApiKey;
    @PropertyInject("polygon.base-url")
    private String polygonBaseUrl;
    @PropertyInject("polygon.budget-window-millis")
    private long polygonBudgetWindowMillis;
    @PropertyInject("polygon.max-retry-delay-millis")
    private long polygonMaxRetryDelayMillis;
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

    @BindToRegistry("jsonMapper")
    public ObjectMapper jsonMapper() {
        return JsonMapper.builder()
                // the same doubles as the JDK's parser, read several times faster: a Polygon page holds 300,000
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        PortCheck.requireFree(context, "camel.server.port", "TICKERTAPE_HTTP_PORT");
        PortCheck.requireFree(context, "camel.management.port", "TICKERTAPE_MANAGEMENT_PORT");

        DatabaseSettings settings = DatabaseSettings.of(databaseUrl, jdbcUrl, databaseUser, databasePassword,
                poolSize, Path.of(dataDirectory), embeddedPort);
        // The secrets as resolved, however they were given: no log line may hold them (logback.xml's %mask).
        SecretMask.register(settings.password());
        SecretMask.register(polygonApiKey);
        Database database = Database.open(settings, migrations);
        // Registered as a service so Camel closes it on shutdown, after the routes have stopped.
        context.addService(database, true, true);

        Registry registry = context.getRegistry();
        registry.bind("database", database);
        registry.bind("dataSource", database.dataSource());
        // API requests read through a pool of their own: a slow client never holds a connection ingestion needs.
        DataSource api = database.openApiPool(new Database.ApiPoolSettings(apiPoolSize,
                Duration.parse(apiStatementTimeout), Duration.parse(apiIdleInTransactionTimeout)));
        registry.bind("apiDataSource", api);
        registry.bind("databaseHealthCheck", new DatabaseHealthCheck(database));
        QuartzConnections.configure(context, database.dataSource());
        // Keys, roles, rate limits and problem responses, applied to every REST verb by routes/api.camel.yaml.
        ApiPlatform.bind(context, database, Path.of(dataDirectory), jsonMapper());

        // Metrics: the registry /observe/metrics serves, the meters ingestion and the API feed, the store's gauges.
        MeterRegistry meterRegistry = Metrics.sharedRegistry(registry);
        database.publishPoolMetrics(meterRegistry);
        Metrics metrics = new Metrics(meterRegistry);
        registry.bind("metrics", metrics);
        context.getManagementStrategy().addEventNotifier(new ApiLatency(metrics,
                registry.lookupByNameAndType("restVerbs", RestVerbs.class)));
        context.getManagementStrategy().addEventNotifier(PolygonResponses.of(metrics, context));
        StoreGauges storeGauges = new StoreGauges(database.dataSource(), new ExchangeCalendar(), Clock.systemUTC(),
                backfillFrom, meterRegistry);
        registry.bind("storeGauges", storeGauges);

        // The endpoints of routes/api-market|api-ml|api-trading. The newest bars and the authenticated keys
        // are kept in memory, forgotten on every change announced by whichever process makes it.
        PropertiesComponent properties = context.getPropertiesComponent();
        // Splits too: bars are stored raw and adjusted on read (sql/V8__splits.sql).
        SplitAdjustments splitAdjustments = new SplitAdjustments(api, Clock.systemUTC());
        registry.bind("splitAdjustments", splitAdjustments);
        LatestBarCache latestBars = new LatestBarCache(api, splitAdjustments);
        registry.bind("latestBarCache", latestBars);
        context.addService(new ChangeListener(() -> database.openDedicatedConnection("tickertape change listener"),
                List.of(registry.lookupByNameAndType("keyCache", KeyCache.class), latestBars, splitAdjustments),
                Duration.parse(setting(properties, "tickertape.change-listener.heartbeat")),
                Duration.parse(setting(properties, "tickertape.change-listener.max-reconnect-delay"))),
                true, true);
        registry.bind("marketBars", new MarketBars(api, jsonMapper(), latestBars, splitAdjustments,
                MarketBars.Settings.from(context.getPropertiesComponent()), Clock.systemUTC()));
        registry.bind("polygonAggregates", new PolygonAggregates(api, splitAdjustments));
        BatchLimits batchLimits = new BatchLimits(Integer.parseInt(setting(properties, "api.ml.max-batch-rows")));
        registry.bind("features", new Features(api, jsonMapper(), batchLimits, splitAdjustments));
        registry.bind("models", new Models(api, jsonMapper()));
        registry.bind("predictions", new Predictions(api, jsonMapper(), batchLimits,
                new Predictions.AccuracyWindow(Integer.parseInt(setting(properties, "api.ml.accuracy-default-window")),
                        Integer.parseInt(setting(properties, "api.ml.accuracy-max-window"))), splitAdjustments));
        registry.bind("signals", new Signals(api,
                Double.parseDouble(setting(properties, "api.trading.signal-threshold"))));
        String portfolio = setting(properties, "api.trading.portfolio");
        registry.bind("portfolio", new Portfolio(api, latestBars, portfolio));
        registry.bind("trades", new Trades(api, jsonMapper(), portfolio, Clock.systemUTC()));

        PolygonMode polygon = polygonMode(context);
        IngestionRuns runs = new IngestionRuns(database.dataSource(), metrics,
                RunOwner.of(instanceName, httpPort, Duration.parse(runLease)));
        runs.closeRunsOfEarlierLives();
        SeriesPlanner planner = new SeriesPlanner(new CoverageLedger(database.dataSource()), runs,
                new ExchangeCalendar(), Clock.systemUTC(), backfillFrom, Duration.parse(minuteOverlap),
                Duration.parse(dayOverlap), Duration.parse(staleAfter), Duration.parse(retryFailedAfter));
        // A daily jump no split explains: in the quality report, and a gauge re-counted as 1d bars are written.
        UnexplainedMoves unexplainedMoves = new UnexplainedMoves(database.dataSource(), splitAdjustments,
                Double.parseDouble(setting(properties, "quality.max-daily-move")));
        UnexplainedMoveGauge unexplainedMoveGauge = new UnexplainedMoveGauge(database.dataSource(), unexplainedMoves,
                Integer.parseInt(setting(properties, "quality.unexplained-move-days")), Clock.systemUTC(),
                meterRegistry);
        registry.bind("unexplainedMoveGauge", unexplainedMoveGauge);
        BarWriter barWriter = new BarWriter(new BarStore(database.dataSource(),
                List.of(storeGauges, unexplainedMoveGauge)), runs, metrics,
                Duration.parse(writeRetryFor), Duration.ofMillis(writeRetryDelayMillis));
        registry.bind("barWriter", barWriter);
        registry.bind("barWriterHealthCheck", new BarWriter.Health(barWriter));
        TickerRoutes tickerRoutes = new TickerRoutes(database.dataSource());
        registry.bind("ingestionRuns", runs);
        registry.bind("seriesPlanner", planner);
        registry.bind("barBatches", new BarBatches());
        Ingestion.PolygonSource source = new Ingestion.PolygonSource(polygon.baseUrl(), polygonPageLimit,
                polygonSplitsPageLimit);
        Ingestion ingestion = new Ingestion(runs, planner, source);
        registry.bind("ingestion", ingestion);
        registry.bind("splitChecks", new SplitChecks(database.dataSource(), source, new ExchangeCalendar(),
                Clock.systemUTC(), metrics, Duration.parse(runLease), Duration.parse(retryFailedAfter)));
        registry.bind("tickerRoutes", tickerRoutes);
        context.addStartupListener(tickerRoutes);
        registry.bind("polygonCall", new PolygonCall(polygon.apiKey(), jsonMapper(), polygonBudgetWindowMillis,
                polygonMaxRetryDelayMillis));
        // After polygonMode: the sandbox has a budget of its own.
        PolygonBudget budget = new PolygonBudget(database.dataSource(),
                Integer.parseInt(setting(properties, "polygon.requests-per-window")),
                Duration.ofMillis(polygonBudgetWindowMillis));
        registry.bind("polygonBudget", budget);
        context.getManagementStrategy().addEventNotifier(budget);
        PolygonMeter meter = new PolygonMeter(runs, metrics);
        registry.bind("polygonMeter", meter);
        registry.bind("polygonRetries", meter.retries());
        DeadLetters deadLetters = new DeadLetters(database.dataSource(), metrics);
        registry.bind("deadLetters", deadLetters);
        registry.bind("manualRuns", new ManualRuns(jsonMapper(), ingestion, planner, tickerRoutes, deadLetters,
                context.createProducerTemplate(), Clock.systemUTC()));
        DataQuality dataQuality = QualityConfiguration.bind(context, database.dataSource(), planner, tickerRoutes,
                unexplainedMoves);
        // The status page's coverage and gaps, re-checked by the status-quality-refresh route, never per render.
        RecentCoverage recentCoverage = new RecentCoverage(dataQuality,
                Integer.parseInt(setting(properties, "status.quality-days")));
        registry.bind("recentCoverage", recentCoverage);
        StatusReport statusReport = new StatusReport(database, api, tickerRoutes, runs, polygon.description());
        registry.bind("statusReport", statusReport);
        registry.bind("statusPage", new StatusPage(statusReport, storeGauges, recentCoverage, runs, deadLetters,
                api, splitAdjustments, Clock.systemUTC()));
        registry.bind("statusPageTemplate", new HtmlTemplate("status/page.mustache"));
    }

    /** A setting of application.properties, trimmed; its absence is a start-up error naming it. */
    private static String setting(PropertiesComponent properties, String name) {
        return properties.resolveProperty(name).orElseThrow(
                () -> new IllegalStateException(name + " is missing from application.properties")).trim();
    }

    /** The real Polygon when a key is configured; otherwise the built-in sandbox, said loudly. */
    private PolygonMode polygonMode(CamelContext context) throws Exception {
        if (polygonApiKey != null && !polygonApiKey.isBlank()) {
            return new PolygonMode(polygonBaseUrl, polygonApiKey, "polygon at " + polygonBaseUrl);
        }
        SandboxPolygonServer sandbox = new SandboxPolygonServer().start();
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                sandbox.stop();
            }
        }, true, true);
        LOG.warn(SANDBOX_BANNER, sandbox.baseUrl());
        // The sandbox has no plan to respect: a quicker budget lets the offline backfill finish in seconds.
        context.getPropertiesComponent().addOverrideProperty("polygon.requests-per-window",
                context.resolvePropertyPlaceholders("{{polygon.sandbox-requests-per-window}}"));
        return new PolygonMode(sandbox.baseUrl(), "sandbox", "sandbox (synthetic bars, not market data)");
    }

    /** Where bars come from: the base URL, the key to send, and how the status page names it. */
    private record PolygonMode(String baseUrl, String apiKey, String description) {
    }
}
