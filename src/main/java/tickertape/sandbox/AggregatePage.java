package tickertape.sandbox;

import java.util.List;
import java.util.OptionalLong;

/**
 * One page of an aggregates response.
 *
 * @param results the bars, in the query's sort order
 * @param baseAggregates how many base aggregates the bars were built from (Polygon's {@code queryCount})
 * @param nextBucket start of the first bucket of the next page, when more data exists
 */
record AggregatePage(List<Aggregate> results, int baseAggregates, OptionalLong nextBucket) {
}
