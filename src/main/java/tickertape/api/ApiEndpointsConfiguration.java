package tickertape.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import tickertape.api.market.MarketBars;
import tickertape.api.ml.BatchLimits;
import tickertape.api.ml.Features;
import tickertape.api.ml.Models;
import tickertape.api.ml.Predictions;
import tickertape.api.aggs.Aggregates;
import tickertape.api.trading.Portfolio;
import tickertape.api.trading.Signals;
import tickertape.api.trading.Trades;
import tickertape.bars.LatestBarCache;
import tickertape.bars.SplitAdjustments;

/**
 * The endpoints of routes/api-market, api-ml and api-trading: each reads and writes through the API's
 * pool, and serves bars split-adjusted from the caches of {@link ApiConfiguration}.
 */
@Configuration
public class ApiEndpointsConfiguration implements CamelConfiguration {
    @BindToRegistry("marketBars")
    public MarketBars marketBars(@BeanInject("apiDataSource") DataSource api, ObjectMapper json,
                                 LatestBarCache latestBars, SplitAdjustments splitAdjustments, Clock clock,
                                 @PropertyInject("api.market.default-limit") int defaultLimit,
                                 @PropertyInject("api.market.max-limit") int maxLimit,
                                 @PropertyInject("api.market.fetch-size") int fetchSize,
                                 @PropertyInject("api.market.closed-range-max-age-seconds") int closedRangeMaxAgeSeconds,
                                 @PropertyInject("api.market.max-streams-per-key") int maxStreamsPerKey) {
        return new MarketBars(api, json, latestBars, splitAdjustments, new MarketBars.Settings(defaultLimit, maxLimit,
                fetchSize, closedRangeMaxAgeSeconds, maxStreamsPerKey), clock);
    }

    @BindToRegistry("polygonAggregates")
    public Aggregates polygonAggregates(@BeanInject("apiDataSource") DataSource api,
                                               SplitAdjustments splitAdjustments) {
        return new Aggregates(api, splitAdjustments);
    }

    @BindToRegistry("features")
    public Features features(@BeanInject("apiDataSource") DataSource api, ObjectMapper json,
                             SplitAdjustments splitAdjustments,
                             @PropertyInject("api.ml.max-batch-rows") int maxBatchRows) {
        return new Features(api, json, new BatchLimits(maxBatchRows), splitAdjustments);
    }

    @BindToRegistry("models")
    public Models models(@BeanInject("apiDataSource") DataSource api, ObjectMapper json) {
        return new Models(api, json);
    }

    @BindToRegistry("predictions")
    public Predictions predictions(@BeanInject("apiDataSource") DataSource api, ObjectMapper json,
                                   SplitAdjustments splitAdjustments,
                                   @PropertyInject("api.ml.max-batch-rows") int maxBatchRows,
                                   @PropertyInject("api.ml.accuracy-default-window") int defaultWindow,
                                   @PropertyInject("api.ml.accuracy-max-window") int maxWindow) {
        return new Predictions(api, json, new BatchLimits(maxBatchRows),
                new Predictions.AccuracyWindow(defaultWindow, maxWindow), splitAdjustments);
    }

    @BindToRegistry("signals")
    public Signals signals(@BeanInject("apiDataSource") DataSource api,
                           @PropertyInject("api.trading.signal-threshold") double threshold) {
        return new Signals(api, threshold);
    }

    @BindToRegistry("portfolio")
    public Portfolio portfolio(@BeanInject("apiDataSource") DataSource api, LatestBarCache latestBars,
                               @PropertyInject("api.trading.portfolio") String portfolio) {
        return new Portfolio(api, latestBars, portfolio);
    }

    @BindToRegistry("trades")
    public Trades trades(@BeanInject("apiDataSource") DataSource api, ObjectMapper json, Clock clock,
                         @PropertyInject("api.trading.portfolio") String portfolio) {
        return new Trades(api, json, portfolio, clock);
    }
}
