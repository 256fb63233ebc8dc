package tickertape.api.aggs;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import tickertape.api.aggs.AggregatesResponse.Aggregate;
import tickertape.bars.Bar;
import tickertape.bars.BarQueries;
import tickertape.bars.SplitAdjustments;
import tickertape.market.SplitAdjustment;
import tickertape.market.Timeframe;

/**
 * {@code GET /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}} served from the store in
 * Polygon's shape, so a Polygon client pointed at tickertape reads our bars unchanged.
 *
 * <p>A page is planned on the base aggregates Polygon counts (1m bars for minute and hour requests,
 * 1d bars for day requests): whole buckets in sort order while their base aggregates fit the limit
 * (the first bucket always, so paging advances), exactly as the source pages. Its bars are then built
 * from the largest stored timeframe that nests in the requested buckets, with the source's bucketing.
 * An unknown ticker is, as on Polygon, a 200 without results.
 */
public final class Aggregates {
    private static final int FETCH_SIZE = 10_000;
    private static final Pattern BASE_URL = Pattern.compile("(https?)://([^/?#]*)");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}(:\\d{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:\\d{1,5})?");

    private final DataSource dataSource;
    private final SplitAdjustments adjustments;

    public Aggregates(DataSource dataSource, SplitAdjustments adjustments) {
        this.dataSource = dataSource;
        this.adjustments = adjustments;
    }

    public AggregatesResponse aggregates(@Header("ticker") String ticker, @Header("multiplier") String multiplier,
                                         @Header("timespan") String timespan, @Header("from") String from,
                                         @Header("to") String to, @Header("adjusted") String adjusted,
                                         @Header("sort") String sort, @Header("limit") String limit,
                                         @Header("cursor") String cursor, @Header(Exchange.HTTP_URL) String requestUrl)
            throws SQLException {
        AggregatesRequest request = AggregatesRequest.parse(ticker, multiplier, timespan, from, to, adjusted, sort, limit,
                cursor);
        PagePlan plan;
        List<Aggregate> results;
        String fingerprint;
        try (Connection connection = dataSource.getConnection()) {
            // A transaction, so the driver reads the keys with a cursor, FETCH_SIZE rows at a time.
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            Instant rangeFrom = Instant.ofEpochMilli(request.rangeFrom());
            Instant rangeTo = Instant.ofEpochMilli(request.rangeTo());
            SplitAdjustment adjustment = adjustments.of(connection, request.ticker(), request.sourceTimeframe(),
                    rangeFrom, rangeTo, request.adjusted());
            // over the whole request, so every page of it carries the same one while the splits stay the same
            fingerprint = adjustment.fingerprint(rangeFrom, rangeTo);
            requireSameAdjustment(request, fingerprint);
            plan = plan(connection, request);
            results = plan.isEmpty() ? List.of() : bars(connection, request, plan, adjustment);
            connection.rollback();
        }
        String nextUrl = plan.nextBucket() == null ? null
                : request.nextUrl(baseUrl(requestUrl), plan.nextBucket(), fingerprint);
        return new AggregatesResponse(request.ticker(), plan.baseAggregates(), results.size(), request.adjusted(),
                results.isEmpty() ? null : results, "OK", UUID.randomUUID().toString().replace("-", ""),
                results.size(), nextUrl);
    }

    /** 409 when a next_url's pages were read with another adjustment than applies now: they would not fit together. */
    private static void requireSameAdjustment(AggregatesRequest request, String fingerprint) {
        if (request.cursorAdjustment() != null && !request.cursorAdjustment().equals(fingerprint)) {
            throw new PolygonProblem(409, "adjustment-changed", "Splits changed",
                    "the ticker's splits changed since this page; start again from the first page");
        }
    }

    /**
     * The base of next_url: the scheme and host[:port] the client called, from the request's absolute
     * URL (the Host header is not among the message's headers: reading it made every next_url
     * {@code http://null/...}); when that is not a plain host[:port], one only a local client can follow.
     */
    static String baseUrl(String requestUrl) {
        Matcher url = BASE_URL.matcher(requestUrl == null ? "" : requestUrl);
        return url.lookingAt() && HOST.matcher(url.group(2)).matches() ? url.group(1) + "://" + url.group(2)
                : "http://localhost";
    }

    /** The page's buckets [firstBucket, lastBucket], the base aggregates behind them, and where the next page starts. */
    private record PagePlan(Long firstBucket, Long lastBucket, int baseAggregates, Long nextBucket) {
        boolean isEmpty() {
            return firstBucket == null;
        }
    }

    private static PagePlan plan(Connection connection, AggregatesRequest request) throws SQLException {
        PlanBuilder page = new PlanBuilder(request.limit());
        BarQueries.starts(connection, request.ticker(), request.baseTimeframe(), instant(request.firstBucket()),
                instant(request.lastBucket() + request.maxBucketMillis()), request.descending(), FETCH_SIZE, start -> {
                    long bucket = request.bucketing().bucketStart(start);
                    boolean inRange = bucket >= request.firstBucket() && bucket <= request.lastBucket();
                    return !inRange || page.offer(bucket);
                });
        return page.finish();
    }

    /** Counts base aggregates into buckets, in sort order, and whole buckets into the page while they fit. */
    private static final class PlanBuilder {
        private final int limit;
        private Long first;
        private Long last;
        private int taken;
        private Long current;
        private int inCurrent;
        private Long next;

        PlanBuilder(int limit) {
            this.limit = limit;
        }

        /** Takes one base aggregate of {@code bucket}; false once the page is full. */
        boolean offer(long bucket) {
            if (current != null && bucket != current && !closeCurrent()) {
                return false;
            }
            current = bucket;
            inCurrent++;
            return true;
        }

        PagePlan finish() {
            if (next == null && current != null) {
                closeCurrent();
            }
            return new PagePlan(first, last, taken, next);
        }

        /** Adds the current bucket if it fits (the first always does); otherwise it starts the next page. */
        private boolean closeCurrent() {
            if (taken > 0 && taken + inCurrent > limit) {
                next = current;
                return false;
            }
            first = first == null ? current : Math.min(first, current);
            last = last == null ? current : Math.max(last, current);
            taken += inCurrent;
            inCurrent = 0;
            return true;
        }
    }

    /** The page's bars in sort order, each the roll-up of the source bars in its bucket, each of those adjusted first. */
    private static List<Aggregate> bars(Connection connection, AggregatesRequest request, PagePlan plan,
                                        SplitAdjustment adjustment) throws SQLException {
        SplitAdjustment.Stepper multipliers = adjustment.stepper();
        List<Aggregate> bars = new ArrayList<>();
        Bucket[] bucket = {null};
        BarQueries.bars(connection, request.ticker(), request.sourceTimeframe(), instant(plan.firstBucket()),
                instant(plan.lastBucket() + request.maxBucketMillis()), FETCH_SIZE, bar -> {
                    long ts = bar.ts().toEpochMilli();
                    long start = request.bucketing().bucketStart(ts);
                    if (start < plan.firstBucket() || start > plan.lastBucket()) {
                        return;
                    }
                    if (bucket[0] != null && bucket[0].start != start) {
                        bars.add(bucket[0].aggregate());
                        bucket[0] = null;
                    }
                    bucket[0] = bucket[0] == null ? new Bucket(start) : bucket[0];
                    bucket[0].add(bar.scaled(multipliers.multiplier(ts)));
                });
        if (bucket[0] != null) {
            bars.add(bucket[0].aggregate());
        }
        if (request.descending()) {
            Collections.reverse(bars);
        }
        return bars;
    }

    private static Instant instant(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis);
    }

    /**
     * The bars of one bucket rolled up as the source builds an N-unit bar: open of the first, close of
     * the last, max high, min low, summed volume and trades, volume-weighted vwap clamped to [low, high]
     * (null, like trades, when a bar lacks it). A bucket of one bar is that bar.
     */
    private static final class Bucket {
        private final long start;
        private double open;
        private double high = Double.NEGATIVE_INFINITY;
        private double low = Double.POSITIVE_INFINITY;
        private double close;
        private double volume;
        private double notional;
        private boolean vwapKnown = true;
        private Double singleVwap;
        private long trades;
        private boolean tradesKnown = true;
        private int bars;

        Bucket(long start) {
            this.start = start;
        }

        /** Adds a stored bar, split-adjusted. */
        void add(Bar bar) {
            if (bars++ == 0) {
                open = bar.open();
            }
            high = Math.max(high, bar.high());
            low = Math.min(low, bar.low());
            close = bar.close();
            volume += bar.volume();
            vwapKnown &= bar.vwap() != null;
            singleVwap = bar.vwap();
            if (bar.vwap() != null) {
                notional += bar.vwap() * bar.volume();
            }
            tradesKnown &= bar.trades() != null;
            if (bar.trades() != null) {
                trades += bar.trades();
            }
        }

        Aggregate aggregate() {
            Double vwap = null;
            if (vwapKnown) {
                vwap = bars == 1 ? singleVwap : volume > 0 ? Math.min(high, Math.max(low, notional / volume)) : null;
            }
            return new Aggregate(volume, vwap, open, close, high, low, start, tradesKnown ? trades : null);
        }
    }
}
