package tickertape.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tickertape.market.Bucketing;
import tickertape.market.Timeframe;

/**
 * A validated aggregates request:
 * {@code /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}?adjusted&sort&limit&cursor}.
 * {@code from} and {@code to} are dates (America/New_York days) or Unix milliseconds, both inclusive,
 * snapped to whole buckets: the first bucket is the one holding {@code from}, the last the one holding
 * {@code to}. Every validation failure is an {@link IllegalArgumentException} whose message is fit for
 * the 400 body.
 *
 * <p>The cursor is opaque to clients; it is the base64url text of the start (Unix ms) of the first
 * bucket the next page serves, the latest one when sorting descending.
 */
final class AggregatesQuery {

    static final Pattern PATH = Pattern.compile("/v2/aggs/ticker/([^/]+)/range/([^/]+)/([^/]+)/([^/]+)/([^/]+)/?");
    static final int DEFAULT_LIMIT = 5_000;
    static final int MAX_LIMIT = 50_000;

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern MILLIS = Pattern.compile("\\d{1,15}");

    private final String rawPath;
    private final String ticker;
    private final Bucketing bucketing;
    private final boolean adjusted;
    private final boolean descending;
    private final int limit;
    private final long rangeStart;
    private final long rangeEnd;

    private AggregatesQuery(String rawPath, String ticker, Bucketing bucketing, boolean adjusted,
            boolean descending, int limit, long rangeStart, long rangeEnd) {
        this.rawPath = rawPath;
        this.ticker = ticker;
        this.bucketing = bucketing;
        this.adjusted = adjusted;
        this.descending = descending;
        this.limit = limit;
        this.rangeStart = rangeStart;
        this.rangeEnd = rangeEnd;
    }

    /** @param path a match of {@link #PATH} on the raw (still percent-encoded) request path */
    static AggregatesQuery parse(Matcher path, Map<String, String> params) {
        String ticker = decode(path.group(1));
        Bucketing bucketing = Bucketing.of(parseMultiplier(decode(path.group(2))), decode(path.group(3)));
        long from = parseBound("from", decode(path.group(4)), false);
        long to = parseBound("to", decode(path.group(5)), true);
        if (from > to) {
            throw new IllegalArgumentException("from must not be after to");
        }
        boolean descending = parseSort(params.get("sort"));
        long first = bucketing.bucketStart(from);
        long last = bucketing.bucketStart(to);
        String cursor = params.get("cursor");
        if (cursor != null) {
            long position = decodeCursor(cursor);
            first = descending ? first : Math.max(first, position);
            last = descending ? Math.min(last, position) : last;
        }
        return new AggregatesQuery(path.group(), ticker, bucketing, parseAdjusted(params.get("adjusted")),
                descending, parseLimit(params.get("limit")), first, last);
    }

    String ticker() {
        return ticker;
    }

    Bucketing bucketing() {
        return bucketing;
    }

    boolean adjusted() {
        return adjusted;
    }

    boolean descending() {
        return descending;
    }

    /** The most base aggregates (minutes, or days for day bars) one page may be built from. */
    int limit() {
        return limit;
    }

    /** Start of the earliest bucket this page may serve, the cursor applied. */
    long rangeStart() {
        return rangeStart;
    }

    /** Start of the latest bucket this page may serve, the cursor applied. */
    long rangeEnd() {
        return rangeEnd;
    }

    /** The same request from {@code nextBucket} on, on {@code baseUrl}; never carries an API key. */
    String nextUrl(String baseUrl, long nextBucket) {
        return baseUrl + rawPath + "?adjusted=" + adjusted + "&sort=" + (descending ? "desc" : "asc")
                + "&limit=" + limit + "&cursor=" + encodeCursor(nextBucket);
    }

    static String encodeCursor(long bucketStart) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Long.toString(bucketStart).getBytes(StandardCharsets.US_ASCII));
    }

    private static long decodeCursor(String cursor) {
        try {
            return Long.parseLong(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not one this server issued");
        }
    }

    /** Percent-decodes a path segment; unlike a query string, '+' in a path is a plus sign. */
    private static String decode(String rawSegment) {
        return URLDecoder.decode(rawSegment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static int parseMultiplier(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("multiplier must be a positive integer");
        }
    }

    /** A date means its whole America/New_York day: its midnight for from, its last millisecond for to. */
    private static long parseBound(String name, String text, boolean endOfRange) {
        if (MILLIS.matcher(text).matches()) {
            return Long.parseLong(text);
        }
        if (DATE.matcher(text).matches()) {
            try {
                LocalDate day = LocalDate.parse(text);
                LocalDate start = endOfRange ? day.plusDays(1) : day;
                long midnight = start.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant().toEpochMilli();
                return endOfRange ? midnight - 1 : midnight;
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(name + " is not a valid date: " + text);
            }
        }
        throw new IllegalArgumentException(name + " must be a date YYYY-MM-DD or a Unix millisecond timestamp");
    }

    private static boolean parseAdjusted(String text) {
        if (text == null || text.equals("true")) {
            return true;
        }
        if (text.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException("adjusted must be true or false");
    }

    private static boolean parseSort(String text) {
        if (text == null || text.equals("asc")) {
            return false;
        }
        if (text.equals("desc")) {
            return true;
        }
        throw new IllegalArgumentException("sort must be asc or desc");
    }

    private static int parseLimit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below, with the same message as an out-of-range number
        }
        throw new IllegalArgumentException("limit must be an integer from 1 to " + MAX_LIMIT);
    }
}
