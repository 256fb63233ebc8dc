package tickertape.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import tickertape.bars.LatestBarCache;
import tickertape.bars.SplitAdjustments;
import tickertape.database.ChangeListener;
import tickertape.database.Database;
import tickertape.keys.ApiKeys;
import tickertape.keys.FirstOpsKey;
import tickertape.keys.KeyAdmin;
import tickertape.keys.KeyAuthentication;
import tickertape.keys.KeyCache;
import tickertape.keys.KeyUses;
import tickertape.metrics.ApiLatency;
import tickertape.metrics.Metrics;

/**
 * What routes/api.camel.yaml applies to every REST route: the guard (keys, roles, rate limits) and the
 * problem responses; the authenticated keys the store keeps in memory, and the listener that forgets
 * them, the splits and the newest bars on every change announced by whichever process makes it.
 */
@Configuration
public class ApiConfiguration implements CamelConfiguration {
    /** The keys, and the first ops key on a fresh store. */
    @BindToRegistry("apiKeys")
    public ApiKeys apiKeys(@BeanInject("dataSource") DataSource dataSource,
                           @PropertyInject("tickertape.data-dir") String dataDirectory) throws Exception {
        ApiKeys keys = new ApiKeys(dataSource);
        FirstOpsKey.issueIfNoKeys(keys, Path.of(dataDirectory));
        return keys;
    }

    @BindToRegistry("keyCache")
    public KeyCache keyCache() {
        return new KeyCache();
    }

    @BindToRegistry("keyUses")
    public KeyUses keyUses(CamelContext context, @BeanInject("dataSource") DataSource dataSource, Clock clock,
                           @PropertyInject("tickertape.api.keys.last-used-write-millis") long writeMillis)
            throws Exception {
        KeyUses keyUses = new KeyUses(dataSource, clock, Duration.ofMillis(writeMillis));
        // Camel stops services in the reverse order of their adding: it stops before the database closes.
        context.addService(keyUses, true, true);
        return keyUses;
    }

    @BindToRegistry("keyAdmin")
    public KeyAdmin keyAdmin(ApiKeys keys, KeyCache keyCache, ObjectMapper json) {
        return new KeyAdmin(keys, keyCache, json);
    }

    /** The REST verbs, with each one's latency timed and the problems platform-http answers itself made JSON. */
    @BindToRegistry("restVerbs")
    public RestVerbs restVerbs(CamelContext context, Metrics metrics, ObjectMapper json) throws Exception {
        RestVerbs verbs = new RestVerbs(context);
        context.getManagementStrategy().addEventNotifier(new ApiLatency(metrics, verbs));
        context.addStartupListener(new PlatformHttpProblems(verbs, json));
        return verbs;
    }

    @BindToRegistry("rateLimits")
    public RateLimits rateLimits(@BeanInject("dataSource") DataSource dataSource,
                                 @PropertyInject("tickertape.api.rate-limit.bot") int bot,
                                 @PropertyInject("tickertape.api.rate-limit.ml") int ml,
                                 @PropertyInject("tickertape.api.rate-limit.ops") int ops,
                                 @PropertyInject("tickertape.api.rate-limit.anonymous") int anonymous,
                                 @PropertyInject("tickertape.api.rate-limit.window") String window,
                                 @PropertyInject("tickertape.api.rate-limit.store") String store) {
        RateLimits.Limits limits = new RateLimits.Limits(bot, ml, ops, anonymous, Duration.parse(window));
        return switch (store) {
            case "memory" -> RateLimits.inMemory(limits);
            case "postgresql" -> RateLimits.inPostgreSql(dataSource, limits);
            default -> throw new IllegalArgumentException(
                    "tickertape.api.rate-limit.store must be memory or postgresql, not '" + store + "'");
        };
    }

    @BindToRegistry("apiErrors")
    public ApiErrors apiErrors(ObjectMapper json) {
        return new ApiErrors(json);
    }

    @BindToRegistry("apiGuard")
    public ApiGuard apiGuard(RestVerbs verbs, ApiKeys keys, KeyCache keyCache, KeyUses keyUses, RateLimits rateLimits,
                             ApiErrors errors) {
        return new ApiGuard(verbs, new KeyAuthentication(keys, keyCache, keyUses), rateLimits, errors);
    }

    @BindToRegistry("jsonResponse")
    public JsonResponse jsonResponse(ObjectMapper json) {
        return new JsonResponse(json);
    }

    @BindToRegistry("responseHeaders")
    public ResponseHeaders responseHeaders() {
        return new ResponseHeaders();
    }

    /**
     * The one listener that tells the three caches (keys, splits, newest bars) of every change
     * announced by whichever process makes it, on a connection of its own.
     */
    @BindToRegistry("changeListener")
    public ChangeListener changeListener(CamelContext context, Database database, KeyCache keyCache,
                                         SplitAdjustments splitAdjustments, LatestBarCache latestBars,
                                         @PropertyInject("tickertape.change-listener.heartbeat") String heartbeat,
                                         @PropertyInject("tickertape.change-listener.max-reconnect-delay")
                                         String maxReconnectDelay) throws Exception {
        ChangeListener listener = new ChangeListener(
                () -> database.openDedicatedConnection("tickertape change listener"),
                List.of(keyCache, latestBars, splitAdjustments), Duration.parse(heartbeat),
                Duration.parse(maxReconnectDelay));
        context.addService(listener, true, true);
        return listener;
    }
}
