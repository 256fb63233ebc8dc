package tickertape.api.market;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.apache.camel.support.SynchronizationAdapter;
import tickertape.api.ApiGuard;
import tickertape.api.ApiProblem;
import tickertape.api.ClientInput;
import tickertape.bars.Bar;
import tickertape.bars.BarQueries;
import tickertape.bars.BarQueries.PageSummary;
import tickertape.bars.BarStream;
import tickertape.bars.LatestBarCache;
import tickertape.bars.SplitAdjustments;
import tickertape.market.SplitAdjustment;
import tickertape.market.Timeframe;

/**
 * {@code GET /api/v2/data/market} (a page of bars, streamed) and {@code GET /api/v2/data/market/latest}.
 *
 * <p>A page is found before it streams, with one query over the keys it covers: its bar count, where
 * the next page starts (the cursor) and the newest write in it (the ETag of a closed range). Then the
 * bars stream from a cursor in the database straight into the response ({@link BarStream}).
 */
public final class MarketBars {
    private static final String PATH = "/api/v2/data/market";

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final LatestBarCache latestBars;
    private final SplitAdjustments adjustments;
    private final Settings settings;
    private final StreamPermits streams;
    private final Clock clock;

    /**
     * @param closedRangeMaxAgeSeconds how long a client may reuse a range that ended before today
     * @param maxStreamsPerKey pages one client may have streaming at once
     */
    public record Settings(int defaultLimit, int maxLimit, int fetchSize, int closedRangeMaxAgeSeconds,
                           int maxStreamsPerKey) {
    }

