package tickertape.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.assertj.core.api.SoftAssertions;

/**
 * What every error answer of the API must be: RFC 9457 problem+json (Polygon's error body on the
 * Polygon-compatible path), saying nothing of our insides.
 */
final class Problems {
    /** Text that would mean a stack trace, an exception or SQL reached the client. */
    static final List<String> LEAKS = List.of("\tat ", "Exception", "exception", "java.", "org.apache", "org.postgresql",
            "SQLState", "ERROR:", "select ", "SELECT ", "insert into", "market_bar", "api_key", "Caused by");

    private Problems() {
    }

    static void assertProblem(SoftAssertions soft, String what, RawHttp.Answer answer, int status) {
        soft.assertThat(answer.status()).as(what + ": " + answer).isEqualTo(status);
        assertProblemShape(soft, what, answer);
    }

    /**
     * problem+json with type, title and the response's status, and no stack trace or SQL in the body;
     * on the Polygon-compatible path ({@code what} names the request) Polygon's error body instead.
     */
    static void assertProblemShape(SoftAssertions soft, String what, RawHttp.Answer answer) {
        if (what.contains(" /v2/aggs/")) {
            assertPolygonError(soft, what, answer);
            return;
        }
        soft.assertThat(answer.header("Content-Type")).as(what + ": content type of " + answer)
                .startsWith("application/problem+json");
        JsonNode problem;
        try {
            problem = answer.json();
        } catch (AssertionError e) {
            soft.fail(what + ": " + e.getMessage());
            return;
        }
        soft.assertThat(problem.path("type").asText()).as(what + ": type of " + answer).startsWith("https://");
        soft.assertThat(problem.path("title").asText()).as(what + ": title of " + answer).isNotBlank();
        soft.assertThat(problem.path("status").asInt()).as(what + ": status member of " + answer)
                .isEqualTo(answer.status());
        assertNoLeak(soft, what, answer.body());
    }

    /** Polygon's error body: {"status":"ERROR"|"NOT_AUTHORIZED"|"NOT_FOUND","request_id",("error"|"message")}. */
    static void assertPolygonError(SoftAssertions soft, String what, RawHttp.Answer answer) {
        soft.assertThat(answer.header("Content-Type")).as(what + ": content type of " + answer)
                .startsWith("application/json");
        JsonNode error;
        try {
            error = answer.json();
        } catch (AssertionError e) {
            soft.fail(what + ": " + e.getMessage());
            return;
        }
        boolean refused = answer.status() == 401 || answer.status() == 403;
        soft.assertThat(error.path("status").asText()).as(what + ": status member of " + answer)
                .isEqualTo(refused ? "NOT_AUTHORIZED" : answer.status() == 404 ? "NOT_FOUND" : "ERROR");
        soft.assertThat(error.path("request_id").asText()).as(what + ": request_id of " + answer).isNotBlank();
        soft.assertThat(error.path(refused || answer.status() == 404 ? "message" : "error").asText())
                .as(what + ": Polygon's words in " + answer).isNotBlank();
        assertNoLeak(soft, what, answer.body());
    }

    static void assertNoLeak(SoftAssertions soft, String what, String body) {
        for (String leak : LEAKS) {
            soft.assertThat(body).as(what + ": body leaks '" + leak + "'").doesNotContain(leak);
        }
    }

    static void assertProblem(String what, RawHttp.Answer answer, int status) {
        SoftAssertions soft = new SoftAssertions();
        assertProblem(soft, what, answer, status);
        soft.assertAll();
        assertThat(answer.status()).isEqualTo(status);
    }
}
