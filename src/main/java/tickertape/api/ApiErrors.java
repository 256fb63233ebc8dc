package tickertape.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.format.DateTimeParseException;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.TypeConversionException;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever an API route threw into its problem response (routes/api.camel.yaml applies it to
 * every route): an {@link ApiProblem} as it says; malformed JSON and unparseable values as 400;
 * anything else as a 500 that says nothing of the cause, which is logged under the request id. On
 * the Polygon-compatible path ({@code /v2/aggs/}) the same answer takes Polygon's error body.
 *
 * <p>It is also the {@link Predicate} that limits this handling to exchanges that came in over
 * HTTP, so the ingestion routes keep their own error handling.
 */
public class ApiErrors implements Processor, Predicate {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);
    /** Response headers a problem keeps; everything else on the message (request headers included) goes. */
    static final String[] RESPONSE_HEADERS = {
        "RateLimit", "RateLimit-Policy", "Retry-After", "WWW-Authenticate", "Allow"
    };

    private final ObjectMapper json;

    public ApiErrors(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public boolean matches(Exchange exchange) {
        return exchange.getFromEndpoint() instanceof PlatformHttpEndpoint;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        answer(exchange, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    /** Makes {@code failure} the exchange's answer: its problem response, logged under the request id if a 500. */
    public void answer(Exchange exchange, Throwable failure) throws JsonProcessingException {
        Message message = exchange.getMessage();
        String path = message.getHeader(Exchange.HTTP_PATH, String.class);
        Problem problem = classify(failure, path, exchange.getExchangeId());
        if (problem.status() >= 500) {
            LOG.error("{} {} failed (request id {})", message.getHeader(Exchange.HTTP_METHOD), path,
                    exchange.getExchangeId(), failure);
        }
        write(message, problem, json);
    }

    static Problem classify(Throwable failure, String path, String requestId) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiProblem problem) {
                return Problem.of(problem, path, requestId);
            }
            if (cause instanceof JsonProcessingException malformed) {
                return new Problem(400, "invalid-json", "Invalid JSON", describe(malformed), path,
                        fieldOf(malformed), requestId);
            }
            if (cause instanceof TypeConversionException || cause instanceof NumberFormatException
                    || cause instanceof DateTimeParseException) {
                return new Problem(400, "invalid-parameter", "Invalid parameter",
                        "A parameter of the request could not be read as the type it needs.", path, null, requestId);
            }
        }
        return Problem.internalError(path, requestId);
    }

    static void write(Message message, Problem problem, ObjectMapper json) throws JsonProcessingException {
        message.removeHeaders("*", RESPONSE_HEADERS);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        message.setHeader(Exchange.CONTENT_TYPE, problem.mediaType());
        message.setBody(json.writeValueAsString(problem.body()));
    }

    /** Where the JSON went wrong, without echoing the input or naming Java types. */
    private static String describe(JsonProcessingException malformed) {
        if (malformed instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return "Field '" + fieldOf(malformed) + "' has the wrong type or shape.";
        }
        return malformed.getLocation() == null
                ? "The body is not valid JSON."
                : "The body is not valid JSON (line " + malformed.getLocation().getLineNr() + ", column "
                        + malformed.getLocation().getColumnNr() + ").";
    }

    private static String fieldOf(JsonProcessingException malformed) {
        if (!(malformed instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return null;
        }
        return mapping.getPath().stream()
                .map(reference -> reference.getFieldName() != null ? reference.getFieldName()
                        : String.valueOf(reference.getIndex()))
                .collect(Collectors.joining("."));
    }
}
