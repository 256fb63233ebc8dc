package tickertape.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After the guard has read the client's key, no header or property of the exchange carries it, wherever
 * in the request it came: the headers platform-http sets from the request line (path, query, URI, URL)
 * are given as it gives them.
 */
class ApiGuardKeyTest {
    private static final String KEY = "tt_ml_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
    private static final String PATH = "/v2/aggs/ticker/SPY/range/1/day/2025-01-02/2025-01-03";

    @ParameterizedTest
    @ValueSource(strings = {"apiKey=" + KEY, "apiKey=" + KEY + "&limit=5", "limit=5&apiKey=" + KEY,
            "limit=5&apiKey=" + KEY + "&sort=asc", "APIKEY=" + KEY + "&limit=5", "api%4Bey=" + KEY + "&limit=5",
            "apiKey=" + KEY + "&apiKey=" + KEY + "&limit=5"})
    void aKeyInTheQueryIsReadThenRemovedFromEveryHeaderAndProperty(String query) {
        Exchange exchange = request(query);
        exchange.getMessage().setHeader(ApiGuard.API_KEY_PARAMETER, query.indexOf(KEY) == query.lastIndexOf(KEY)
                ? KEY : List.of(KEY, KEY));

        String presented = ApiGuard.takeKey(exchange.getMessage());

        assertThat(presented).isEqualTo(query.indexOf(KEY) == query.lastIndexOf(KEY) ? KEY : null);
        assertNoKey(exchange);
        String rest = query.contains("limit=5") ? "limit=5" + (query.contains("sort=asc") ? "&sort=asc" : "") : "";
        Message message = exchange.getMessage();
        assertThat(message.getHeader(Exchange.HTTP_QUERY)).isEqualTo(rest);
        assertThat(message.getHeader(Exchange.HTTP_RAW_QUERY)).isEqualTo(rest);
        assertThat(message.getHeader(Exchange.HTTP_URI)).isEqualTo(PATH + (rest.isEmpty() ? "" : "?" + rest));
        assertThat(message.getHeader(Exchange.HTTP_URL))
                .isEqualTo("http://127.0.0.1:8080" + PATH + (rest.isEmpty() ? "" : "?" + rest));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Authorization", "X-API-Key"})
    void aKeyInAHeaderIsReadThenRemoved(String header) {
        Exchange exchange = request("limit=5");
        exchange.getMessage().setHeader(header, header.equals("Authorization") ? "Bearer " + KEY : KEY);

        assertThat(ApiGuard.takeKey(exchange.getMessage())).isEqualTo(KEY);
        assertNoKey(exchange);
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_URI)).isEqualTo(PATH + "?limit=5");
    }

    /** The headers platform-http sets for {@code GET PATH?query}. */
    private static Exchange request(String query) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        Message message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_PATH, PATH);
        message.setHeader(Exchange.HTTP_QUERY, query);
        message.setHeader(Exchange.HTTP_RAW_QUERY, query);
        message.setHeader(Exchange.HTTP_URI, PATH + "?" + query);
        message.setHeader(Exchange.HTTP_URL, "http://127.0.0.1:8080" + PATH + "?" + query);
        message.setHeader("limit", "5");
        return exchange;
    }

    private static void assertNoKey(Exchange exchange) {
        for (Map.Entry<String, Object> header : exchange.getMessage().getHeaders().entrySet()) {
            assertThat(String.valueOf(header.getValue())).as("header " + header.getKey()).doesNotContain(KEY);
        }
        for (Map.Entry<String, Object> property : exchange.getAllProperties().entrySet()) {
            assertThat(String.valueOf(property.getValue())).as("property " + property.getKey()).doesNotContain(KEY);
        }
    }
}
