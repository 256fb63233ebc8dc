package tickertape.quality;

import java.time.Clock;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import tickertape.ingest.SeriesPlanner;
import tickertape.ingest.TickerRoutes;
import tickertape.market.ExchangeCalendar;

/** Binds the beans the data-quality routes use: {@code dataQuality} (the report) and {@code gapRepair}. */
public final class QualityConfiguration {
    private QualityConfiguration() {
    }

    /** @return the {@code dataQuality} bean, which the status page also reads coverage from */
    public static DataQuality bind(CamelContext context, DataSource dataSource, SeriesPlanner planner,
                            TickerRoutes tickerRoutes, UnexplainedMoves unexplainedMoves) {
        Clock clock = Clock.systemUTC();
        ExchangeCalendar calendar = new ExchangeCalendar();
        Staleness staleness = Staleness.forSchedule(calendar, setting(context, "tickertape.refresh-schedule"));
        QualityStore store = new QualityStore(dataSource);
        QualityCheck check = new QualityCheck(store, calendar, staleness, new DerivedConsistency(dataSource),
                unexplainedMoves, clock);
        QualityRequests requests = new QualityRequests(tickerRoutes, store, clock,
                Integer.parseInt(setting(context, "quality.default-days")));
        Registry registry = context.getRegistry();
        DataQuality dataQuality = new DataQuality(requests, check, staleness, clock);
        registry.bind("dataQuality", dataQuality);
        registry.bind("gapRepair", new GapRepair(requests, check, planner, context.createProducerTemplate(),
                Integer.parseInt(setting(context, "quality.repair-days"))));
        return dataQuality;
    }

    private static String setting(CamelContext context, String key) {
        return context.resolvePropertyPlaceholders("{{" + key + "}}");
    }
}
