package tickertape.api;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.rest.RestEndpoint;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.SecurityDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import tickertape.keys.Role;

/**
 * The REST verbs as the REST DSL declares them in routes/: who may call each (its {@code security}
 * scopes) and what a call costs (by verb id, in application.properties), so one declaration drives
 * the OpenAPI document and enforcement.
 *
 * <p>The policy of the verb a request came in through is found by a scan of the model the first time,
 * then remembered by the request's route id until any route is added or removed (a reload of routes/
 * removes and adds the routes of the edited file), when the model is scanned again. The scan built
 * regular expressions for every verb, twice a request: a fifth of the latest-bar request's CPU.
 */
public class RestVerbs {
    /** The security definition every secured verb refers to ({@code security: - key: bearer}). */
    public static final String SECURITY_KEY = "bearer";
    static final String COST_PREFIX = "tickertape.api.rate-limit.cost.";

    private final ModelCamelContext context;
    private final Properties costs;
    /** Policies found, by the id of the route a request came in through; emptied on any route change. */
    private final Map<String, VerbPolicy> policies = new ConcurrentHashMap<>();

    public RestVerbs(CamelContext context) {
        this.context = (ModelCamelContext) context;
        this.costs = context.getPropertiesComponent().loadProperties(name -> name.startsWith(COST_PREFIX));
        context.getManagementStrategy().addEventNotifier(new ForgetPoliciesOnRouteChanges());
    }

    /** The policy of the verb an HTTP exchange came in through. */
    public VerbPolicy policyOf(Exchange exchange) {
        return policies.computeIfAbsent(exchange.getFromRouteId(), id -> find(exchange.getContext(), id));
    }

    /**
     * The verb is found by its method and path template, which its route's rest endpoint carries: the
     * route's id is not the verb's id when Camel inlines the verb's direct route (the direct route's id wins).
     */
    private VerbPolicy find(CamelContext camel, String routeId) {
        Route route = camel.getRoute(routeId);
        if (route != null && route.getEndpoint() instanceof RestEndpoint rest) {
            String path = join(rest.getPath(), rest.getUriTemplate());
            for (Verb verb : verbs()) {
                if (verb.method().equalsIgnoreCase(rest.getMethod()) && verb.path().equals(path)) {
                    return policy(verb.definition());
                }
            }
        }
        return VerbPolicy.unknown(routeId);
    }

    /** Every verb: its method, its full path template, and its policy (for the tests and the docs). */
    public List<Verb> verbs() {
        List<Verb> verbs = new ArrayList<>();
        for (RestDefinition rest : context.getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                String consumes = verb.getConsumes() != null ? verb.getConsumes() : rest.getConsumes();
                verbs.add(new Verb(verb.asVerb().toUpperCase(Locale.ROOT), join(rest.getPath(), verb.getPath()),
                        consumes, verb));
            }
        }
        return verbs;
    }

    /** The verbs whose path template fits this concrete path, whatever their method. */
    public List<Verb> verbsAt(String path) {
        return verbs().stream().filter(verb -> verb.matches(path)).toList();
    }

    public VerbPolicy policy(VerbDefinition verb) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        boolean secured = false;
        for (SecurityDefinition security : verb.getSecurity()) {
            if (SECURITY_KEY.equals(security.getKey())) {
                secured = true;
                roles.addAll(parseRoles(security.getScopes()));
            }
        }
        long cost = Long.parseLong(costs.getProperty(COST_PREFIX + verb.getId(), "1").trim());
        return new VerbPolicy(verb.getId(), secured, roles, cost);
    }

    private static Set<Role> parseRoles(String scopes) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (scopes != null) {
            for (String scope : scopes.split(",")) {
                if (!scope.isBlank()) {
                    roles.add(Role.parse(scope.trim()));
                }
            }
        }
        return roles;
    }

    private static String join(String base, String path) {
        String joined = (base == null ? "" : base) + (path == null ? "" : path);
        return ("/" + joined).replaceAll("/{2,}", "/");
    }

    /** Empties the remembered policies whenever a route is added or removed (a reload does both). */
    private final class ForgetPoliciesOnRouteChanges extends SimpleEventNotifierSupport {
        ForgetPoliciesOnRouteChanges() {
            // Route events only: anything else would have Camel build events per exchange for nothing.
            setIgnoreCamelContextEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreExchangeEvents(true);
            setIgnoreStepEvents(true);
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event.getType() == CamelEvent.Type.RouteAdded || event.getType() == CamelEvent.Type.RouteRemoved
                    || event.getType() == CamelEvent.Type.RouteReloaded;
        }

        @Override
        public void notify(CamelEvent event) {
            policies.clear();
        }
    }

    /**
     * One verb of the REST DSL.
     *
     * @param consumes the media types it accepts as a body (comma-separated), or null for any
     */
    public record Verb(String method, String path, String consumes, VerbDefinition definition) {

        public String id() {
            return definition.getId();
        }

        /** True when the concrete {@code requestPath} fits this verb's template ({@code {name}} = one segment). */
        public boolean matches(String requestPath) {
            String regex = Pattern.quote(path).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q");
            return requestPath.matches(regex);
        }
    }
}
