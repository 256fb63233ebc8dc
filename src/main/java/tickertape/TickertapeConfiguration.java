package tickertape;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Clock;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.spi.Registry;
import tickertape.database.SqlRowJson;
import tickertape.market.ExchangeCalendar;
import tickertape.metrics.Metrics;

/**
 * The beans every area shares, one of each: the clock, the exchange calendar, the JSON mapper and the
 * application's meters. The areas' configurations ({@link Main#configure} lists them) take these as
 * parameters of their factory methods, found by type.
 */
@Configuration
public class TickertapeConfiguration implements CamelConfiguration {
    private final Clock clock;

    /** @param clock the app's now, for every bean that asks: a test's clock it moves */
    public TickertapeConfiguration(Clock clock) {
        this.clock = clock;
    }

    @BindToRegistry("clock")
    public Clock clock() {
        return clock;
    }

    @BindToRegistry("exchangeCalendar")
    public ExchangeCalendar exchangeCalendar() {
        return new ExchangeCalendar();
    }

    @BindToRegistry("jsonMapper")
    public ObjectMapper jsonMapper() {
        return JsonMapper.builder()
                // the same doubles as the JDK's parser, read several times faster: a Polygon page holds 300,000
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .addModule(new JavaTimeModule())
                .addModule(new SqlRowJson())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
    }

    /** The meters ingestion and the API feed, on the registry /observe/metrics serves. */
    @BindToRegistry("metrics")
    public Metrics metrics(Registry registry) {
        return new Metrics(Metrics.sharedRegistry(registry));
    }
}
