package tickertape.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Properties;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tickertape.api.market.ApiTestSupport;
import tickertape.keys.Role;

/**
 * Cursors issued before cursors carried the split adjustment (a client paging across the deploy that
 * added it) are answered 409 adjustment-changed, as any cursor whose pages were read otherwise: their
 * pages were the bars as stored then. A cursor of another query stays a 400. The old formats are
 * written here as those versions wrote them: /market's base64url of "nextStartMs.crc32(ticker|timeframe|from|to)",
 * /v2/aggs' base64url of the next bucket's start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreFingerprintCursorsTest extends ApiTestSupport {
    private static final Instant FIRST = Instant.parse("2025-01-02T14:30:00Z");
    /** from=2025-01-02&to=2025-01-03 as the API reads them: midnight New York to the midnight ending the 3rd. */
    private static final String RANGE = "2025-01-02T05:00:00Z|2025-01-04T05:00:00Z";
    private static final String NEXT = String.valueOf(FIRST.plusSeconds(120).toEpochMilli());

    @Override
    protected Properties extraProperties() {
        return withoutTickers();
    }

    @Test
    void aMarketCursorFromBeforeTheFingerprintIs409AndOneOfAnotherQuery400() throws Exception {
        addTicker("OLDC");
        insertBars("OLDC", "1m", FIRST, Duration.ofMinutes(1), 4);
        String range = "/api/v2/data/market?ticker=OLDC&timeframe=1m&from=2025-01-02&to=2025-01-03&limit=2&cursor=";

        Reply stale = get(Role.ML, range + oldCursor(NEXT + "." + Long.toHexString(crc("OLDC|1m|" + RANGE))));
        assertThat(stale.status()).as(stale.body()).isEqualTo(409);
        assertThat(stale.json().path("type").asText()).endsWith("/adjustment-changed");
        assertThat(stale.json().path("detail").asText()).contains("first page");

        Reply foreign = get(Role.ML, range + oldCursor(NEXT + "." + Long.toHexString(crc("OLDC|5m|" + RANGE))));
        assertThat(foreign.status()).as(foreign.body()).isEqualTo(400);
        assertThat(foreign.json().path("parameter").asText()).isEqualTo("cursor");
    }

    @Test
    void aNextUrlFromBeforeTheFingerprintIs409() throws Exception {
        addTicker("OLDA");
        insertBars("OLDA", "1m", FIRST, Duration.ofMinutes(1), 4);

        Reply stale = get(Role.ML, "/v2/aggs/ticker/OLDA/range/1/minute/2025-01-02/2025-01-03?limit=2&cursor="
                + oldCursor(NEXT));
        assertThat(stale.status()).as(stale.body()).isEqualTo(409);
        assertThat(stale.json().path("status").asText()).isEqualTo("ERROR");
        assertThat(stale.json().path("error").asText()).contains("splits changed");
    }

    private static String oldCursor(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static long crc(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
