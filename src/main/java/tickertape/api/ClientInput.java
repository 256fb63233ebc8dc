package tickertape.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tickertape.api.ApiProblem;
import tickertape.market.TimeBounds;
import tickertape.market.Timeframe;

/**
 * What clients send (query parameters and JSON bodies), validated: every failure is a 400
 * {@link ApiProblem} naming the parameter or body field at fault, so no endpoint reports bad input
 * its own way.
 */
public final class ClientInput {
    /** The ticker_symbol domain of the schema; lower case is accepted and upper-cased. */
    private static final Pattern TICKER = Pattern.compile("[A-Z0-9][A-Z0-9.-]{0,9}");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private ClientInput() {
    }

    public static String ticker(String parameter, String value) {
        String symbol = required(parameter, value).toUpperCase(Locale.ROOT);
        if (!TICKER.matcher(symbol).matches()) {
            throw ApiProblem.invalidParameter(parameter, "not a ticker symbol: 1 to 10 of A-Z 0-9 . - (e.g. SPY, BRK.B)");
        }
        return symbol;
    }

    /** A row's id in the path, or a 400 naming the parameter. */
    public static long id(String parameter, String value) {
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.invalidParameter(parameter, parameter + " must be a positive whole number");
    }

    public static Timeframe timeframe(String parameter, String value) {
        return Timeframe.ofCode(required(parameter, value)).orElseThrow(() -> ApiProblem.invalidParameter(parameter,
                "timeframe must be one of " + Arrays.stream(Timeframe.values()).map(Timeframe::code)
                        .collect(Collectors.joining(", "))));
    }

    /**
     * An ISO-8601 instant ({@code 2025-01-02T14:30:00Z}) or a date, which means a whole
     * America/New_York trading day: its midnight as a start, the next midnight as an (exclusive) end;
     * within {@link TimeBounds}.
     */
    public static Instant instant(String parameter, String value, boolean endOfRange) {
        String text = required(parameter, value);
        Instant instant;
        try {
            if (DATE.matcher(text).matches()) {
                LocalDate day = LocalDate.parse(text);
                instant = (endOfRange ? day.plusDays(1) : day).atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant();
            } else {
                instant = Instant.parse(text);
            }
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalidParameter(parameter,
                    "must be a date (2025-01-02) or an ISO-8601 UTC instant (2025-01-02T14:30:00Z)");
        }
        return bounded(parameter, instant);
    }

    /** An instant of a body field, or a parameter already parsed, checked against {@link TimeBounds}. */
    public static Instant bounded(String field, Instant instant) {
        check(TimeBounds.contains(instant), field, "must be " + TimeBounds.RANGE);
        return instant;
    }

    /** A whole number from 1 to {@code max}; absent means {@code defaultValue}. */
    public static int limit(String parameter, String value, int defaultValue, int max) {
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below, as an out-of-range number is
        }
        throw ApiProblem.invalidParameter(parameter, "must be a whole number from 1 to " + max);
    }

    /** {@code adjusted}: true (the default: split-adjusted prices) or false (as traded). */
    public static boolean adjusted(String parameter, String value) {
        if (value == null || value.isEmpty() || value.equals("true")) {
            return true;
        }
        check(value.equals("false"), parameter, "must be true or false");
        return false;
    }

    public static String required(String parameter, String value) {
        if (value == null || value.isBlank()) {
            throw ApiProblem.invalidParameter(parameter, "is required");
        }
        return value.trim();
    }

    /** Fails with a 400 naming {@code field} unless {@code condition} holds. */
    public static void check(boolean condition, String field, String detail) {
        if (!condition) {
            throw ApiProblem.invalidParameter(field, detail);
        }
    }

    /**
     * The JSON body as {@code type}. Malformed JSON is a 400 on {@code body}; a value of the wrong type
     * (a fraction for a whole number too, rather than cutting it off) or an unknown field is a 400
     * naming it as a path ({@code [3].value}, {@code qty}).
     */
    public static <T> T json(ObjectMapper mapper, String body, TypeReference<T> type) {
        requireJsonBody(body);
        try {
            // trailing tokens ({...}x) make the body malformed, not a valid object followed by noise
            return strictReader(mapper.readerFor(type)).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readValue(body);
        } catch (JsonProcessingException e) {
            throw jsonProblem(e);
        }
    }

    /** A body there is something to parse in: not blank, no NUL character. */
    public static void requireJsonBody(String body) {
        if (body == null || body.isBlank()) {
            throw ApiProblem.invalidParameter("body", "a JSON body is required");
        }
        if (body.indexOf('\0') >= 0 || body.contains("\\u0000")) {
            throw ApiProblem.invalidParameter("body", "text in the body may not contain a NUL character");
        }
    }

    /** {@code reader} as every body is read: 1.5 for a whole-number field is an error, not 1. */
    public static ObjectReader strictReader(ObjectReader reader) {
        return reader.without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }

    /** A body Jackson could not read, as the 400 naming where (never Jackson's words, which name Java types and echo the input). */
    public static ApiProblem jsonProblem(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return ApiProblem.invalidParameter(path(unknown), "unknown field");
        }
        if (e instanceof JsonMappingException mapping) {
            String path = path(mapping);
            return ApiProblem.invalidParameter(path.isEmpty() ? "body" : path, "wrong type or malformed value"
                    + (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
                            ? ": expected " + expected(mismatch.getTargetType()) : ""));
        }
        return ApiProblem.invalidParameter("body", e.getLocation() == null ? "malformed JSON"
                : "malformed JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
    }

    /** What a JSON value for {@code type} looks like, in the client's terms rather than Java's. */
    private static String expected(Class<?> type) {
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a JSON array";
        }
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "an ISO-8601 timestamp";
        }
        return "a JSON object";
    }

    /** Jackson's reference path as a field path: {@code [3].value}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
