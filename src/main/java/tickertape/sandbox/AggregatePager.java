package tickertape.sandbox;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.ToDoubleFunction;
import tickertape.market.Timeframe;

/**
 * Builds one page of aggregates from the synthetic raw 1-minute bars, adjusted for splits when asked.
 *
 * <p>A page holds whole buckets only, so a bar never depends on where a page boundary fell: buckets are
 * added in sort order while the base aggregates behind them (minutes for minute and hour bars, days for
 * day bars, as Polygon counts them) stay within {@code limit}. The first bucket of a page is always
 * taken, even if it alone exceeds the limit, so paging always advances. An adjusted answer is the raw
 * bar of each bucket with its prices (o h l c vw) multiplied by {@link SandboxSplits#adjustment} for the
 * New York day the bucket starts on, and its volume divided by it ({@code n} unchanged).
 */
final class AggregatePager {

    private static final long MINUTE_MILLIS = 60_000;

    private final SyntheticBars bars;
    private final SandboxSplits splits;

    AggregatePager(SyntheticBars bars, SandboxSplits splits) {
        this.bars = bars;
        this.splits = splits;
    }

    /**
     * One page of {@code query}, seeing only minutes that ended by {@code servedUntil}, adjusted (if
     * asked) for the splits executed by the New York day {@code today}.
     */
    AggregatePage page(AggregatesQuery query, Instant servedUntil, LocalDate today) {
        long until = servedUntil.toEpochMilli();
        LocalDate first = dayOf(query.rangeStart());
        LocalDate lastOfRange = dayOf(query.rangeEnd()).plusDays(query.bucketing().daysPerBucket() - 1L);
        LocalDate last = lastOfRange.isAfter(dayOf(until)) ? dayOf(until) : lastOfRange;
        int step = query.descending() ? -1 : 1;
        PageBuilder page = new PageBuilder(query, query.adjusted()
                ? bucketDay -> splits.adjustment(query.ticker(), bucketDay, today)
                : bucketDay -> 1);
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
        /** The factor of a bucket starting on a New York day; pages run to 50,000 buckets, so asked once a day. */
        private final ToDoubleFunction<LocalDate> adjustment;
        private LocalDate adjustedDay;
        private double dayFactor;
        private final List<Aggregate> results = new ArrayList<>();
        private final List<Aggregate> bucket = new ArrayList<>();
        private long bucketStart;
        private int baseAggregates;
        private OptionalLong nextBucket = OptionalLong.empty();

        PageBuilder(AggregatesQuery query, ToDoubleFunction<LocalDate> adjustment) {
            this.query = query;
            this.adjustment = adjustment;
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
            results.add(Aggregate.rollUp(bucketStart, bucket).adjusted(factorOf(dayOf(bucketStart))));
            baseAggregates += bucket.size();
            bucket.clear();
            return true;
        }

        private double factorOf(LocalDate day) {
            if (!day.equals(adjustedDay)) {
                adjustedDay = day;
                dayFactor = adjustment.applyAsDouble(day);
            }
            return dayFactor;
        }
    }
}
