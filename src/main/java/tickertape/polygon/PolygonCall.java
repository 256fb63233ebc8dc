package tickertape.polygon;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;

/**
 * The two ends of one HTTP call to Polygon, used by the polygon-call route around its http endpoint:
 * {@link #prepare} turns the exchange into the request (URL from the caller's {@link PolygonRequest},
 * the key as a Bearer header so it never sits in a URL), and {@link #readPage} turns the response
 * into an {@link AggregatesPage} (or a {@link SplitsPage}, when the request was for splits) or throws
 * the {@link PolygonFailure} that decides retry or park.
 */
public class PolygonCall {
    /** The path of Polygon's splits endpoint: a request to it is answered with a {@link SplitsPage}. */
    public static final String SPLITS_PATH = "/v3/reference/splits";

    private final String apiKey;
    private final ObjectMapper json;
    private final long budgetWindowMillis;
    private final long maxRetryDelayMillis;

    /**
     * @param budgetWindowMillis the request budget's window: how long a 429 without Retry-After waits,
     *     so the provider's rate window has freed before the retry (docs/POLYGON.md, Errors)
     * @param maxRetryDelayMillis the longest a 429 waits, whatever its Retry-After says
     */
    public PolygonCall(String apiKey, ObjectMapper json, long budgetWindowMillis, long maxRetryDelayMillis) {
        this.apiKey = apiKey;
        this.json = json;
        this.budgetWindowMillis = budgetWindowMillis;
        this.maxRetryDelayMillis = maxRetryDelayMillis;
    }

    public void prepare(Exchange exchange) throws PolygonBudget.Stopped {
        if (!PolygonRequest.of(exchange).stillWanted()) {
            throw new PolygonBudget.Stopped("the caller's claim on the work lapsed: the request was not sent");
        }
        var message = exchange.getMessage();
        // Headers from earlier steps (or an earlier attempt) must not reach Polygon as HTTP headers;
        // the error handler's attempt count must stay, or every retry would count as the first.
        clearHeaders(exchange);
        message.setBody(null);
        message.setHeader(Exchange.HTTP_METHOD, "GET");
        message.setHeader(Exchange.HTTP_URI, PolygonRequest.of(exchange).url());
        message.setHeader("Authorization", "Bearer " + apiKey);
        message.setHeader("Accept", "application/json");
    }

