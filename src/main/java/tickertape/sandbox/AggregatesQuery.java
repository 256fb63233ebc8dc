package tickertape.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tickertape.market.Bucketing;
import tickertape.polygon.AggregatesParameters;

/**
 * A validated aggregates request:
 * {@code /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}?adjusted&sort&limit&cursor}.
 * {@code from} and {@code to} are dates (America/New_York days) or Unix milliseconds, both inclusive,
 * snapped to whole buckets: the first bucket is the one holding {@code from}, the last the one holding
 * {@code to}. Every validation failure is an {@link IllegalArgumentException} whose message is fit for
 * the 400 body (the parameters are read by {@link AggregatesParameters}, as the Polygon-compatible
 * read of the store reads them).
 */
final class AggregatesQuery {

    static final Pattern PATH = Pattern.compile("/v2/aggs/ticker/([^/]+)/range/([^/]+)/([^/]+)/([^/]+)/([^/]+)/?");

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
        Bucketing bucketing = Bucketing.of(AggregatesParameters.multiplier(decode(path.group(2))), decode(path.group(3)));
        long from = AggregatesParameters.bound("from", decode(path.group(4)), false);
        long to = AggregatesParameters.bound("to", decode(path.group(5)), true);
        if (from > to) {
            throw new IllegalArgumentException("from must not be after to");
        }
        boolean descending = AggregatesParameters.descending(params.get("sort"));
        long first = bucketing.bucketStart(from);
        long last = bucketing.bucketStart(to);
        String cursor = params.get("cursor");
        if (cursor != null) {
            long position = AggregatesParameters.position(cursor);
            first = descending ? first : Math.max(first, position);
            last = descending ? Math.min(last, position) : last;
        }
        return new AggregatesQuery(path.group(), ticker, bucketing, parseAdjusted(params.get("adjusted")),
                descending, AggregatesParameters.limit(params.get("limit")), first, last);
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
                + "&limit=" + limit + "&cursor=" + AggregatesParameters.cursor(nextBucket);
    }

    /** Percent-decodes a path segment; unlike a query string, '+' in a path is a plus sign. */
    private static String decode(String rawSegment) {
        return URLDecoder.decode(rawSegment.replace("+", "%2B"), StandardCharsets.UTF_8);
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
}
