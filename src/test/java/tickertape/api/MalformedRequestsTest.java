package tickertape.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.model.rest.ParamDefinition;
import org.apache.camel.model.rest.RestParamType;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tickertape.api.market.ApiTestSupport;
import tickertape.keys.ApiKeys;
import tickertape.keys.Role;

/**
 * A generated corpus of malformed requests against every REST verb of the running context (bad
 * percent-encodings, overlong UTF-8, huge and negative numbers, injection strings, wrong JSON types,
 * truncated bodies, oversized bodies, wrong media types and verbs, unknown paths), sent with an ops
 * key so they reach the handlers. Whatever the input: never a 5xx, and every error is
 * application/problem+json with type, title and status, and no stack trace or SQL in it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestsTest extends ApiTestSupport {
    /** Two verbs that take a JSON body, of two route files: each sweep over the verbs must have met them. */
    private static final String INGEST = "POST /api/v2/data/ingest";
    private static final String PREDICTIONS = "POST /api/predictions";
    /** Values that are each wrong in their own way, ready to put in a query string or a path segment. */
    static final List<String> EVIL_VALUES = List.of(
            "", "%ZZ", "%", "%G1", "%C0%AF", "%E0%80%AF", "%F0%80%80%AF", "%FF%FE", "%00", "%0D%0ASet-Cookie:%20x=1",
            "99999999999999999999999999", "999999999999999", "-1", "0", "-9223372036854775809", "1e309", "NaN",
            "1.5", "0x10", "2025-02-30", "0000-01-01", "9999-12-31T23:59:59Z", "2025-01-02T25:00:00Z",
            "%27%20or%201=1--", "'%20or%201=1--", "1;%20drop%20table%20x--", "%3Cscript%3Ealert(1)%3C/script%3E",
            "%24%7Bjndi:ldap://x/a%7D", "..%2F..%2Fetc%2Fpasswd", "SPY%00", "%E2%80%AE%F0%9F%92%A5", "A".repeat(3000),
            // boundaries: the limits of int and long, just past them, and doubles that are no number
            "2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "1e308", "-1e308", "Infinity", "-Infinity", "4.9e-324", "100001", "1000001",
            // dates and instants: far future and far past, as dates, instants and Unix milliseconds
            "%2B300000-01-01T00:00:00Z", "-300000-01-01T00:00:00Z", "%2B1000000000-12-31T23:59:59Z", "9999-12-31",
            "1000-01-01", "0001-01-01T00:00:00Z", "1969-12-31", "1969-12-31T23:59:59Z", "2999-12-31T23:59:59Z",
            "99999999999999", "253402300800000", "-62135596800000",
            // cursors of this server's shapes that decode to the limits of long, overflows and negatives
            "OTIyMzM3MjAzNjg1NDc3NTgwNw", "LTkyMjMzNzIwMzY4NTQ3NzU4MDg", "OTk5OTk5OTk5OTk5OTk5OTk5OTk", "LTE", "MjUzNDAyMzAwODAwMDAw", "OTIyMzM3MjAzNjg1NDc3NTgwNy4w", "LTYyMTM1NTk2ODAwMDAwLjA", "MWUxOA");
    /** Path segments: the values that can stand in a path at all. */
    static final List<String> EVIL_SEGMENTS = EVIL_VALUES.stream().filter(value -> !value.isEmpty()).toList();
    /** Plausible values for each parameter, so a mutation of one parameter is what the handler sees. */
    static final Map<String, String> BASE_VALUES = Map.of(
            "ticker", "SPY", "timeframe", "1d", "from", "2025-01-02", "to", "2025-01-03", "multiplier", "1",
            "timespan", "day", "id", "1", "limit", "10");
    /** JSON bodies of the wrong shape, and bodies that are not JSON at all. */
    static final List<String> EVIL_BODIES = List.of(
            "", " ", "{", "{\"tickers\":[\"SP", "[", "\"text\"", "123", "null", "true", "{}x", "{\"a\":}",
            "{\"tickers\":\"SPY\"}", "{\"tickers\":[1,2]}", "{\"tickers\":[null]}", "{\"tickers\":[]}",
            "{\"timeframes\":[\"2m\"]}", "{\"from\":123}", "{\"from\":\"yesterday\"}", "{\"from\":{\"$gt\":1}}",
            "{\"tickers\":[\"' or 1=1--\"]}", "{\"tickers\":[\"<script>\"]}", "{\"tickers\":1e999999}",
            "{\"tickers\":[\"SPY\"],\"timeframes\":\"NaN\"}", "{\"tickers\":[\"SPY\"],\"from\":-99999999999999999999}", "[{\"ticker\":123}]", "[{}]", "{\"tickers\":[\"SPY\"],\"from\":\"2025-13-45\"}",
            "[" + "[".repeat(5000) + "]".repeat(5000) + "]", "{\"tickers\":[\"" + "\\u0000".repeat(10) + "\"]}",
            "{\"tickers\":[\"SPY\"],\"to\":\"2025-01-01\",\"from\":\"2025-01-02\"}",
            // boundaries in bodies of each shape: far-future and far-past instants, numbers at and past their limits
            "{\"tickers\":[\"SPY\"],\"from\":\"+300000-01-01\",\"to\":\"+300001-01-01\"}",
            "{\"tickers\":[\"SPY\"],\"from\":\"-300000-01-01T00:00:00Z\"}",
            "[{\"ticker\":\"SPY\",\"timeframe\":\"1d\",\"ts\":\"+300000-01-01T00:00:00Z\",\"name\":\"x\",\"value\":1}]",
            "[{\"ticker\":\"SPY\",\"timeframe\":\"1d\",\"ts\":\"-300000-01-01T00:00:00Z\",\"name\":\"x\",\"value\":1e308}]",
            "[{\"model\":\"m\",\"version\":\"1\",\"ticker\":\"SPY\",\"timeframe\":\"1d\",\"ts\":\"+300000-01-01T00:00:00Z\","
                    + "\"horizon\":1,\"predictedReturn\":0.1,\"confidence\":0.5}]",
            "[{\"model\":\"m\",\"version\":\"1\",\"ticker\":\"SPY\",\"timeframe\":\"1d\",\"ts\":\"2025-01-02T05:00:00Z\","
                    + "\"horizon\":2147483648,\"predictedReturn\":1e308,\"predictedPrice\":-1e308,\"confidence\":1e308}]",
            "{\"clientOrderId\":\"boundary-1\",\"ticker\":\"SPY\",\"side\":\"buy\",\"qty\":1,\"price\":1,\"fee\":0,"
                    + "\"executedAt\":\"+300000-01-01T00:00:00Z\"}",
            "{\"clientOrderId\":\"boundary-2\",\"ticker\":\"SPY\",\"side\":\"buy\",\"qty\":1,\"price\":1,\"fee\":0,"
                    + "\"executedAt\":\"-300000-01-01T00:00:00Z\",\"predictionId\":9223372036854775807}",
            "{\"clientOrderId\":\"boundary-3\",\"ticker\":\"SPY\",\"side\":\"sell\",\"qty\":1e308,\"price\":1e308,\"fee\":1e308}",
            "{\"clientOrderId\":\"boundary-4\",\"ticker\":\"SPY\",\"side\":\"buy\",\"qty\":1e-308,\"price\":1,\"fee\":0,"
                    + "\"predictionId\":-9223372036854775809}",
            "{\"name\":\"m\",\"version\":\"1\",\"kind\":\"k\",\"params\":{},\"metrics\":{\"auc\":1e309},\"status\":\"active\"}",
            "{\"role\":\"ml\",\"name\":\"boundary\",\"requestsPerMinute\":9223372036854775807}",
            "{\"role\":\"ml\",\"name\":\"boundary\",\"requestsPerMinute\":-1}");

    private String opsKey;

    @Test
    void noInputMakesAnyVerbFail() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        RawHttp client = new RawHttp(httpPort, 1);
        int requests = 0;
        for (RestVerbs.Verb verb : verbs().verbs()) {
            Set<String> queryParameters = queryParameters(verb);
            // each query parameter (declared or commonly read), one wrong value at a time
            for (String parameter : queryParameters) {
                for (String value : EVIL_VALUES) {
                    Map<String, String> query = baseQuery(queryParameters);
                    query.put(parameter, value);
                    check(soft, client, verb, fill(verb.path(), Map.of()) + "?" + join(query), null);
                    requests++;
                }
            }
            // each path parameter, one wrong segment at a time
            for (String parameter : pathParameters(verb.path())) {
                for (String value : EVIL_SEGMENTS) {
                    check(soft, client, verb, fill(verb.path(), Map.of(parameter, value)) + "?" + join(baseQuery(queryParameters)),
                            null);
                    requests++;
                }
            }
            // bodies, for the verbs that take one
            if (takesBody(verb)) {
                for (String body : EVIL_BODIES) {
                    check(soft, client, verb, fill(verb.path(), Map.of()) + "?ticker=NOSUCH0", body.getBytes(StandardCharsets.UTF_8));
                    requests++;
                }
                check(soft, client, verb, fill(verb.path(), Map.of()) + "?ticker=NOSUCH0",
                        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, (byte) 0xFF, '"', '}'});
                requests++;
            }
        }
        soft.assertThat(requests).as("requests in the corpus").isGreaterThan(500);
        soft.assertAll();
    }

    /**
     * Instants outside 1970..2200 are a 400 naming the parameter, on every verb that reads one: the two
     * reported 500s (a Polygon cursor of Long.MAX_VALUE ms, a year-300000 {@code to}) and their kin.
     */
    @Test
    void instantsOutsideTheSupportedRangeAre400() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        RawHttp client = new RawHttp(httpPort, 7);
        String aggs = "/v2/aggs/ticker/SPY/range/1/day/";
        for (String path : List.of(aggs + "2025-01-02/2025-01-03?cursor=OTIyMzM3MjAzNjg1NDc3NTgwNw",
                aggs + "2025-01-02/2025-01-03?cursor=LTE", aggs + "1969-12-31/2025-01-03", aggs + "2025-01-02/2200-01-02",
                aggs + "2025-01-02/99999999999999")) {
            RawHttp.Answer answer = client.get(path, "Authorization: Bearer " + opsKey());
            Problems.assertProblem(soft, "GET " + path, answer, 400);
        }
        int checked = 0;
        for (RestVerbs.Verb verb : verbs().verbs()) {
            Set<String> parameters = queryParameters(verb);
            for (String parameter : List.of("from", "to")) {
                if (!verb.method().equals("GET") || !parameters.contains(parameter)) {
                    continue;
                }
                for (String value : List.of("1969-12-31T23:59:59Z", "2200-01-01T00:00:01Z", "%2B300000-01-01T00:00:00Z")) {
                    Map<String, String> query = baseQuery(parameters);
                    query.put(parameter, value);
                    String target = fill(verb.path(), Map.of()) + "?" + join(query);
                    RawHttp.Answer answer = client.get(target, "Authorization: Bearer " + opsKey());
                    Problems.assertProblem(soft, "GET " + target, answer, 400);
                    soft.assertThat(answer.json().path("parameter").asText()).as("GET " + target).isEqualTo(parameter);
                    checked++;
                }
            }
        }
        soft.assertThat(checked).as("from and to parameters checked").isGreaterThanOrEqualTo(3 * 6);
        soft.assertAll();
    }

    @Test
    void oddHeadersAndBrokenPathsAreRefusedAsProblems() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        RawHttp client = new RawHttp(httpPort, 2);
        List<List<String>> headerSets = List.of(
                List.of("Authorization: Bearer"), List.of("Authorization: Bearer " + "x".repeat(6000)),
                List.of("Authorization: Bearer tt_ops_" + "é".repeat(43)), List.of("Authorization: Basic Zm9vOmJhcg=="),
                List.of("X-API-Key: ' or 1=1--"), List.of("Authorization: Bearer " + opsKey(), "Accept: application/xml"),
                List.of("Authorization: Bearer " + opsKey(), "Accept: ../../../etc/passwd"),
                List.of("Authorization: Bearer " + opsKey(), "If-None-Match: \"" + "W".repeat(3000) + "\""));
        for (RestVerbs.Verb verb : verbs().verbs()) {
            String path = fill(verb.path(), Map.of()) + "?" + join(baseQuery(queryParameters(verb)));
            for (List<String> headers : headerSets) {
                RawHttp.Answer answer = client.send(verb.method(), path, headers, takesBody(verb) ? "[]".getBytes() : null);
                assertSane(soft, verb.method() + " " + path + " " + headers, answer);
            }
        }
        for (String path : List.of("/%ZZ", "/api/%ZZ/status", "/api/v2/data/market/%C0%AF", "/api/v2/%00",
                "/api/v2/data/market/latest/../../../../etc/passwd", "/api/v2/data/market?ticker=%ZZ%ZZ&&&==",
                "/" + "a/".repeat(2000), "/api/v2/status?" + "a=1&".repeat(3000), "//api//v2//status", "/api/v2/status/")) {
            RawHttp.Answer answer = client.get(path, "Authorization: Bearer " + opsKey());
            assertSane(soft, "GET " + path, answer);
        }
        soft.assertAll();
    }

    @Test
    void bodiesOverTheLimitAre413() throws Exception {
        long maxBody = Long.parseLong(context.resolvePropertyPlaceholders("{{camel.server.max-body-size}}").trim());
        byte[] huge = new byte[(int) maxBody + 1024];
        Arrays.fill(huge, (byte) ' ');
        huge[0] = '[';
        huge[huge.length - 1] = ']';
        SoftAssertions soft = new SoftAssertions();
        List<String> checked = new ArrayList<>();
        for (RestVerbs.Verb verb : verbs().verbs()) {
            if (takesBody(verb)) {
                RawHttp.Answer answer = new RawHttp(httpPort, 3).send(verb.method(), fill(verb.path(), Map.of()),
                        List.of("Authorization: Bearer " + opsKey(), "Content-Type: " + mediaType(verb)), huge);
                Problems.assertProblem(soft, verb.method() + " " + verb.path() + " with " + huge.length + " bytes", answer, 413);
                checked.add(verb.method() + " " + verb.path());
            }
        }
        soft.assertThat(checked).as("verbs that take a body").contains(INGEST, PREDICTIONS);
        soft.assertAll();
    }

    @Test
    void aMediaTypeAVerbDoesNotConsumeIs415() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        Set<String> checked = new TreeSet<>();
        for (RestVerbs.Verb verb : verbs().verbs()) {
            if (verb.consumes() != null) {
                for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded", "%ZZ")) {
                    RawHttp.Answer answer = new RawHttp(httpPort, 4).send(verb.method(), fill(verb.path(), Map.of()),
                            List.of("Authorization: Bearer " + opsKey(), "Content-Type: " + type),
                            "{}".getBytes(StandardCharsets.UTF_8));
                    Problems.assertProblem(soft, verb.method() + " " + verb.path() + " as " + type, answer, 415);
                    checked.add(verb.method() + " " + verb.path());
                }
            }
        }
        soft.assertThat(checked).as("verbs that declare consumes").contains(INGEST, PREDICTIONS);
        soft.assertAll();
    }

    @Test
    void aVerbAPathDoesNotServeIs405WithAllow() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        Map<String, Set<String>> methodsAt = new LinkedHashMap<>();
        for (RestVerbs.Verb verb : verbs().verbs()) {
            methodsAt.computeIfAbsent(fill(verb.path(), Map.of()), path -> new TreeSet<>()).add(verb.method());
        }
        for (Map.Entry<String, Set<String>> path : methodsAt.entrySet()) {
            // a path also matched by another verb's template (e.g. /ingest/status and /ingest/{id}) answers for both
            Set<String> allowed = new TreeSet<>();
            verbs().verbsAt(path.getKey()).forEach(verb -> allowed.add(verb.method()));
            for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH")) {
                if (allowed.contains(method)) {
                    continue;
                }
                RawHttp.Answer answer = new RawHttp(httpPort, 5).send(method, path.getKey(),
                        List.of("Authorization: Bearer " + opsKey(), "Content-Type: application/json"), "{}".getBytes());
                Problems.assertProblem(soft, method + " " + path.getKey(), answer, 405);
                soft.assertThat(answer.header("Allow")).as(method + " " + path.getKey() + " Allow")
                        .isEqualTo(String.join(", ", allowed));
            }
        }
        soft.assertAll();
    }

    @Test
    void anUnknownPathIs404() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (String path : List.of("/nope", "/api/v2/nope", "/api/v2/data/market/latest/extra", "/v2/aggs/ticker/SPY",
                "/api/v3/status", "/api/v2/data/ingest/1/extra", "/favicon.ico")) {
            for (String key : new String[] {null, opsKey()}) {
                RawHttp.Answer answer = new RawHttp(httpPort, 6).get(path,
                        key == null ? new String[0] : new String[] {"Authorization: Bearer " + key});
                Problems.assertProblem(soft, "GET " + path, answer, 404);
            }
        }
        soft.assertAll();
    }

    // ------------------------------------------------------------------------------------------

    private void check(SoftAssertions soft, RawHttp client, RestVerbs.Verb verb, String target, byte[] body)
            throws Exception {
        List<String> headers = new ArrayList<>(List.of("Authorization: Bearer " + opsKey()));
        if (body == null && takesBody(verb)) {
            // query and path mutations of a body verb: a body no handler accepts, so nothing is started
            body = "[]".getBytes(StandardCharsets.UTF_8);
        }
        if (body != null) {
            headers.add("Content-Type: " + mediaType(verb));
        }
        RawHttp.Answer answer = client.send(verb.method(), target, headers, body);
        String what = verb.method() + " " + abbreviate(target) + (body == null ? "" : " body " + abbreviate(
                new String(body, StandardCharsets.UTF_8)));
        assertSane(soft, what, answer);
    }

    /**
     * Not a 5xx; an error is a problem; no header set from the request; nothing of ours leaks. The one
     * exception to "a problem": a request line over 4 KiB (414) or headers over 8 KiB (431), which Vert.x's
     * HTTP decoder refuses with an empty body before any handler of ours can run.
     */
    static void assertSane(SoftAssertions soft, String what, RawHttp.Answer answer) {
        soft.assertThat(answer.status()).as(what + ": " + answer).isLessThan(500);
        soft.assertThat(answer.headers()).as(what + ": response headers").doesNotContainKeys("set-cookie", "x");
        if (answer.status() == 414 || answer.status() == 431) {
            soft.assertThat(answer.body()).as(what + ": decoder refusal body").isEmpty();
        } else if (answer.status() >= 400) {
            Problems.assertProblemShape(soft, what, answer);
        } else {
            Problems.assertNoLeak(soft, what, answer.body().length() > 100_000 ? "" : answer.body());
        }
    }

    private static boolean takesBody(RestVerbs.Verb verb) {
        return verb.method().equals("POST") || verb.method().equals("PUT") || verb.method().equals("PATCH");
    }

    private static String mediaType(RestVerbs.Verb verb) {
        return verb.consumes() == null ? "application/json" : verb.consumes().split(",")[0].trim();
    }

    /** The declared query parameters, and those the handlers read without declaring them. */
    private static Set<String> queryParameters(RestVerbs.Verb verb) {
        Set<String> names = new LinkedHashSet<>();
        for (ParamDefinition param : verb.definition().getParams()) {
            if (param.getType() == RestParamType.query) {
                names.add(param.getName());
            }
        }
        if (verb.method().equals("GET")) {
            names.add("limit");
            names.add("cursor");
        }
        names.add("zzz");
        return names;
    }

    private static Map<String, String> baseQuery(Set<String> parameters) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String parameter : parameters) {
            if (BASE_VALUES.containsKey(parameter)) {
                query.put(parameter, BASE_VALUES.get(parameter));
            }
        }
        return query;
    }

    private static String join(Map<String, String> query) {
        List<String> pairs = new ArrayList<>();
        query.forEach((name, value) -> pairs.add(name + "=" + value));
        return String.join("&", pairs);
    }

    private static List<String> pathParameters(String template) {
        List<String> names = new ArrayList<>();
        Matcher parameter = Pattern.compile("\\{([^}/]+)}").matcher(template);
        while (parameter.find()) {
            names.add(parameter.group(1));
        }
        return names;
    }

    /** The template with {@code overrides} and otherwise the base value of each path parameter. */
    private static String fill(String template, Map<String, String> overrides) {
        Matcher parameter = Pattern.compile("\\{([^}/]+)}").matcher(template);
        StringBuilder path = new StringBuilder();
        while (parameter.find()) {
            String name = parameter.group(1);
            String value = overrides.getOrDefault(name, BASE_VALUES.getOrDefault(name, "1"));
            parameter.appendReplacement(path, Matcher.quoteReplacement(value));
        }
        parameter.appendTail(path);
        return path.toString();
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…(" + text.length() + ")" : text;
    }

    private RestVerbs verbs() {
        return context.getRegistry().lookupByNameAndType("restVerbs", RestVerbs.class);
    }

    private String opsKey() throws Exception {
        if (opsKey == null) {
            opsKey = context.getRegistry().findSingleByType(ApiKeys.class)
                    .issue(Role.OPS, "malformed requests", 100_000_000).secret();
        }
        return opsKey;
    }

    @Test
    void theCorpusCoversEveryVerb() {
        assertThat(verbs().verbs()).extracting(verb -> verb.method().toUpperCase(Locale.ROOT) + " " + verb.path())
                .hasSizeGreaterThanOrEqualTo(12);
    }
}
