package tickertape.api.market;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.CRC32;
import tickertape.market.Timeframe;

/** The series and the time range [from, to) a market-data request reads, before paging. */
record RangeQuery(String ticker, Timeframe timeframe, Instant from, Instant to) {

    /** Ties a cursor to this query: a cursor from another ticker, timeframe or range is refused. */
    long checksum() {
        CRC32 crc = new CRC32();
        crc.update((ticker + '|' + timeframe.code() + '|' + from + '|' + to).getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
