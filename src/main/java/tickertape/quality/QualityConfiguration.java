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
                                   TickerRoutes tickerRoutes, UnexplainedMoves unexplainedMoves, Clock clock,
                                   ExchangeCalendar calendar, String refreshSchedule, int defaultDays,
                                   int repairDays) {
        Staleness staleness = Staleness.forSchedule(calendar, refreshSchedule);
        QualityStore store = new QualityStore(dataSource);
        QualityCheck check = new QualityCheck(store, calendar, staleness, new DerivedConsistency(dataSource),
                unexplainedMoves, clock);
        QualityRequests requests = new QualityRequests(tickerRoutes, store, clock, defaultDays);
        Registry registry = context.getRegistry();
        DataQuality dataQuality = new DataQuality(requests, check, staleness, clock);
        registry.bind("dataQuality", dataQuality);
        registry.bind("gapRepair", new GapRepair(requests, check, planner, context.createProducerTemplate(),
                repairDays));
        return dataQuality;
    }
}
