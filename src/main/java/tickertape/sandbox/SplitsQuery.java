package tickertape.sandbox;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tickertape.polygon.AggregatesParameters;

/**
 * A validated splits request, {@code /v3/reference/splits?ticker&execution_date.gte&limit&order&cursor},
 * and its paging: results sorted by execution date ({@code order}, descending by default, as Polygon),
 * at most {@code limit} (default 10, at most 1000) a page; the {@code cursor} of {@code next_url} names
 * the first split of the next page (its date and ticker), so a page never repeats or skips one. Every
 * validation failure is an {@link IllegalArgumentException} whose message is fit for the 400 body.
 */
final class SplitsQuery {

    static final Pattern PATH = Pattern.compile("/v3/reference/splits/?");
    private static final int DEFAULT_LIMIT = 10;
    private static final int MAX_LIMIT = 1000;

    private final String ticker;
    private final Optional<LocalDate> executedFrom;
    private final int limit;
    private final boolean descending;
    private final Optional<SandboxSplits.Split> cursor;

    private SplitsQuery(String ticker, Optional<LocalDate> executedFrom, int limit, boolean descending,
            Optional<SandboxSplits.Split> cursor) {
        this.ticker = ticker;
        this.executedFrom = executedFrom;
        this.limit = limit;
        this.descending = descending;
        this.cursor = cursor;
    }

    static SplitsQuery parse(Map<String, String> params) {
        String ticker = params.get("ticker");
        if (ticker != null && ticker.isBlank()) {
            throw new IllegalArgumentException("ticker must not be empty");
        }
        Optional<LocalDate> from = Optional.ofNullable(params.get("execution_date.gte")).map(SplitsQuery::date);
        String order = params.getOrDefault("order", "desc");
        if (!order.equals("asc") && !order.equals("desc")) {
            throw new IllegalArgumentException("order must be asc or desc");
        }
        return new SplitsQuery(ticker, from, limit(params.get("limit")), order.equals("desc"),
                Optional.ofNullable(params.get("cursor")).map(SplitsQuery::position));
    }

    /** This query's page of {@code listed} (ascending by date then ticker) and the cursor of the next. */
    Page page(List<SandboxSplits.Split> listed) {
        Comparator<SandboxSplits.Split> order = Comparator.comparing(SandboxSplits.Split::executionDate)
                .thenComparing(SandboxSplits.Split::ticker);
        if (descending) {
            order = order.reversed();
        }
        Comparator<SandboxSplits.Split> sortOrder = order;
        List<SandboxSplits.Split> matching = listed.stream()
                .filter(split -> executedFrom.map(from -> !split.executionDate().isBefore(from)).orElse(true))
                .filter(split -> cursor.map(position -> sortOrder.compare(split, position) >= 0).orElse(true))
                .sorted(sortOrder)
                .limit(limit + 1L)
                .toList();
        if (matching.size() <= limit) {
            return new Page(matching, Optional.empty());
        }
        return new Page(matching.subList(0, limit), Optional.of(cursorOf(matching.get(limit))));
    }

    /** The same request from {@code cursor} on, on {@code baseUrl}; never carries an API key. */
    String nextUrl(String baseUrl, String nextCursor) {
        StringBuilder url = new StringBuilder(baseUrl).append("/v3/reference/splits?");
        if (ticker != null) {
            url.append("ticker=").append(URLEncoder.encode(ticker, StandardCharsets.UTF_8)).append('&');
        }
        executedFrom.ifPresent(from -> url.append("execution_date.gte=").append(from).append('&'));
        return url.append("limit=").append(limit).append("&order=").append(descending ? "desc" : "asc")
                .append("&cursor=").append(nextCursor).toString();
    }

    String ticker() {
        return ticker;
    }

    record Page(List<SandboxSplits.Split> results, Optional<String> nextCursor) {
    }

    private static String cursorOf(SandboxSplits.Split first) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((first.executionDate() + "|" + first.ticker()).getBytes(StandardCharsets.UTF_8));
    }

    /** A stand-in split at the cursor's position: only its date and ticker are compared. */
    private static SandboxSplits.Split position(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
            return new SandboxSplits.Split(parts[1], LocalDate.parse(parts[0]), 1, 1);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException | DateTimeParseException e) {
            throw new IllegalArgumentException("cursor is not one this server issued");
        }
    }

    private static LocalDate date(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("execution_date.gte must be a date YYYY-MM-DD");
        }
    }

    private static int limit(String text) {
        return AggregatesParameters.limit(text, DEFAULT_LIMIT, MAX_LIMIT);
    }
}