    public MarketBars(DataSource dataSource, ObjectMapper mapper, LatestBarCache latestBars,
                      SplitAdjustments adjustments, Settings settings, Clock clock) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.latestBars = latestBars;
        this.adjustments = adjustments;
        this.settings = settings;
        this.streams = new StreamPermits(settings.maxStreamsPerKey());
        this.clock = clock;
    }

    /**
     * The newest bar of a series, from the cache, split-adjusted unless {@code adjusted=false}; 404 for
     * an unknown ticker or a series with no bars yet.
     */
    public LatestBar latest(@Header("ticker") String ticker, @Header("timeframe") String timeframe,
                            @Header("adjusted") String adjusted) throws SQLException {
        String symbol = ClientInput.ticker("ticker", ticker);
        Timeframe resolution = ClientInput.timeframe("timeframe", timeframe);
        boolean splitAdjusted = ClientInput.adjusted("adjusted", adjusted);
        Optional<Bar> bar = latestBars.latest(symbol, resolution, splitAdjusted);
        if (bar.isEmpty()) {
            try (Connection connection = dataSource.getConnection()) {
                KnownTickers.require(connection, symbol);
            }
            throw ApiProblem.notFound("Bar", "no " + resolution.code() + " bars of " + symbol + " yet");
        }
        return new LatestBar(symbol, resolution.code(), splitAdjusted, bar.get());
    }

    /** The latest endpoint's body: the series, the mode and its newest bar. */
    public record LatestBar(String ticker, String timeframe, boolean adjusted, Bar bar) {
    }

    /**
     * One page of bars in [from, to), ascending, as JSON or CSV. Sets the body to a {@link BarStream},
     * the {@code Link} to the next page, and for a closed range {@code ETag} and {@code Cache-Control}
     * (or answers 304 when {@code If-None-Match} matches). Split-adjusted unless {@code adjusted=false}.
     */
    public void range(@Header("ticker") String ticker, @Header("timeframe") String timeframe,
                      @Header("from") String from, @Header("to") String to, @Header("adjusted") String adjusted,
                      @Header("limit") String limit, @Header("cursor") String cursor, @Header("Accept") String accept,
                      @Header("If-None-Match") String ifNoneMatch, Exchange exchange) throws Exception {
        RangeQuery query = query(ticker, timeframe, from, to, adjusted);
        // before any connection is taken: a client at its maximum must not wait on the pool
        StreamPermits.Permit permit = streams.acquire(exchange.getProperty(ApiGuard.CLIENT, Long.class));
        try {
            streamRange(query, limit, cursor, accept, ifNoneMatch, exchange, permit);
        } catch (Exception e) {
            permit.release();
            throw e;
        }
    }

    private void streamRange(RangeQuery query, String limit, String cursor, String accept, String ifNoneMatch,
                             Exchange exchange, StreamPermits.Permit permit) throws Exception {
        int pageLimit = ClientInput.limit("limit", limit, settings.defaultLimit(), settings.maxLimit());
        PageCursor.Position position = cursor == null || cursor.isEmpty() ? null : PageCursor.decode(cursor, query);
        Instant start = position == null ? query.from() : position.start();
        BarFormat format = BarFormat.forAccept(accept);

        PageSummary summary;
        SplitAdjustment adjustment;
        try (Connection connection = dataSource.getConnection()) {
            KnownTickers.require(connection, query.ticker());
            adjustment = adjustments.of(connection, query.ticker(), query.timeframe(), query.from(), query.to(),
                    query.adjusted());
            summary = BarQueries.pageSummary(connection, query.ticker(), query.timeframe(), start, query.to(), pageLimit);
        }
        // over the whole query, so every page of it carries the same one while the splits stay the same
        String fingerprint = adjustment.fingerprint(query.from(), query.to());
        if (position != null) {
            PageCursor.requireAdjustment(position, fingerprint);
        }
        Instant end = summary.nextStart().orElse(query.to());
        String nextCursor = summary.nextStart().map(next -> PageCursor.encode(next, query, fingerprint)).orElse(null);

        Message response = exchange.getMessage();
        response.setHeader(Exchange.CONTENT_TYPE, format.contentType());
        if (nextCursor != null) {
            response.setHeader("Link", "<" + nextPageLink(query, pageLimit, nextCursor) + ">; rel=\"next\"");
        }
        if (isClosed(query)) {
            String etag = etag(query, start, summary, format, fingerprint);
            response.setHeader("ETag", etag);
            response.setHeader("Cache-Control", "private, max-age=" + maxAgeSeconds(adjustment));
            if (matches(ifNoneMatch, etag)) {
                response.setHeader(Exchange.HTTP_RESPONSE_CODE, 304);
                response.setBody(null);
                permit.release();
                return;
            }
        }
        BarFormat.Page page = new BarFormat.Page(query, summary.count(), nextCursor);
        BarStream body = BarStream.open(dataSource, settings.fetchSize(), query.ticker(), query.timeframe(),
                start, end, adjustment.stepper(), out -> format.open(out, mapper, page), permit::release);
        // The stream closes itself at its end; this also releases it if the response is never written.
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                closeQuietly(body);
            }
        });
        response.setBody(body);
    }

    private static RangeQuery query(String ticker, String timeframe, String from, String to, String adjusted) {
        RangeQuery query = new RangeQuery(ClientInput.ticker("ticker", ticker), ClientInput.timeframe("timeframe", timeframe),
                ClientInput.instant("from", from, false), ClientInput.instant("to", to, true),
                ClientInput.adjusted("adjusted", adjusted));
        ClientInput.check(query.from().isBefore(query.to()), "to", "must be after from");
        return query;
    }

    /** A range that ends before today (New York) no longer grows; late corrections still change its ETag. */
    private boolean isClosed(RangeQuery query) {
        Instant today = LocalDate.now(clock.withZone(Timeframe.EXCHANGE_ZONE)).atStartOfDay(Timeframe.EXCHANGE_ZONE)
                .toInstant();
        return !query.to().isAfter(today);
    }

    /**
     * How long a client may reuse a closed range: the setting, cut short where a split announced ahead
     * takes effect before it ends (the page may read otherwise from then on: its ETag changes, and a
     * cache must ask again to learn it).
     */
    private long maxAgeSeconds(SplitAdjustment adjustment) {
        long setting = settings.closedRangeMaxAgeSeconds();
        return adjustment.nextChange()
                .map(change -> Math.max(0, Math.min(setting, Duration.between(clock.instant(), change).toSeconds())))
                .orElse(setting);
    }

    /**
     * Changes whenever the page's bars do: a bar added (count, next start) or rewritten (newest write),
     * or adjusted otherwise (a split stored or taking effect, a held window fetched again raw).
     */
    private static String etag(RangeQuery query, Instant start, PageSummary summary, BarFormat format,
                               String adjustment) {
        String state = query.checksum() + "|" + start + "|" + summary + "|" + format + "|" + adjustment;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(state.getBytes(StandardCharsets.UTF_8));
            return '"' + HexFormat.of().formatHex(digest, 0, 16) + '"';
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        return ifNoneMatch != null && Arrays.stream(ifNoneMatch.split(","))
                .map(String::trim)
                .map(tag -> tag.startsWith("W/") ? tag.substring(2) : tag)
                .anyMatch(tag -> tag.equals(etag) || tag.equals("*"));
    }

    private static String nextPageLink(RangeQuery query, int limit, String cursor) {
        return PATH + "?ticker=" + query.ticker() + "&timeframe=" + query.timeframe().code()
                + "&from=" + encode(query.from().toString()) + "&to=" + encode(query.to().toString())
                + "&adjusted=" + query.adjusted() + "&limit=" + limit + "&cursor=" + cursor;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void closeQuietly(BarStream body) {
        try {
            body.close();
        } catch (java.io.IOException e) {
            // already reported by the stream's reader, or nothing left to release
        }
    }
}
