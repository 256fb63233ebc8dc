package tickertape.api.market;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import tickertape.api.ApiProblem;

/**
 * The opaque {@code cursor} of a market-data page: base64url of the first bar start of the next page
 * (Unix ms), the checksum of the query it belongs to, and the fingerprint of the split adjustment its
 * pages were read with. Keyset paging: the next page reads {@code ts >= } that start, so pages never
 * overlap or skip a bar, whatever is written meanwhile; and a page read after the adjustment changed
 * (a split arrived or took effect) is refused rather than mixed with pages adjusted the old way.
 */
final class PageCursor {
    private PageCursor() {
    }

    /** Where a cursor says the next page starts, and the adjustment its pages had. */
    record Position(Instant start, String adjustment) {
    }

    static String encode(Instant nextStart, RangeQuery query, String adjustment) {
        String text = nextStart.toEpochMilli() + "." + Long.toHexString(query.checksum()) + "." + adjustment;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Where the page starts; a cursor that is not this server's, or is another query's, is a 400. A
     * cursor issued before cursors carried the adjustment (two parts, its checksum without the mode)
     * comes back with none, so {@link #requireAdjustment} answers it 409 like any page read otherwise:
     * its pages were the bars as stored then, which reads no longer serve.
     */
    static Position decode(String cursor, RangeQuery query) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split("\\.");
            boolean withAdjustment = parts.length == 3;
            long checksum = withAdjustment ? query.checksum() : query.checksumWithoutMode();
            if ((withAdjustment || parts.length == 2) && Long.parseLong(parts[1], 16) == checksum) {
                Instant start = Instant.ofEpochMilli(Long.parseLong(parts[0]));
                if (!start.isBefore(query.from()) && start.isBefore(query.to())) {
                    return new Position(start, withAdjustment ? parts[2] : "");
                }
            }
        } catch (IllegalArgumentException e) {
            // not base64 or not numbers: reported below like any foreign cursor
        }
        throw ApiProblem.invalidParameter("cursor",
                "not a cursor of this query: pass the nextCursor of the previous page with the same ticker, timeframe,"
                        + " from, to and adjusted");
    }

    /** 409 when the adjustment that applies now is not the one the earlier pages were read with. */
    static void requireAdjustment(Position position, String adjustment) {
        if (!position.adjustment().equals(adjustment)) {
            throw new ApiProblem(409, "adjustment-changed", "Splits changed",
                    "the ticker's splits changed since this page; start again from the first page", "cursor");
        }
    }
}
