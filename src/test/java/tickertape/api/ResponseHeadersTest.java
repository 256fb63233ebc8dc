package tickertape.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tickertape.api.market.ApiTestSupport;
import tickertape.keys.ApiKeys;
import tickertape.keys.Role;

/**
 * No header of a response comes from the request: every REST verb the running context declares (read
 * through {@link RestVerbs}, so a new verb is covered without touching this test) is called with and
 * without a key, with query parameters and request headers named after response headers, each
 * carrying a value no response of ours could hold.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResponseHeadersTest extends ApiTestSupport {
    /** What a response header set from the request would carry. */
    private static final String PLANTED = "planted-by-the-client";
    /** Every header the API sets on purpose, and a few a browser or a cache would act on. */
    private static final List<String> TARGETS = List.of(
            "Location", "Cache-Control", "Content-Type", "Content-Language", "Content-Disposition", "ETag",
            "Last-Modified", "Link", "Vary", "Allow", "WWW-Authenticate", "Retry-After", "RateLimit",
            "RateLimit-Policy", "Content-Security-Policy", "Set-Cookie", "Access-Control-Allow-Origin",
            "Strict-Transport-Security", "Refresh", "X-Frame-Options", "Expires", "Pragma");

    @Test
    void noResponseHeaderComesFromTheQueryOrTheRequestHeaders() throws Exception {
        String opsKey = key(context.getRegistry().findSingleByType(ApiKeys.class), Role.OPS);
        RawHttp client = new RawHttp(httpPort, 1);
        SoftAssertions soft = new SoftAssertions();
        int calls = 0;
        for (RestVerbs.Verb verb : verbs().verbs()) {
            String path = AuthAndLimitsTest.concretePath(verb.path()) + "?ticker=SPY";
            for (String key : new String[] {null, opsKey}) {
                for (boolean inHeaders : new boolean[] {false, true}) {
                    RawHttp.Answer answer = client.send(verb.method(), inHeaders ? path : path + "&" + plantedQuery(),
                            headers(verb, key, inHeaders), body(verb));
                    String what = verb.method() + " " + verb.path() + (key == null ? " without" : " with") + " a key, planted in "
                            + (inHeaders ? "request headers" : "the query") + ": " + answer;
                    soft.assertThat(answer.status()).as(what).isLessThan(500);
                    soft.assertThat(planted(answer.headers())).as(what).isEmpty();
                    calls++;
                }
            }
        }
        soft.assertThat(calls).as("calls").isGreaterThanOrEqualTo(4 * 12);
        soft.assertAll();
    }

    /** The confirmed report: an open endpoint answered with the query's Location and Cache-Control. */
    @Test
    void theStatusEndpointSetsNoHeaderFromItsQuery() throws Exception {
        RawHttp.Answer answer = new RawHttp(httpPort, 2)
                .get("/api/v2/status?Location=https://evil.example&Cache-Control=public,max-age=31536000");
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        soft.assertThat(answer.headers()).as(answer.toString()).doesNotContainKey("location");
        soft.assertThat(answer.header("Cache-Control")).as(answer.toString()).isNull();
        soft.assertAll();
    }

    private static String plantedQuery() {
        return TARGETS.stream().map(name -> name + "=" + PLANTED).collect(Collectors.joining("&"));
    }

    private static List<String> headers(RestVerbs.Verb verb, String key, boolean planted) {
        List<String> headers = new ArrayList<>();
        if (key != null) {
            headers.add("Authorization: Bearer " + key);
        }
        if (planted) {
            // Content-Type is the one a request may carry for itself: a body verb's stays its real one
            TARGETS.stream().filter(name -> body(verb) == null || !name.equals("Content-Type"))
                    .forEach(name -> headers.add(name + ": " + PLANTED));
        }
        if (body(verb) != null) {
            headers.add("Content-Type: application/json");
        }
        return headers;
    }

    /** A body no handler accepts, so a body verb starts nothing. */
    private static byte[] body(RestVerbs.Verb verb) {
        return verb.method().equals("POST") || verb.method().equals("PUT") || verb.method().equals("PATCH")
                ? "[]".getBytes(StandardCharsets.UTF_8) : null;
    }

    private static Map<String, String> planted(Map<String, String> headers) {
        return headers.entrySet().stream().filter(header -> header.getValue().contains(PLANTED))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private RestVerbs verbs() {
        return context.getRegistry().lookupByNameAndType("restVerbs", RestVerbs.class);
    }
}
