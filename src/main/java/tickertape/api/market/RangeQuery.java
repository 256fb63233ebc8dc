package tickertape.api.market;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.CRC32;
import tickertape.market.Timeframe;

/** The series, the time range [from, to) and the mode (split-adjusted or raw) a market-data request reads, before paging. */
record RangeQuery(String ticker, Timeframe timeframe, Instant from, Instant to, boolean adjusted) {

    /** Ties a cursor to this query: a cursor from another ticker, timeframe, range or mode is refused. */
    long checksum() {
        return crc(seriesAndRange() + '|' + adjusted);
    }

    /** The checksum of cursors issued before reads had a mode (PageCursor): the series and range alone. */
    long checksumWithoutMode() {
        return crc(seriesAndRange());
    }

    private String seriesAndRange() {
        return ticker + '|' + timeframe.code() + '|' + from + '|' + to;
    }

    private static long crc(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