    public PolygonPage readPage(Exchange exchange) throws IOException {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        Optional<Long> retryAfter = retryAfterMillis(exchange);
        // The request's headers (the key among them) and Polygon's must not travel on with the exchange.
        clearHeaders(exchange);
        InputStream body = exchange.getMessage().getBody(InputStream.class);
        if (status == 200) {
            return isSplitsRequest(PolygonRequest.of(exchange).url()) ? parseSplits(body) : parsePage(body);
        }
        String message = providerMessage(body);
        if (status == 401 || status == 403) {
            throw new PolygonFailure.NotAuthorized(status, message);
        }
        if (status == 429) {
            // Retry-After if given; else wait for the window to free (a retry that only passes our own
            // budget may go at once, while the provider still counts the requests that led to the 429).
            // Camel applies this delay as it is, past maximumRedeliveryDelay: the cap is ours to apply,
            // or a Retry-After of days would hold a job thread (and a stop) that long.
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY,
                    Math.min(retryAfter.orElse(budgetWindowMillis), maxRetryDelayMillis));
            throw new PolygonFailure.Retryable(status, message);
        }
        if (status >= 500) {
            throw new PolygonFailure.Retryable(status, message);
        }
        throw new PolygonFailure.Rejected(status, message);
    }

    /** Removes every header but the error handler's count of attempts. */
    private static void clearHeaders(Exchange exchange) {
        exchange.getMessage().removeHeaders("*", Exchange.REDELIVERY_COUNTER, Exchange.REDELIVERY_MAX_COUNTER,
                Exchange.REDELIVERED);
    }

    private AggregatesPage parsePage(InputStream body) throws IOException {
        if (body == null) {
            throw new PolygonFailure.Retryable(200, "empty response body");
        }
        try (JsonParser parser = json.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new PolygonFailure.Retryable(200, "response is not a JSON object");
            }
            String status = null;
            String nextUrl = null;
            List<PolygonBar> results = List.of();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "status" -> status = parser.getValueAsString();
                    case "next_url" -> nextUrl = parser.getValueAsString();
                    case "results" -> results = readBars(parser);
                    default -> parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new PolygonFailure.Retryable(200, "truncated JSON body");
            }
            if (!"OK".equals(status) && !"DELAYED".equals(status)) {
                throw new PolygonFailure.Retryable(200, "unexpected status '" + status + "' in a 200 response");
            }
            return new AggregatesPage(status, results, nextUrl);
        } catch (JsonParseException e) {
            throw new PolygonFailure.Retryable(200, "malformed JSON body: " + e.getOriginalMessage());
        } catch (IOException e) {
            // The stream ended early (connection cut mid-body): the page is incomplete.
            throw new PolygonFailure.Retryable(200, "incomplete body: " + e.getMessage());
        }
    }

    private static boolean isSplitsRequest(String url) {
        return url != null && URI.create(url).getPath().startsWith(SPLITS_PATH);
    }

    /**
     * A splits page: small, so read as a tree. A body that is not a complete JSON object, a status
     * other than OK, or a split without its date or a positive ratio is a bad answer: retried, then
     * parked, like a bad aggregates page (a split skipped would be deleted from the store as unlisted).
     */
    private SplitsPage parseSplits(InputStream body) throws IOException {
        if (body == null) {
            throw new PolygonFailure.Retryable(200, "empty response body");
        }
        JsonNode page;
        try {
            page = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new PolygonFailure.Retryable(200, "malformed JSON body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new PolygonFailure.Retryable(200, "incomplete body: " + e.getMessage());
        }
        if (page == null || !page.isObject()) {
            throw new PolygonFailure.Retryable(200, "response is not a JSON object");
        }
        if (!"OK".equals(page.path("status").asText(null))) {
            throw new PolygonFailure.Retryable(200, "unexpected status '" + page.path("status").asText(null)
                    + "' in a 200 response");
        }
        JsonNode results = page.path("results");
        if (!results.isMissingNode() && !results.isArray()) {
            throw new PolygonFailure.Retryable(200, "results is not an array");
        }
        List<PolygonSplit> splits = new ArrayList<>();
        for (JsonNode split : results) {
            splits.add(readSplit(split));
        }
        return new SplitsPage(splits, page.hasNonNull("next_url") ? page.get("next_url").asText() : null);
    }

    private static PolygonSplit readSplit(JsonNode split) {
        double from = split.path("split_from").asDouble(Double.NaN);
        double to = split.path("split_to").asDouble(Double.NaN);
        if (!split.path("split_from").isNumber() || !split.path("split_to").isNumber()
                || !(from > 0 && to > 0 && Double.isFinite(from) && Double.isFinite(to))) {
            throw new PolygonFailure.Retryable(200, "a split without a positive split_from and split_to: " + split);
        }
        try {
            return new PolygonSplit(split.hasNonNull("id") ? split.get("id").asText() : null,
                    LocalDate.parse(split.path("execution_date").asText("")), from, to);
        } catch (DateTimeParseException e) {
            throw new PolygonFailure.Retryable(200, "a split without an execution_date: " + split);
        }
    }

    private List<PolygonBar> readBars(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new PolygonFailure.Retryable(200, "results is not an array");
        }
        List<PolygonBar> bars = new ArrayList<>();
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            bars.add(readBar(parser));
        }
        if (parser.currentToken() != JsonToken.END_ARRAY) {
            throw new PolygonFailure.Retryable(200, "truncated results array");
        }
        return bars;
    }

    /**
     * One bar, read field by field (no tree per bar: a page holds 50,000). A missing or non-numeric
     * price or volume becomes NaN and a missing {@code t} Long.MIN_VALUE, which validation rejects as a
     * bad bar (not a bad page); unknown fields are skipped.
     */
    private static PolygonBar readBar(JsonParser parser) throws IOException {
        long t = Long.MIN_VALUE;
        double o = Double.NaN;
        double h = Double.NaN;
        double l = Double.NaN;
        double c = Double.NaN;
        double v = Double.NaN;
        Double vw = null;
        Long n = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "t" -> t = parser.getValueAsLong(Long.MIN_VALUE);
                case "o" -> o = number(parser, value);
                case "h" -> h = number(parser, value);
                case "l" -> l = number(parser, value);
                case "c" -> c = number(parser, value);
                case "v" -> v = number(parser, value);
                case "vw" -> vw = value == JsonToken.VALUE_NULL ? null : parser.getValueAsDouble(0);
                case "n" -> n = value == JsonToken.VALUE_NULL ? null : parser.getValueAsLong(0);
                default -> { }
            }
            parser.skipChildren();
        }
        if (parser.currentToken() != JsonToken.END_OBJECT) {
            throw new PolygonFailure.Retryable(200, "truncated bar");
        }
        return new PolygonBar(t, o, h, l, c, v, vw, n);
    }

    private static double number(JsonParser parser, JsonToken value) throws IOException {
        return value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT
                ? parser.getDoubleValue() : Double.NaN;
    }

    /** Polygon's own words ("error" or "message"), cut short; never the raw body of an HTML page. */
    private String providerMessage(InputStream body) {
        if (body == null) {
            return "no body";
        }
        try {
            JsonNode node = json.readTree(body);
            String text = node.hasNonNull("error") ? node.get("error").asText()
                    : node.hasNonNull("message") ? node.get("message").asText() : node.toString();
            return text.length() > 300 ? text.substring(0, 300) + "…" : text;
        } catch (IOException | RuntimeException e) {
            return "non-JSON error body";
        }
    }

    private static Optional<Long> retryAfterMillis(Exchange exchange) {
        String retryAfter = exchange.getMessage().getHeader("Retry-After", String.class);
        try {
            return retryAfter == null ? Optional.empty()
                    : Optional.of(TimeUnit.SECONDS.toMillis(Math.max(0, Long.parseLong(retryAfter.trim())))); // saturates
        } catch (NumberFormatException e) {
            return Optional.empty(); // an HTTP-date: fall back to waiting for the budget window
        }
    }
}
