package tickertape.api;

import io.vertx.core.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import tickertape.keys.ApiKey;
import tickertape.keys.KeyAuthentication;

/**
 * Runs first on every REST request (routes/api.camel.yaml intercepts {@code rest:*}): finds the
 * verb's policy in the REST model, recognises the caller's key, admits its role, and takes the
 * verb's cost from the caller's token bucket. A refusal is an {@link ApiProblem}: 401 (with
 * {@code WWW-Authenticate}), 403, or 429 (with {@code Retry-After}). The RateLimit headers go on
 * every answer.
 *
 * <p>A refusal is answered here, and the route stopped: the guard runs as an {@code interceptFrom}
 * step, which the route configuration's {@code onException} does not cover (its failures would reach
 * the client as a bare 500 echoing the request's headers). The same holds for a failure of the guard
 * itself (the key store unreachable): a problem 500, logged under the request id.
 *
 * <p>The key is taken from {@code Authorization: Bearer}, {@code X-API-Key}, or, on the
 * Polygon-compatible path only, {@code apiKey=} (Polygon's clients send it there); it is then
 * removed from the message, so no route, log line or response ever carries it.
 */
public class ApiGuard implements Processor {
    /** Polygon's clients put the key in the query; nowhere else is a key accepted from a URL. */
    static final String POLYGON_PATH = "/v2/aggs/";
    static final String API_KEY_PARAMETER = "apiKey";
    private static final String CHALLENGE = "Bearer realm=\"tickertape\"";
    /** Exchange property naming the rate limit (policy) that refused the request; counted by ApiLatency. */
    public static final String RATE_LIMITED = "tickertapeRateLimited";
    /** The exchange property naming the admitted client (its rate-limit bucket), for limits per client beyond the rate. */
    public static final String CLIENT = "tickertapeClient";

    private final RestVerbs verbs;
    private final KeyAuthentication keys;
    private final RateLimits rateLimits;
    private final ApiErrors errors;

    public ApiGuard(RestVerbs verbs, KeyAuthentication keys, RateLimits rateLimits, ApiErrors errors) {
        this.verbs = verbs;
        this.keys = keys;
        this.rateLimits = rateLimits;
        this.errors = errors;
    }

    /**
     * Admits the request, or answers its refusal and stops the route. The refusal is answered here
     * because an exception thrown by an interceptFrom step does not reach the route configuration's
     * onException: it would end as a bare 500.
     */
    @Override
    public void process(Exchange exchange) throws Exception {
        try {
            admit(exchange);
        } catch (Exception refusal) {
            errors.answer(exchange, refusal);
            exchange.setRouteStop(true);
        }
    }

    private void admit(Exchange exchange) throws SQLException {
        Message message = exchange.getMessage();
        VerbPolicy verb = verbs.policyOf(exchange);
        String presented = takeKey(message);
        Optional<ApiKey> key = presented == null ? Optional.empty() : keys.authenticate(presented);

        // Without a valid key the client's address pays, so guessing keys is rate-limited too.
        RateLimits.Client client = key.map(rateLimits::forKey)
                .orElseGet(() -> rateLimits.forAddress(clientAddress(message)));
        RateLimits.Decision decision = rateLimits.consume(client, verb.cost());
        RateLimitHeaders.write(message, decision);
        exchange.setProperty(CLIENT, client.bucketId());
        if (!decision.admitted()) {
            exchange.setProperty(RATE_LIMITED, client.policy());
            throw new ApiProblem(429, "rate-limited", "Too many requests", "This " + client.policy()
                    + " client may make " + client.limit() + " requests (tokens) per " + decision.window().toSeconds()
                    + " s; retry after " + decision.retryAfterSeconds() + " s.", null);
        }
        refuseNulCharacters(message);
        if (!verb.secured()) {
            return;
        }
        if (key.isEmpty()) {
            message.setHeader("WWW-Authenticate", presented == null ? CHALLENGE : CHALLENGE + ", error=\"invalid_token\"");
            throw new ApiProblem(401, "unauthorized", "Unauthorized", presented == null
                    ? "This endpoint needs an API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."
                    : "The API key is unknown or revoked.", null);
        }
        if (!verb.admits(key.get().role())) {
            throw new ApiProblem(403, "forbidden", "Forbidden", "A " + key.get().role().code()
                    + " key may not call this endpoint; it needs one of the roles " + verb.roles() + ".", null);
        }
    }

    /** A NUL can reach a route in a query parameter (%00), and no PostgreSQL text may hold one: a 400, not a 500. */
    private static void refuseNulCharacters(Message message) {
        message.getHeaders().forEach((name, value) -> {
            if (value instanceof String text && text.indexOf('\0') >= 0) {
                throw ApiProblem.invalidParameter(name, name + " may not contain a NUL character");
            }
        });
    }

    /**
     * The presented key, if any, after removing every place it could be read from later: its headers,
     * and the query as every request-line header holds it (query, raw query, URI, absolute URL).
     */
    static String takeKey(Message message) {
        String bearer = bearerToken(message.removeHeader("Authorization"));
        String header = text(message.removeHeader("X-API-Key"));
        String query = text(message.removeHeader(API_KEY_PARAMETER));
        scrubQuery(message, Exchange.HTTP_QUERY);
        scrubQuery(message, Exchange.HTTP_RAW_QUERY);
        scrubTarget(message, Exchange.HTTP_URI);
        scrubTarget(message, Exchange.HTTP_URL);
        if (bearer != null) {
            return bearer;
        }
        if (header != null) {
            return header;
        }
        String path = message.getHeader(Exchange.HTTP_PATH, "", String.class);
        return path.startsWith(POLYGON_PATH) ? query : null;
    }

    private static String bearerToken(Object authorization) {
        String value = text(authorization);
        if (value == null || !value.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            return null;
        }
        return value.substring("bearer ".length()).trim();
    }

    /** A header's single value; a repeated header (or one also given as a query parameter) is not a key. */
    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s.trim() : null;
    }

    /** A header holding a query string alone (CamelHttpQuery, CamelHttpRawQuery). */
    private static void scrubQuery(Message message, String header) {
        String query = message.getHeader(header, String.class);
        if (query != null) {
            message.setHeader(header, withoutApiKey(query));
        }
    }

    /** A header holding a request target whose query follows a '?' (CamelHttpUri, CamelHttpUrl). */
    private static void scrubTarget(Message message, String header) {
        String target = message.getHeader(header, String.class);
        int question = target == null ? -1 : target.indexOf('?');
        if (question >= 0) {
            String query = withoutApiKey(target.substring(question + 1));
            message.setHeader(header, target.substring(0, question) + (query.isEmpty() ? "" : "?" + query));
        }
    }

    /**
     * The query without its apiKey parameters. A parameter's name is compared decoded and in any case,
     * as Vert.x decodes it into the apiKey header: {@code api%4Bey=} is a key too.
     */
    private static String withoutApiKey(String query) {
        return Arrays.stream(query.split("&"))
                .filter(pair -> !pair.isEmpty() && !API_KEY_PARAMETER.equalsIgnoreCase(decodedName(pair)))
                .collect(Collectors.joining("&"));
    }

    private static String decodedName(String pair) {
        String name = pair.substring(0, pair.indexOf('=') < 0 ? pair.length() : pair.indexOf('='));
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return name; // a malformed escape: no name Vert.x would decode to apiKey
        }
    }

    private static String clientAddress(Message message) {
        SocketAddress remote = message.getHeader("CamelVertxPlatformHttpRemoteAddress", SocketAddress.class);
        return remote == null ? "unknown" : remote.hostAddress();
    }
}
