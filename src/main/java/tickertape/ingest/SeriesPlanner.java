package tickertape.ingest;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tickertape.bars.CoverageLedger;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;

/**
 * Decides what each series needs from Polygon, from the coverage ledger (so progress survives any
 * stop, and a window lost by a failed write is fetched again): the base series are 1m and 1d (the
 * others are rolled up from 1m). What lies between the backfill start and now and the source has not
 * answered for is a hole. The hole that reaches now is the refresh, fetched oldest first from a little
 * before it (late corrections); every other hole is a backfill, fetched newest first. At most one run
 * per series is open at a time (the database refuses a second), so a plan names one job per series:
 * the refresh when it is due, else the newest other hole; the next plan takes the next.
 */
public class SeriesPlanner {
    public static final List<Timeframe> FETCHED = List.of(Timeframe.M1, Timeframe.D1);

    private final CoverageLedger ledger;
    private final IngestionRuns runs;
    private final ExchangeCalendar calendar;
    private final Clock clock;
    private final String defaultBackfillFrom;
    private final Duration minuteOverlap;
    private final Duration dayOverlap;
    private final Duration staleAfter;
    private final Duration retryFailedAfter;

    public SeriesPlanner(CoverageLedger ledger, IngestionRuns runs, ExchangeCalendar calendar, Clock clock,
                         String defaultBackfillFrom, Duration minuteOverlap, Duration dayOverlap, Duration staleAfter,
                         Duration retryFailedAfter) {
        this.ledger = ledger;
        this.runs = runs;
        this.calendar = calendar;
        this.clock = clock;
        this.defaultBackfillFrom = defaultBackfillFrom;
        this.minuteOverlap = minuteOverlap;
        this.dayOverlap = dayOverlap;
        this.staleAfter = staleAfter;
        this.retryFailedAfter = retryFailedAfter;
        backfillStart(defaultBackfillFrom); // fail at start-up on a bad setting, not at the first job
    }

    /** What a ticker needs when its route starts: its holes, and the refresh if it is stale. */
    public List<IngestionJob> onStart(String ticker, String backfillFrom) throws SQLException {
        return plan(ticker, backfillFrom, Refresh.IF_STALE);
    }

    /** The scheduled refresh: the newest data once a session has traded since the last answer, else a hole. */
    public List<IngestionJob> onSchedule(String ticker, String backfillFrom) throws SQLException {
        return plan(ticker, backfillFrom, Refresh.IF_TRADED);
    }

    /**
     * Between refreshes: the holes alone (a failed write, an interrupted backfill), except of a series
     * whose last run failed less than retry-failed-after ago (a fault that lasts must not spend the budget).
     */
    public List<IngestionJob> holes(String ticker, String backfillFrom) throws SQLException {
        List<IngestionJob> jobs = new ArrayList<>();
        for (IngestionJob job : plan(ticker, backfillFrom, Refresh.NEVER)) {
            if (!runs.failedWithin(job.ticker(), job.timeframe(), retryFailedAfter)) {
                jobs.add(job);
            }
        }
        return jobs;
    }

    /** When the hole that reaches now is fetched. */
    private enum Refresh { IF_STALE, IF_TRADED, NEVER }

    private List<IngestionJob> plan(String ticker, String backfillFrom, Refresh refresh) throws SQLException {
        Instant start = backfillStart(backfillFrom);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<IngestionJob> jobs = new ArrayList<>();
        for (Timeframe timeframe : FETCHED) {
            next(ticker, timeframe, start, now, ledger.holes(ticker, timeframe, start, now), refresh)
                    .ifPresent(jobs::add);
        }
        return jobs;
    }

