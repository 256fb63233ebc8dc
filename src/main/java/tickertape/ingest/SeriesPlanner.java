package tickertape.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import tickertape.market.ExchangeCalendar;
import tickertape.store.Columns;
import tickertape.market.Timeframe;

/**
 * Decides what each series needs from Polygon, from what the store holds (so progress survives any
 * stop): the base series are 1m and 1d (the others are rolled up from 1m). A series lacking history
 * back to its backfill start gets a backfill, fetched newest first down to that start; a series
 * behind gets a refresh from its newest bar minus an overlap, which picks up late corrections.
 */
public class SeriesPlanner {
    public static final List<Timeframe> FETCHED = List.of(Timeframe.M1, Timeframe.D1);

    private final DataSource dataSource;
    private final ExchangeCalendar calendar;
    private final Clock clock;
    private final String defaultBackfillFrom;
    private final Duration minuteOverlap;
    private final Duration dayOverlap;
    private final Duration staleAfter;

    public SeriesPlanner(DataSource dataSource, ExchangeCalendar calendar, Clock clock, String defaultBackfillFrom,
                         Duration minuteOverlap, Duration dayOverlap, Duration staleAfter) {
        this.dataSource = dataSource;
        this.calendar = calendar;
        this.clock = clock;
        this.defaultBackfillFrom = defaultBackfillFrom;
        this.minuteOverlap = minuteOverlap;
        this.dayOverlap = dayOverlap;
        this.staleAfter = staleAfter;
        backfillStart(defaultBackfillFrom); // fail at start-up on a bad setting, not at the first job
    }

    /** What a ticker needs when its route starts: backfill what is missing, catch up what is stale. */
    public List<IngestionJob> onStart(String ticker, String backfillFrom) throws SQLException {
        List<IngestionJob> jobs = new ArrayList<>();
        for (Timeframe timeframe : FETCHED) {
            SeriesSpan held = span(ticker, timeframe);
            backfill(ticker, timeframe, held, backfillFrom).ifPresent(jobs::add);
            if (held.newest() != null && held.newest().isBefore(clock.instant().minus(staleAfter))) {
                jobs.add(refreshJob("refresh", ticker, timeframe, held));
            }
        }
        return jobs;
    }

    /** The scheduled refresh: 1m from the newest bar on; 1d once a completed session's bar is missing. */
    public List<IngestionJob> onSchedule(String ticker) throws SQLException {
        List<IngestionJob> jobs = new ArrayList<>();
        SeriesSpan minutes = span(ticker, Timeframe.M1);
        if (minutes.newest() != null) {
            jobs.add(refreshJob("refresh", ticker, Timeframe.M1, minutes));
        }
        SeriesSpan days = span(ticker, Timeframe.D1);
        if (days.newest() != null && days.newest().isBefore(lastCompletedSessionDay())) {
            jobs.add(refreshJob("refresh", ticker, Timeframe.D1, days));
        }
        return jobs;
    }

    /** An explicit window (manual run or gap repair), fetched oldest first. */
    public IngestionJob window(String trigger, String ticker, Timeframe timeframe, Instant from, Instant to) {
        return new IngestionJob(trigger, ticker, timeframe, from, to, false);
    }

    /** Trading days in a job's window: the run's "requested" figure and the scale of its progress. */
    public int tradingDays(IngestionJob job) {
        LocalDate from = job.from().atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
        LocalDate to = job.to().atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
        return from.isAfter(to) ? 0 : calendar.tradingDays(from, to).size();
    }

    /**
     * The backfill a series still needs: none when its oldest bar is on the first trading day from the
     * backfill start (nothing older exists) or the source confirmed the span before it empty.
     */
    private Optional<IngestionJob> backfill(String ticker, Timeframe timeframe, SeriesSpan held, String backfillFrom)
            throws SQLException {
        Instant start = backfillStart(backfillFrom);
        Instant to = held.oldest() == null ? clock.instant() : held.oldest();
        if (held.oldest() != null && (!held.oldest().isAfter(firstSessionEnd(start)) || confirmedEmpty(ticker,
                timeframe, start, held.oldest()))) {
            return Optional.empty();
        }
        return Optional.of(new IngestionJob("backfill", ticker, timeframe, start, to, true));
    }

    private IngestionJob refreshJob(String trigger, String ticker, Timeframe timeframe, SeriesSpan held) {
        Duration overlap = timeframe == Timeframe.D1 ? dayOverlap : minuteOverlap;
        return new IngestionJob(trigger, ticker, timeframe, held.newest().minus(overlap), clock.instant(), false);
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

    private Instant firstSessionEnd(Instant start) {
        LocalDate day = start.atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
        while (!calendar.isTradingDay(day)) {
            day = day.plusDays(1);
        }
        return calendar.extendedClose(day);
    }

    /** Midnight (New York) of the newest trading day whose extended session has ended. */
    private Instant lastCompletedSessionDay() {
        LocalDate day = LocalDate.now(clock.withZone(Timeframe.EXCHANGE_ZONE));
        while (!calendar.isTradingDay(day) || calendar.extendedClose(day).isAfter(clock.instant())) {
            day = day.minusDays(1);
        }
        return day.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant();
    }

    record SeriesSpan(Instant oldest, Instant newest) {
    }

    private SeriesSpan span(String ticker, Timeframe timeframe) throws SQLException {
        // Two index probes on the primary key, not a scan.
        String sql = """
                select (select min(ts) from market_bar where ticker = ? and timeframe = ?),
                       (select max(ts) from market_bar where ticker = ? and timeframe = ?)""";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < 2; i++) {
                statement.setString(2 * i + 1, ticker);
                statement.setString(2 * i + 2, timeframe.code());
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new SeriesSpan(Columns.instant(rows, 1), Columns.instant(rows, 2));
            }
        }
    }

    private boolean confirmedEmpty(String ticker, Timeframe timeframe, Instant from, Instant to) throws SQLException {
        String sql = """
                select exists (select 1 from confirmed_empty
                               where ticker = ? and timeframe = ? and window_from <= ? and window_to >= ?)""";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, ticker);
            statement.setString(2, timeframe.code());
            statement.setTimestamp(3, Timestamp.from(from));
            statement.setTimestamp(4, Timestamp.from(to));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    /**
     * After a complete backfill: whatever is still missing before the oldest bar, the source does not
     * have (the ticker listed later, or a long holiday at the start), so it is confirmed empty.
     */
    public void backfillCompleted(IngestionJob job) throws SQLException {
        SeriesSpan held = span(job.ticker(), job.timeframe());
        Instant until = held.oldest() == null ? job.to() : held.oldest();
        if (until.isAfter(firstSessionEnd(job.from()))) {
            confirmEmpty(job.ticker(), job.timeframe(), job.from(), until);
        }
    }

    /** Records that the source has nothing in [from, to) for the series, so it is not asked again. */
    public void confirmEmpty(String ticker, Timeframe timeframe, Instant from, Instant to) throws SQLException {
        String sql = """
                insert into confirmed_empty(ticker, timeframe, window_from, window_to) values (?, ?, ?, ?)
                on conflict (ticker, timeframe, window_from) do update set window_to = excluded.window_to,
                                                                           confirmed_at = now()""";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, ticker);
            statement.setString(2, timeframe.code());
            statement.setTimestamp(3, Timestamp.from(from));
            statement.setTimestamp(4, Timestamp.from(to));
            statement.executeUpdate();
        }
    }
}
