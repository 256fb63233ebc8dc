package tickertape.sandbox;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import tickertape.market.Timeframe;

/**
 * Builds one page of aggregates from the synthetic 1-minute bars.
 *
 * <p>A page holds whole buckets only, so a bar never depends on where a page boundary fell: buckets are
 * added in sort order while the base aggregates behind them (minutes for minute and hour bars, days for
 * day bars, as Polygon counts them) stay within {@code limit}. The first bucket of a page is always
 * taken, even if it alone exceeds the limit, so paging always advances.
 */
final class AggregatePager {

    private static final long MINUTE_MILLIS = 60_000;

    private final SyntheticBars bars;

    AggregatePager(SyntheticBars bars) {
        this.bars = bars;
    }

    /** One page of {@code query}, seeing only minutes that ended by {@code servedUntil}. */
    AggregatePage page(AggregatesQuery query, Instant servedUntil) {
        long until = servedUntil.toEpochMilli();
        LocalDate first = dayOf(query.rangeStart());
        LocalDate lastOfRange = dayOf(query.rangeEnd()).plusDays(query.bucketing().daysPerBucket() - 1L);
        LocalDate last = lastOfRange.isAfter(dayOf(until)) ? dayOf(until) : lastOfRange;
        int step = query.descending() ? -1 : 1;
        PageBuilder page = new PageBuilder(query);
        // Day by day in sort order, generating only as far as the page needs.
        for (LocalDate day = query.descending() ? last : first;
                !day.isBefore(first) && !day.isAfter(last); day = day.plusDays(step)) {
            for (Aggregate base : baseAggregates(query, day, until)) {
                if (!page.offer(base)) {
                    return page.build();
                }
            }
        }
        page.finish();
        return page.build();
    }

    /** The day's base aggregates in sort order: its minute bars, or for day bars its one day bar. */
    private List<Aggregate> baseAggregates(AggregatesQuery query, LocalDate day, long servedUntil) {
        List<Aggregate> minutes = new ArrayList<>(bars.minuteBars(query.ticker(), day));
        minutes.removeIf(bar -> bar.startMillis() + MINUTE_MILLIS > servedUntil);
        if (!query.bucketing().countsMinutes()) {
            long midnight = day.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant().toEpochMilli();
            return minutes.isEmpty() ? List.of() : List.of(Aggregate.rollUp(midnight, minutes));
        }
        if (query.descending()) {
            Collections.reverse(minutes);
        }
        return minutes;
    }

    private static LocalDate dayOf(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
    }

    /** Accumulates base aggregates into the current bucket and whole buckets into the page. */
    private static final class PageBuilder {
        private final AggregatesQuery query;
        private final List<Aggregate> results = new ArrayList<>();
        private final List<Aggregate> bucket = new ArrayList<>();
        private long bucketStart;
        private int baseAggregates;
        private OptionalLong nextBucket = OptionalLong.empty();

        PageBuilder(AggregatesQuery query) {
            this.query = query;
        }

        /** Takes one base aggregate in sort order; false once the page is full. */
        boolean offer(Aggregate base) {
            long start = query.bucketing().bucketStart(base.startMillis());
            if (start < query.rangeStart() || start > query.rangeEnd()) {
                return true;
            }
            if (!bucket.isEmpty() && start != bucketStart && !closeBucket()) {
                return false;
            }
            bucketStart = start;
            bucket.add(base);
            return true;
        }

        /** Closes the last bucket once the range is exhausted. */
        void finish() {
            if (!bucket.isEmpty()) {
                closeBucket();
            }
        }

        AggregatePage build() {
            return new AggregatePage(results, baseAggregates, nextBucket);
        }

        /** Adds the current bucket if it fits; otherwise it becomes where the next page starts. */
        private boolean closeBucket() {
            if (!results.isEmpty() && baseAggregates + bucket.size() > query.limit()) {
                nextBucket = OptionalLong.of(bucketStart);
                return false;
            }
            if (query.descending()) {
                Collections.reverse(bucket);
            }
            results.add(Aggregate.rollUp(bucketStart, bucket));
            baseAggregates += bucket.size();
            bucket.clear();
            return true;
        }
    }
}
