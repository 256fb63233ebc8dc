package tickertape.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import org.junit.jupiter.api.Test;
import tickertape.market.Timeframe;

/**
 * The plan of a scheduled refresh (SeriesPlanner.onSchedule, what each Quartz fire of a ticker asks)
 * when the source last answered before a weekend: the sessions since have traded and closed, so both
 * fetched series are refreshed from the end of their answers, less the overlap.
 */
class ScheduledRefreshTest extends IngestionTestSupport {
    @Test
    void aRefreshAcrossAWeekendRefreshesTheMinutesAndTheDays() throws Exception {
        String symbol = "WKND";
        addTicker(symbol);
        // the Friday evening, after its after-hours, of the week before last: a whole weekend and at
        // least a whole week of sessions lie between it and now, whatever day this runs
        LocalDate friday = LocalDate.now(Timeframe.EXCHANGE_ZONE).minusDays(7)
                .with(TemporalAdjusters.previous(DayOfWeek.FRIDAY));
        Instant answeredUntil = ZonedDateTime.of(friday, LocalTime.of(21, 0), Timeframe.EXCHANGE_ZONE).toInstant();
        Instant start = planner().backfillStart("P30D");
        for (Timeframe timeframe : SeriesPlanner.FETCHED) {
            execute("insert into series_coverage(ticker, timeframe, covered) values ('" + symbol + "', '"
                    + timeframe.code() + "', tstzmultirange(tstzrange('" + start + "', '" + answeredUntil + "')))");
        }

        List<IngestionJob> jobs = planner().onSchedule(symbol, "P30D");

        assertThat(jobs).extracting(IngestionJob::trigger, IngestionJob::timeframe, IngestionJob::from)
                .containsExactly(
                        tuple(RunTrigger.REFRESH, Timeframe.M1,
                                answeredUntil.minus(Duration.ofMinutes(30))),
                        tuple(RunTrigger.REFRESH, Timeframe.D1,
                                answeredUntil.minus(Duration.ofDays(3))));
    }
}
