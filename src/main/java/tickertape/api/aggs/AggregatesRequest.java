package tickertape.api.aggs;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.regex.Pattern;
import tickertape.market.Bucketing;
import tickertape.market.Timeframe;
import tickertape.polygon.AggregatesParameters;

/**
 * A validated {@code /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}} request, read
 * as Polygon reads it (docs/POLYGON.md): from and to are New York dates or Unix ms, both inclusive, snapped
 * to whole buckets; {@code limit} caps the base aggregates (minutes, or days for day bars) of a page;
 * the {@code cursor} of {@code next_url} is base64url of the first bucket the next page serves (the
 * parameters are read by {@link AggregatesParameters}, as the sandbox source reads them), then a dot
 * and the fingerprint of the split adjustment of the earlier pages. {@code adjusted} is true (the
 * default) or false. Every failure is a {@link PolygonProblem} with Polygon's kind of message.
 *
 * @param rangeFrom the first bucket of the whole request, whichever page this is (Unix ms)
 * @param rangeTo the end of the whole request's last bucket, at the latest (Unix ms)
 * @param cursorAdjustment the adjustment fingerprint the cursor carries; null on a first page
 */
record AggregatesRequest(String ticker, int multiplier, String timespan, String rawFrom, String rawTo,
                         Bucketing bucketing, boolean adjusted, boolean descending, int limit, long firstBucket,
                         long lastBucket, long rangeFrom, long rangeTo, String cursorAdjustment) {

    /** Polygon's ticker forms (SPY, BRK.B, X:BTCUSD, O:SPY251219C00650000); anything else is no ticker at all. */
    private static final Pattern TICKER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:_-]{0,63}");

    static AggregatesRequest parse(String ticker, String multiplier, String timespan, String from, String to,
                                   String adjusted, String sort, String limit, String cursor) {
        try {
            return read(ticker, multiplier, timespan, from, to, adjusted, sort, limit, cursor);
        } catch (IllegalArgumentException e) {
            throw new PolygonProblem(e.getMessage());
        }
    }

    private static AggregatesRequest read(String ticker, String multiplier, String timespan, String from, String to,
                                          String adjusted, String sort, String limit, String cursor) {
        if (ticker == null || !TICKER.matcher(ticker).matches()) {
            // a control character (%00) would otherwise reach PostgreSQL, which refuses it with an error (500)
            throw new PolygonProblem("ticker must be 1 to 64 of A-Z a-z 0-9 . : _ -");
        }
        int units = AggregatesParameters.multiplier(multiplier);
        Bucketing bucketing = bucketing(units, timespan);
        long start = AggregatesParameters.bound("from", from, false);
        long end = AggregatesParameters.bound("to", to, true);
        if (start > end) {
            throw new PolygonProblem("from must not be after to");
        }
        if (adjusted != null && !adjusted.equals("true") && !adjusted.equals("false")) {
            throw new PolygonProblem("adjusted must be true or false");
        }
        boolean descending = AggregatesParameters.descending(sort);
        long first = bucketing.bucketStart(start);
        long last = bucketing.bucketStart(end);
        long rangeFrom = first;
        long rangeTo = last + maxBucketMillis(units, timespan);
        String cursorAdjustment = null;
        if (cursor != null) {
            int dot = cursor.indexOf('.');
            // A next_url issued before cursors carried the adjustment has none: "" matches no
            // fingerprint, so it is answered 409, as its pages were the bars as stored then.
            long position = AggregatesParameters.position(dot < 0 ? cursor : cursor.substring(0, dot));
            cursorAdjustment = dot < 0 ? "" : cursor.substring(dot + 1);
            first = descending ? first : Math.max(first, position);
            last = descending ? Math.min(last, position) : last;
        }
        return new AggregatesRequest(ticker.toUpperCase(Locale.ROOT), units, timespan, from, to, bucketing,
                !"false".equals(adjusted), descending, AggregatesParameters.limit(limit), first, last, rangeFrom, rangeTo,
                cursorAdjustment);
    }

    /** Minutes for minute and hour bars, days for day bars: what {@code limit} and {@code queryCount} count. */
    Timeframe baseTimeframe() {
        return bucketing.countsMinutes() ? Timeframe.M1 : Timeframe.D1;
    }

    /**
     * The stored timeframe the bars are built from: the requested one when the store holds it, else the
     * largest stored one whose buckets nest in the requested ones (30/minute from 15m, 2/hour from 1h,
     * 3/day from 1d). Both are aligned from midnight New York, so nesting needs only divisibility.
     */
    Timeframe sourceTimeframe() {
        if (!bucketing.countsMinutes()) {
            return Timeframe.D1;
        }
        long bucketMinutes = minutes(multiplier, timespan);
        return Arrays.stream(Timeframe.values())
                .filter(stored -> !stored.timespan().equals("day"))
                .filter(stored -> bucketMinutes % minutes(stored.multiplier(), stored.timespan()) == 0)
                .max(Comparator.comparingLong(stored -> minutes(stored.multiplier(), stored.timespan())))
                .orElseThrow(); // 1m divides every bucket
    }

    /** An upper bound of a bucket's length (an extra hour or day for daylight-saving days). */
    long maxBucketMillis() {
        return maxBucketMillis(multiplier, timespan);
    }

    private static long maxBucketMillis(int multiplier, String timespan) {
        long hour = 3_600_000L;
        return timespan.equals("day") ? (multiplier + 1) * 24 * hour : minutes(multiplier, timespan) * 60_000L + hour;
    }

    /**
     * The same request from {@code nextBucket} on, read with the split adjustment {@code adjustment};
     * carries no API key (the client sends its own).
     */
    String nextUrl(String baseUrl, long nextBucket, String adjustment) {
        return baseUrl + "/v2/aggs/ticker/" + ticker + "/range/" + multiplier + "/" + timespan + "/" + rawFrom + "/"
                + rawTo + "?adjusted=" + adjusted + "&sort=" + (descending ? "desc" : "asc") + "&limit=" + limit
                + "&cursor=" + AggregatesParameters.cursor(nextBucket) + "." + adjustment;
    }

    private static long minutes(int multiplier, String timespan) {
        return timespan.equals("hour") ? 60L * multiplier : multiplier;
    }

    private static Bucketing bucketing(int multiplier, String timespan) {
        if (timespan == null || !timespan.matches("minute|hour|day")) {
            throw new PolygonProblem(timespan != null && timespan.matches("second|week|month|quarter|year")
                    ? "timespan '" + timespan + "' is not served here; use minute, hour or day"
                    : "timespan must be one of minute, hour, day, week, month, quarter, year");
        }
        return Bucketing.of(multiplier, timespan);
    }
}
