package tickertape.polygon;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tickertape.logging.SecretMask;
import tickertape.market.ExchangeCalendar;
import tickertape.metrics.Metrics;
import tickertape.metrics.PolygonResponses;
import tickertape.sandbox.SandboxPolygonServer;

/**
 * What routes/polygon.camel.yaml sends every Polygon request through: the source (Polygon, or the
 * built-in sandbox when no key is set), the request budget shared by every instance, the call itself
 * (key, retries, response reading), and the dead letters a request is parked in after its last attempt.
 */
@Configuration
public class PolygonConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(PolygonConfiguration.class);
    private static final String SANDBOX_BANNER = """

            ****************************************************************************************
              No POLYGON_API_KEY: using the built-in SANDBOX source of synthetic bars at {}.
              These are NOT market prices. Set POLYGON_API_KEY to ingest real data from Polygon.
            ****************************************************************************************""";

    /**
     * Where bars come from: the base URL, the key to send, how the status page names the source, and
     * the requests allowed per budget window against it.
     */
    public record PolygonMode(String baseUrl, String apiKey, String description, int requestsPerWindow) {
    }

    /** The real Polygon when a key is configured; otherwise the built-in sandbox, started here and said loudly. */
    @BindToRegistry("polygonMode")
    public PolygonMode polygonMode(CamelContext context, Clock clock, ExchangeCalendar calendar,
                                   @PropertyInject("polygon.api-key") String apiKey,
                                   @PropertyInject("polygon.base-url") String baseUrl,
                                   @PropertyInject("polygon.requests-per-window") int requestsPerWindow,
                                   @PropertyInject("polygon.sandbox-requests-per-window") int sandboxRequestsPerWindow)
            throws Exception {
        if (apiKey != null && !apiKey.isBlank()) {
            // The key as resolved, however it was given: no log line may hold it (logback.xml's %mask).
            SecretMask.register(apiKey);
            return new PolygonMode(baseUrl, apiKey, "polygon at " + baseUrl, requestsPerWindow);
        }
        SandboxPolygonServer sandbox = new SandboxPolygonServer(clock, calendar, false).start();
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                sandbox.stop();
            }
        }, true, true);
        LOG.warn(SANDBOX_BANNER, sandbox.baseUrl());
        // The sandbox has no plan to respect: a quicker budget lets the offline backfill finish in seconds.
        return new PolygonMode(sandbox.baseUrl(), "sandbox", "sandbox (synthetic bars, not market data)",
                sandboxRequestsPerWindow);
    }

    /** The budget, told by Camel of each request sent so that it counts every one, retries included. */
    @BindToRegistry("polygonBudget")
    public PolygonBudget polygonBudget(CamelContext context, PolygonMode mode,
                                       @BeanInject("dataSource") DataSource dataSource,
                                       @PropertyInject("polygon.budget-window-millis") long windowMillis) {
        PolygonBudget budget = new PolygonBudget(dataSource, mode.requestsPerWindow(), Duration.ofMillis(windowMillis));
        context.getManagementStrategy().addEventNotifier(budget);
        return budget;
    }

    /** The call, with each of Polygon's responses counted by status. */
    @BindToRegistry("polygonCall")
    public PolygonCall polygonCall(CamelContext context, PolygonMode mode, ObjectMapper json, Metrics metrics,
                                   @PropertyInject("polygon.budget-window-millis") long budgetWindowMillis,
                                   @PropertyInject("polygon.max-retry-delay-millis") long maxRetryDelayMillis,
                                   @PropertyInject("polygon.http-endpoint") String httpEndpoint) {
        context.getManagementStrategy().addEventNotifier(new PolygonResponses(metrics, httpEndpoint));
        return new PolygonCall(mode.apiKey(), json, budgetWindowMillis, maxRetryDelayMillis);
    }

    @BindToRegistry("deadLetters")
    public DeadLetters deadLetters(@BeanInject("dataSource") DataSource dataSource, Metrics metrics) {
        return new DeadLetters(dataSource, metrics);
    }
}
