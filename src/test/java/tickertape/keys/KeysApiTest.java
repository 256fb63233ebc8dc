package tickertape.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tickertape.api.market.ApiTestSupport;

/** Key management over REST: an ops key issues, lists and revokes keys; the secret is shown once only. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeysApiTest extends ApiTestSupport {
    private static final String PORTFOLIO = "/api/trading/portfolio";

    @Override
    protected Properties extraProperties() {
        return withoutTickers();
    }

    @Test
    void anIssuedKeyWorksIsListedWithoutItsSecretAndIsRefusedOnceRevoked() throws Exception {
        Reply created = post(Role.OPS, "/api/keys", "{\"role\":\"bot\",\"name\":\"paper bot\",\"requestsPerMinute\":120}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String secret = created.json().path("key").asText();
        JsonNode issued = created.json().path("apiKey");
        assertThat(secret).startsWith("tt_bot_").startsWith(issued.path("prefix").asText());
        assertThat(issued.path("role").asText()).isEqualTo("bot");
        assertThat(issued.path("requestsPerMinute").asInt()).isEqualTo(120);
        assertThat(withKey(secret, PORTFOLIO).statusCode()).isEqualTo(200);

        Reply listed = get(Role.OPS, "/api/keys");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain(secret).doesNotContain(secret.substring(issued.path("prefix").asText().length()));
        assertThat(listed.json().findValuesAsText("prefix")).contains(issued.path("prefix").asText());
        assertThat(storedAnywhere(secret)).as("the secret in any column of api_key").isZero();

        Reply revoked = send(Role.OPS, request("/api/keys/" + issued.path("prefix").asText()).DELETE());
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().path("revokedAt").isNull()).isFalse();
        assertThat(withKey(secret, PORTFOLIO).statusCode()).isEqualTo(401);
        assertThat(send(Role.OPS, request("/api/keys/" + issued.path("prefix").asText()).DELETE()).status())
                .as("revoking it again").isEqualTo(404);
    }

    @Test
    void badRequestsAre400NamingTheFieldAndOnlyOpsManagesKeys() throws Exception {
        assertThat(field(post(Role.OPS, "/api/keys", "{\"role\":\"admin\",\"name\":\"x\"}"))).isEqualTo("role");
        assertThat(field(post(Role.OPS, "/api/keys", "{\"role\":\"ml\"}"))).isEqualTo("name");
        assertThat(field(post(Role.OPS, "/api/keys", "{\"role\":\"ml\",\"name\":\"x\",\"requestsPerMinute\":0}")))
                .isEqualTo("requestsPerMinute");
        assertThat(field(post(Role.OPS, "/api/keys", "{\"role\":\"ml\",\"name\":\"x\",\"requestsPerMinute\":1.5}")))
                .isEqualTo("requestsPerMinute");
        assertThat(get(Role.BOT, "/api/keys").status()).isEqualTo(403);
        assertThat(post(Role.ML, "/api/keys", "{\"role\":\"ops\",\"name\":\"escalation\"}").status()).isEqualTo(403);
    }

    private static String field(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
        return reply.json().path("parameter").asText();
    }

    private HttpResponse<String> withKey(String key, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(java.net.URI.create(baseUrl() + path))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long storedAnywhere(String secret) throws Exception {
        try (Connection connection = dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "select count(*) from api_key k where row_to_json(k)::text like ?")) {
            statement.setString(1, "%" + secret.substring(secret.lastIndexOf('_') + 1, secret.lastIndexOf('_') + 20) + "%");
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
