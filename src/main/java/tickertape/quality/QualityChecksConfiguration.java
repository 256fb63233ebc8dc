package tickertape.quality;

import java.time.Clock;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import tickertape.ingest.TickerRoutes;
import tickertape.bars.DerivedConsistency;
import tickertape.market.ExchangeCalendar;

/**
 * What the data-quality report and the gap repair ({@link QualityConfiguration}) are made of: the
 * store's view of coverage and gaps, the checks, and how a request names what it asks about.
 */
@Configuration
public class QualityChecksConfiguration implements CamelConfiguration {
    /** When a series is stale, by the refresh schedule. */
    @BindToRegistry("staleness")
    public Staleness staleness(ExchangeCalendar calendar,
                               @PropertyInject("tickertape.refresh-schedule") String refreshSchedule) {
        return Staleness.forSchedule(calendar, refreshSchedule);
    }

    @BindToRegistry("qualityStore")
    public QualityStore qualityStore(@BeanInject("dataSource") DataSource dataSource) {
        return new QualityStore(dataSource);
    }

    @BindToRegistry("qualityCheck")
    public QualityCheck qualityCheck(@BeanInject("dataSource") DataSource dataSource, QualityStore store,
                                     ExchangeCalendar calendar, Staleness staleness, UnexplainedMoves unexplainedMoves,
                                     Clock clock) {
        return new QualityCheck(store, calendar, staleness, new DerivedConsistency(dataSource), unexplainedMoves,
                clock);
    }

    @BindToRegistry("qualityRequests")
    public QualityRequests qualityRequests(TickerRoutes tickerRoutes, QualityStore store, Clock clock,
                                           @PropertyInject("quality.default-days") int defaultDays) {
        return new QualityRequests(tickerRoutes, store, clock, defaultDays);
    }
}
