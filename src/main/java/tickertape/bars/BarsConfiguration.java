package tickertape.bars;

import java.time.Clock;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;

/**
 * What the bar table's readers share in memory: the splits, and the newest bar of each series
 * adjusted by them. Both are caches of the database, forgotten on every change any process announces
 * (the change listener, bound with the API's key cache in ApiConfiguration, tells them).
 */
@Configuration
public class BarsConfiguration implements CamelConfiguration {
    /** Bars are stored raw and adjusted on read (sql/V8__splits.sql). */
    @BindToRegistry("splitAdjustments")
    public SplitAdjustments splitAdjustments(@BeanInject("apiDataSource") DataSource api, Clock clock) {
        return new SplitAdjustments(api, clock);
    }

    @BindToRegistry("latestBarCache")
    public LatestBarCache latestBarCache(@BeanInject("apiDataSource") DataSource api,
                                         SplitAdjustments splitAdjustments) {
        return new LatestBarCache(api, splitAdjustments);
    }
}