    private Optional<IngestionJob> next(String ticker, Timeframe timeframe, Instant start, Instant now,
                                        List<CoverageLedger.Window> holes, Refresh refresh) {
        if (holes.isEmpty()) {
            return Optional.empty();
        }
        CoverageLedger.Window newest = holes.get(holes.size() - 1);
        if (holes.size() == 1 && newest.from().equals(start) && newest.to().equals(now)) {
            return Optional.of(new IngestionJob(RunTrigger.BACKFILL, ticker, timeframe, start, now, true)); // nothing yet
        }
        boolean tail = newest.to().equals(now);
        if (tail && refreshDue(timeframe, newest.from(), now, refresh)) {
            Duration overlap = timeframe == Timeframe.D1 ? dayOverlap : minuteOverlap;
            Instant from = newest.from().minus(overlap).isBefore(start) ? start : newest.from().minus(overlap);
            return Optional.of(new IngestionJob(RunTrigger.REFRESH, ticker, timeframe, from, now, false));
        }
        List<CoverageLedger.Window> interior = tail ? holes.subList(0, holes.size() - 1) : holes;
        if (interior.isEmpty()) {
            return Optional.empty();
        }
        CoverageLedger.Window hole = interior.get(interior.size() - 1);
        // a job's window includes its end; the hole's end is the first covered instant
        return Optional.of(new IngestionJob(RunTrigger.BACKFILL, ticker, timeframe, hole.from(), hole.to().minusMillis(1), true));
    }

    /**
     * The refresh is due on schedule once a session has traded since the last answer (its minutes; for
     * 1d, a session has closed), and at start only when the last answer is older than stale-after.
     */
    private boolean refreshDue(Timeframe timeframe, Instant answeredUntil, Instant now, Refresh refresh) {
        return switch (refresh) {
            case NEVER -> false;
            case IF_STALE -> answeredUntil.isBefore(now.minus(staleAfter));
            case IF_TRADED -> timeframe == Timeframe.D1 ? sessionClosedBetween(answeredUntil, now)
                    : sessionOpenBetween(answeredUntil, now);
        };
    }

    private boolean sessionOpenBetween(Instant from, Instant to) {
        for (LocalDate day = exchangeDate(from); !day.isAfter(exchangeDate(to)); day = day.plusDays(1)) {
            if (calendar.isTradingDay(day) && calendar.extendedOpen(day).isBefore(to)
                    && calendar.extendedClose(day).isAfter(from)) {
                return true;
            }
        }
        return false;
    }

    private boolean sessionClosedBetween(Instant from, Instant to) {
        for (LocalDate day = exchangeDate(from); !day.isAfter(exchangeDate(to)); day = day.plusDays(1)) {
            if (calendar.isTradingDay(day) && calendar.extendedClose(day).isAfter(from)
                    && !calendar.extendedClose(day).isAfter(to)) {
                return true;
            }
        }
        return false;
    }

    private static LocalDate exchangeDate(Instant instant) {
        return instant.atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
    }

    /** An explicit window (manual run or gap repair), fetched oldest first. */
    public IngestionJob window(RunTrigger trigger, String ticker, Timeframe timeframe, Instant from, Instant to) {
        return new IngestionJob(trigger, ticker, timeframe, from, to, false);
    }

    /** Trading days in a job's window: the run's "requested" figure and the scale of its progress. */
    public int tradingDays(IngestionJob job) {
        LocalDate from = job.from().atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
        LocalDate to = job.to().atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
        return from.isAfter(to) ? 0 : calendar.tradingDays(from, to).size();
    }

    /** {@code P2Y} (a period back from today) or {@code 2024-01-01}, as midnight in New York; null: the default. */
    Instant backfillStart(String setting) {
        if (setting == null || setting.isBlank()) {
            return backfillStart(defaultBackfillFrom);
        }
        LocalDate today = LocalDate.now(clock.withZone(Timeframe.EXCHANGE_ZONE));
        LocalDate start;
        try {
            start = setting.startsWith("P") ? today.minus(Period.parse(setting)) : LocalDate.parse(setting);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("TICKERTAPE_BACKFILL_FROM must be a date (2024-01-02) or an ISO period "
                    + "(P2Y), not '" + setting + "'");
        }
        return start.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant();
    }
}
