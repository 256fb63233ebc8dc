package tickertape.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.assertj.core.api.SoftAssertions;

/** What every error answer of the API must be: RFC 9457 problem+json, saying nothing of our insides. */
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

    /** problem+json with type, title and the response's status, and no stack trace or SQL in the body. */
    static void assertProblemShape(SoftAssertions soft, String what, RawHttp.Answer answer) {
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

    static void assertNoLeak(SoftAssertions soft, String what, String body) {
        for (String leak : LEAKS) {
            soft.assertThat(body).as(what + ": body leaks '" + leak + "'").doesNotContain(leak);
        }
    }

    static void assertProblem(RawHttp.Answer answer, int status) {
        SoftAssertions soft = new SoftAssertions();
        assertProblem(soft, "", answer, status);
        soft.assertAll();
        assertThat(answer.status()).isEqualTo(status);
    }
}
