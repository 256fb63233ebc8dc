package tickertape.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import tickertape.keys.ApiKeys;
import tickertape.keys.FirstOpsKey;
import tickertape.keys.KeyAdmin;
import tickertape.keys.KeyAuthentication;
import tickertape.keys.KeyCache;
import tickertape.keys.KeyUses;
import tickertape.store.Database;

/**
 * Binds what routes/api.camel.yaml applies to every REST route: the guard (keys, roles, rate
 * limits) and the problem responses, with the authenticated keys in memory ({@code keyCache}, kept
 * honest by the configuration's ChangeListener); and issues the first ops key on a fresh store.
 */
public final class ApiPlatform {
    private ApiPlatform() {
    }

    public static void bind(CamelContext context, Database database, Path dataDirectory, ObjectMapper json)
            throws Exception {
        ApiKeys keys = new ApiKeys(database.dataSource());
        FirstOpsKey.issueIfNoKeys(keys, dataDirectory);
        RestVerbs verbs = new RestVerbs(context);
        RateLimits rateLimits = rateLimits(context, database);
        KeyCache keyCache = new KeyCache();
        KeyUses keyUses = new KeyUses(database.dataSource(), Clock.systemUTC(),
                Duration.ofMillis(Long.parseLong(setting(context, "tickertape.api.keys.last-used-write-millis"))));
        // Camel stops services in the reverse order of their adding: it stops before the database closes.
        context.addService(keyUses, true, true);

        Registry registry = context.getRegistry();
        registry.bind("apiKeys", keys);
        registry.bind("keyCache", keyCache);
        registry.bind("keyUses", keyUses);
        registry.bind("keyAdmin", new KeyAdmin(keys, keyCache, json));
        registry.bind("restVerbs", verbs);
        registry.bind("rateLimits", rateLimits);
        ApiErrors errors = new ApiErrors(json);
        registry.bind("apiGuard", new ApiGuard(verbs, new KeyAuthentication(keys, keyCache, keyUses), rateLimits, errors));
        registry.bind("apiErrors", errors);
        registry.bind("jsonResponse", new JsonResponse(json));
        registry.bind("responseHeaders", new ResponseHeaders());
        context.addStartupListener(new PlatformHttpProblems(verbs, json));
    }

    private static RateLimits rateLimits(CamelContext context, Database database) {
        RateLimits.Limits limits = new RateLimits.Limits(
                intProperty(context, "bot"), intProperty(context, "ml"), intProperty(context, "ops"),
                intProperty(context, "anonymous"),
                Duration.parse(property(context, "window")));
        String store = property(context, "store");
        return switch (store) {
            case "memory" -> RateLimits.inMemory(limits);
            case "postgresql" -> RateLimits.inPostgreSql(database.dataSource(), limits);
            default -> throw new IllegalArgumentException(
                    "tickertape.api.rate-limit.store must be memory or postgresql, not '" + store + "'");
        };
    }

    private static int intProperty(CamelContext context, String name) {
        return Integer.parseInt(property(context, name));
    }

    private static String property(CamelContext context, String name) {
        return setting(context, "tickertape.api.rate-limit." + name);
    }

    private static String setting(CamelContext context, String name) {
        return context.resolvePropertyPlaceholders("{{" + name + "}}").trim();
    }
}
