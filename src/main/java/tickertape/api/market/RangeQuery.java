package tickertape.api.market;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.CRC32;
import tickertape.market.Timeframe;

/** The series, the time range [from, to) and the mode (split-adjusted or raw) a market-data request reads, before paging. */
record RangeQuery(String ticker, Timeframe timeframe, Instant from, Instant to, boolean adjusted) {

    /** Ties a cursor to this query: a cursor from another ticker, timeframe, range or mode is refused. */
    long checksum() {
        CRC32 crc = new CRC32();
        crc.update((ticker + '|' + timeframe.code() + '|' + from + '|' + to + '|' + adjusted)
                .getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
