package tickertape.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tickertape.api.market.ApiTestSupport;
import tickertape.keys.ApiKeys;
import tickertape.keys.IssuedKey;
import tickertape.keys.Role;

/**
 * Keys, roles and rate limits over real HTTP, for every REST verb the running context declares (read
 * through {@link RestVerbs}, so a verb added in any routes/ file is covered without touching this test).
 * Buckets are emptied by counting requests, never by waiting, and the class runs with a day-long
 * rate-limit window, so what refills while a test runs (quota / window per second) is nothing: no
 * assertion depends on how fast this machine is. Each test that needs a fresh anonymous bucket calls
 * from a loopback address of its own (127.0.0.N).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthAndLimitsTest extends ApiTestSupport {
    /** The verbs meant to be open; every other verb must ask for a key. */
    static final Set<String> OPEN_VERBS = Set.of("GET /", "GET /api/v2/status", "GET /api/docs");
    private static final Pattern RATE_LIMIT = Pattern.compile("\"([a-z]+)\";r=(\\d+);t=(\\d+)");
    private static final String LATEST = "/api/v2/data/market/latest?ticker=SPY&timeframe=1m";
    private static final String RANGE = "/api/v2/data/market?ticker=SPY&timeframe=1d&from=2025-01-02&to=2025-01-03";
    private static final String AGGS = "/v2/aggs/ticker/SPY/range/1/day/2025-01-02/2025-01-03";

    private static final long WINDOW_SECONDS = 86_400;

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        properties.put("tickertape.api.rate-limit.window", "PT" + WINDOW_SECONDS + "S");
        return properties;
    }

    @Test
    void onlyStatusTheStatusPageAndTheDocsAreOpen() throws Exception {
        Set<String> open = new TreeSet<>();
        for (RestVerbs.Verb verb : verbs().verbs()) {
            if (!verbs().policy(verb.definition()).secured()) {
                open.add(verb.method() + " " + verb.path());
            }
        }
        assertThat(open).as("verbs without a security element").isEqualTo(new TreeSet<>(OPEN_VERBS));

        RawHttp anonymous = client(2);
        SoftAssertions soft = new SoftAssertions();
        for (String path : List.of("/", "/api/v2/status", "/api/docs", "/api/openapi.json")) {
            RawHttp.Answer answer = anonymous.get(path);
            soft.assertThat(answer.status()).as("GET " + path + " without a key: " + answer).isEqualTo(200);
        }
        soft.assertAll();
    }

    @Test
    void everyVerbAsksForAKeyAndAdmitsExactlyItsRoles() throws Exception {
        ApiKeys apiKeys = apiKeys();
        IssuedKey revoked = apiKeys.issue(Role.OPS, "revoked in the matrix", 1_000_000);
        apiKeys.revoke(revoked.key().prefix());
        String unknown = "tt_ops_" + "A".repeat(43);
        int octet = 10;
        SoftAssertions soft = new SoftAssertions();
        List<String> covered = new ArrayList<>();
        for (RestVerbs.Verb verb : verbs().verbs()) {
            VerbPolicy policy = verbs().policy(verb.definition());
            if (!policy.secured()) {
                continue;
            }
            String what = verb.method() + " " + verb.path() + " (" + verb.id() + ")";
            covered.add(what);
            // one fresh anonymous bucket per verb: the matrix never meets the anonymous limit however many verbs there are
            RawHttp client = client(octet++);

            RawHttp.Answer noKey = call(client, verb, null);
            Problems.assertProblem(soft, what + " without a key", noKey, 401);
            soft.assertThat(noKey.header("WWW-Authenticate")).as(what + " challenge").startsWith("Bearer");
            for (String bad : List.of(unknown, "not-a-key", revoked.secret())) {
                RawHttp.Answer answer = call(client, verb, bad);
                Problems.assertProblem(soft, what + " with an unknown or revoked key", answer, 401);
                soft.assertThat(answer.header("WWW-Authenticate")).as(what + " challenge")
                        .startsWith("Bearer").contains("invalid_token");
            }
            for (Role role : Role.values()) {
                RawHttp.Answer answer = call(client, verb, key(apiKeys, role));
                if (policy.admits(role)) {
                    soft.assertThat(answer.status()).as(what + " with a " + role.code() + " key: " + answer)
                            .isNotIn(401, 403).isLessThan(500);
                } else {
                    Problems.assertProblem(soft, what + " with a " + role.code() + " key", answer, 403);
                    if (!what.contains(" /v2/aggs/")) {
                        soft.assertThat(answer.json().path("type").asText()).endsWith("/forbidden");
                    }
                }
            }
            soft.assertThat(policy.admits(Role.OPS)).as(what + " admits ops").isTrue();
        }
        soft.assertThat(covered).as("secured verbs").hasSizeGreaterThanOrEqualTo(9);
        soft.assertAll();
    }

    @Test
    void theIngestionAndDeadLetterVerbsAreOpsOnly() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (RestVerbs.Verb verb : verbs().verbs()) {
            if (verb.path().startsWith("/api/v2/data/ingest") || verb.path().startsWith("/api/v2/data/dead-letters")
                    || verb.path().startsWith("/api/v2/data/quality")) {
                VerbPolicy policy = verbs().policy(verb.definition());
                soft.assertThat(policy.secured()).as(verb.id()).isTrue();
                soft.assertThat(policy.admits(Role.BOT) || policy.admits(Role.ML)).as(verb.id() + " admits bot or ml")
                        .isFalse();
            }
        }
        soft.assertAll();
        RawHttp client = client(3);
        Problems.assertProblem("POST /api/v2/data/ingest", client.send("POST", "/api/v2/data/ingest", List.of("Content-Type: application/json"),
                "{}".getBytes(StandardCharsets.UTF_8)), 401);
        Problems.assertProblem("POST /api/v2/data/dead-letters/1/replay", client.send("POST", "/api/v2/data/dead-letters/1/replay", List.of(), new byte[0]), 401);
        Problems.assertProblem("GET /api/v2/data/dead-letters", client.get("/api/v2/data/dead-letters", "Authorization: Bearer " + key(apiKeys(), Role.BOT)),
                403);
        assertThat(client.get("/api/v2/data/ingest/status", "Authorization: Bearer " + key(apiKeys(), Role.OPS)).status())
                .isEqualTo(200);
    }

    @Test
    void aKeyIsReadFromBearerOrXApiKeyAndFromApiKeyOnlyOnThePolygonPath() throws Exception {
        String bot = key(apiKeys(), Role.BOT);
        RawHttp client = client(4);

        RawHttp.Answer bearer = client.get(LATEST, "Authorization: Bearer " + bot);
        assertThat(bearer.status()).isNotIn(401, 403);
        assertThat(bearer.headers()).as("request parameters are not echoed as response headers")
                .doesNotContainKeys("ticker", "timeframe", "authorization");
        assertThat(client.get(LATEST, "Authorization: bearer " + bot).status()).isNotIn(401, 403);
        assertThat(client.get(LATEST, "X-API-Key: " + bot).status()).isNotIn(401, 403);
        Problems.assertProblem("GET " + LATEST, client.get(LATEST + "&apiKey=" + bot), 401);
        Problems.assertProblem("GET " + LATEST, client.get(LATEST, "Authorization: Basic " + bot), 401);

        RawHttp.Answer polygon = client.get(AGGS + "?apiKey=" + bot);
        assertThat(polygon.status()).as(polygon.toString()).isEqualTo(200);
        assertThat(polygon.json().path("ticker").asText()).isEqualTo("SPY");
        assertThat(polygon.body()).doesNotContain(bot);
        assertThat(client.get(AGGS, "Authorization: Bearer " + bot).status()).isEqualTo(200);
        RawHttp.Answer noKey = client.get(AGGS);
        Problems.assertProblem("GET " + AGGS, noKey, 401);
        assertThat(noKey.json().path("status").asText()).as("Polygon's own refusal").isEqualTo("NOT_AUTHORIZED");
    }

    @Test
    void aKeysBucketEmptiesAtItsQuotaThen429WithRetryAfterAndRateLimitHeaders() throws Exception {
        int quota = 3;
        String tiny = apiKeys().issue(Role.BOT, "tiny quota", quota).secret();
        RawHttp client = client(5);

        List<RawHttp.Answer> answers = new ArrayList<>();
        for (int i = 0; i < quota + 3 && (answers.isEmpty() || answers.get(answers.size() - 1).status() != 429); i++) {
            answers.add(client.get(LATEST, "Authorization: Bearer " + tiny));
        }

        RawHttp.Answer refused = answers.get(answers.size() - 1);
        assertThat(refused.status()).as("no 429 within " + answers.size() + " requests: " + answers).isEqualTo(429);
        assertThat(answers).as("the quota's requests, then the 429").hasSize(quota + 1);
        for (int i = 0; i < quota; i++) {
            RawHttp.Answer admitted = answers.get(i);
            assertThat(admitted.status()).as(admitted.toString()).isNotIn(401, 403, 429);
            assertThat(admitted.header("RateLimit-Policy")).isEqualTo("\"key\";q=" + quota + ";w=" + WINDOW_SECONDS);
            assertThat(remaining(admitted)).isEqualTo(quota - 1 - i);
        }
        Problems.assertProblem("GET " + LATEST, refused, 429);
        assertThat(refused.json().path("type").asText()).endsWith("/rate-limited");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, WINDOW_SECONDS);
        assertThat(refused.header("RateLimit-Policy")).isEqualTo("\"key\";q=" + quota + ";w=" + WINDOW_SECONDS);
        Matcher rateLimit = RATE_LIMIT.matcher(refused.header("RateLimit"));
        assertThat(rateLimit.matches()).as(refused.header("RateLimit")).isTrue();
        assertThat(rateLimit.group(1)).isEqualTo("key");
        assertThat(Long.parseLong(rateLimit.group(2))).isZero();
        assertThat(Long.parseLong(rateLimit.group(3))).isBetween(1L, WINDOW_SECONDS);

        // another key is not affected; a key without its own quota has its role's
        RawHttp.Answer other = client.get(LATEST, "Authorization: Bearer " + key(apiKeys(), Role.ML));
        assertThat(other.status()).isNotEqualTo(429);
        String ownRole = apiKeys().issue(Role.BOT, "role quota", null).secret();
        assertThat(client.get(LATEST, "Authorization: Bearer " + ownRole).header("RateLimit-Policy"))
                .isEqualTo("\"bot\";q=" + property("tickertape.api.rate-limit.bot") + ";w=" + WINDOW_SECONDS);
    }

    @Test
    void rangeReadsTakeTheirConfiguredCost() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        RawHttp client = client(6);
        for (Map.Entry<String, String> verb : Map.of("api-market-range", RANGE, "api-polygon-aggs", AGGS).entrySet()) {
            int cost = Integer.parseInt(property("tickertape.api.rate-limit.cost." + verb.getKey()));
            soft.assertThat(cost).as(verb.getKey() + " costs more than a plain read").isGreaterThan(1);
            int quota = cost + cost / 2;
            String key = apiKeys().issue(Role.ML, "cost of " + verb.getKey(), quota).secret();

            RawHttp.Answer first = client.get(verb.getValue(), "Authorization: Bearer " + key);
            soft.assertThat(first.status()).as(verb.getKey() + " first: " + first).isEqualTo(200);
            soft.assertThat(remaining(first)).as(verb.getKey() + " left after one").isEqualTo(quota - cost);
            RawHttp.Answer second = client.get(verb.getValue(), "Authorization: Bearer " + key);
            soft.assertThat(second.status()).as(verb.getKey() + " second: " + second).isEqualTo(429);
            RawHttp.Answer cheap = client.get(LATEST, "Authorization: Bearer " + key);
            soft.assertThat(cheap.status()).as("a plain read still fits: " + cheap).isNotEqualTo(429);
            soft.assertThat(remaining(cheap)).isEqualTo(quota - cost - 1);
        }
        soft.assertAll();
    }

    @Test
    void requestsWithoutAValidKeyShareOneBucketPerClientAddress() throws Exception {
        int quota = Integer.parseInt(property("tickertape.api.rate-limit.anonymous"));
        RawHttp address = client(7);
        for (int i = 0; i < quota; i++) {
            RawHttp.Answer answer = address.get(LATEST);
            assertThat(answer.status()).as("request " + (i + 1) + ": " + answer).isEqualTo(401);
            assertThat(answer.header("RateLimit-Policy")).isEqualTo("\"anonymous\";q=" + quota + ";w=" + WINDOW_SECONDS);
        }

        RawHttp.Answer refused = address.get(LATEST);
        Problems.assertProblem("GET " + LATEST, refused, 429);
        assertThat(refused.header("Retry-After")).isNotNull();
        assertThat(address.get(LATEST, "Authorization: Bearer tt_bot_" + "B".repeat(43)).status())
                .as("guessing keys pays from the same bucket").isEqualTo(429);
        assertThat(address.get("/api/v2/status").status()).as("open endpoints too").isEqualTo(429);

        assertThat(client(8).get(LATEST).status()).as("another address has its own bucket").isEqualTo(401);
        assertThat(address.get(LATEST, "Authorization: Bearer " + key(apiKeys(), Role.BOT)).status())
                .as("a valid key pays from its own bucket").isNotIn(401, 429);
    }

    // ------------------------------------------------------------------------------------------

    /** Calls {@code verb} at a concrete path with {@code key} (or none); a body verb gets a JSON body no handler accepts. */
    private RawHttp.Answer call(RawHttp client, RestVerbs.Verb verb, String key) throws Exception {
        List<String> headers = new ArrayList<>();
        if (key != null) {
            headers.add("Authorization: Bearer " + key);
        }
        byte[] body = null;
        if (!verb.method().equals("GET") && !verb.method().equals("DELETE")) {
            headers.add("Content-Type: " + (verb.consumes() == null ? "application/json" : verb.consumes().split(",")[0]));
            body = "[]".getBytes(StandardCharsets.UTF_8);
        }
        // an unknown ticker keeps every admitted call cheap (a 400 or 404, no work started)
        return client.send(verb.method(), concretePath(verb.path()) + "?ticker=NOSUCH0", headers, body);
    }

    /** A verb's path template with each {parameter} filled in with a plausible value. */
    static String concretePath(String template) {
        Matcher parameter = Pattern.compile("\\{([^}/]+)}").matcher(template);
        StringBuilder path = new StringBuilder();
        while (parameter.find()) {
            String value = switch (parameter.group(1)) {
                case "ticker" -> "SPY";
                case "multiplier" -> "1";
                case "timespan" -> "day";
                case "from" -> "2025-01-02";
                case "to" -> "2025-01-03";
                default -> "1";
            };
            parameter.appendReplacement(path, value);
        }
        parameter.appendTail(path);
        return path.toString();
    }

    private static long remaining(RawHttp.Answer answer) {
        Matcher rateLimit = RATE_LIMIT.matcher(String.valueOf(answer.header("RateLimit")));
        assertThat(rateLimit.matches()).as("RateLimit header of " + answer).isTrue();
        return Long.parseLong(rateLimit.group(2));
    }

    RawHttp client(int lastOctet) {
        return new RawHttp(httpPort, lastOctet);
    }

    RestVerbs verbs() {
        return context.getRegistry().lookupByNameAndType("restVerbs", RestVerbs.class);
    }

    ApiKeys apiKeys() {
        return context.getRegistry().findSingleByType(ApiKeys.class);
    }

    String property(String name) {
        return context.resolvePropertyPlaceholders("{{" + name + "}}").trim();
    }
}
