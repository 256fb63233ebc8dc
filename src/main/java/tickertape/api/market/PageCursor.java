package tickertape.api.market;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import tickertape.api.ApiProblem;

/**
 * The opaque {@code cursor} of a market-data page: base64url of the first bar start of the next page
 * (Unix ms) and the checksum of the query it belongs to. Keyset paging: the next page reads
 * {@code ts >= } that start, so pages never overlap or skip a bar, whatever is written meanwhile.
 */
final class PageCursor {
    private PageCursor() {
    }

    static String encode(Instant nextStart, RangeQuery query) {
        String text = nextStart.toEpochMilli() + "." + Long.toHexString(query.checksum());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Where the page starts; a cursor that is not this server's, or is another query's, is a 400. */
    static Instant decode(String cursor, RangeQuery query) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split("\\.");
            if (parts.length == 2 && Long.parseLong(parts[1], 16) == query.checksum()) {
                Instant start = Instant.ofEpochMilli(Long.parseLong(parts[0]));
                if (!start.isBefore(query.from()) && start.isBefore(query.to())) {
                    return start;
                }
            }
        } catch (IllegalArgumentException e) {
            // not base64 or not numbers: reported below like any foreign cursor
        }
        throw ApiProblem.invalidParameter("cursor",
                "not a cursor of this query: pass the nextCursor of the previous page with the same ticker, timeframe, from and to");
    }
}
