package tickertape.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tickertape.bars.BarQueries;
import tickertape.bars.BarQueries.SeriesExtent;
import tickertape.bars.BarWriteListener;
import tickertape.ingest.RunTrigger;
import tickertape.ingest.SeriesPlanner;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;

/**
 * The gauges that describe the store rather than an event: per series the age and market-time lag of
 * its newest bar and its backfill progress; the dead letters not yet replayed; the runs RUNNING; and
 * whether the database answers. A scrape never queries the database: {@link #refresh} reads the active
 * tickers, then their series' spans in one statement of index probes (the metrics-refresh route calls
 * it every 30 s), and a committed batch re-reads just the series it changed ({@link #barsWritten}), so
 * freshness moves with the data.
 */
public class StoreGauges implements BarWriteListener {
    private static final Logger LOG = LoggerFactory.getLogger(StoreGauges.class);
    private static final List<Timeframe> TIMEFRAMES = List.of(Timeframe.values());

    /** The tickers whose series have gauges, with their own backfill start (null: the default). */
    private static final String ACTIVE_TICKERS_SQL = "select symbol, backfill_from from ticker where active";
    private static final String ONE_TICKER_SQL = "select symbol, backfill_from from ticker where symbol = ?";
    private static final String UNREPLAYED_SQL = "select count(*) from dead_letter where replayed_at is null";
    private static final String RUNNING_SQL = "select trigger, count(*) from ingestion_run where status = 'RUNNING' group by trigger";

    private final DataSource dataSource;
    private final ExchangeCalendar calendar;
    private final SessionTime sessionTime;
    private final Clock clock;
    private final String defaultBackfillFrom;

    private final Map<String, SeriesSpan> spans = new ConcurrentHashMap<>();
    private final AtomicLong unreplayedDeadLetters = new AtomicLong();
    private final AtomicInteger databaseUp = new AtomicInteger();
    private final MultiGauge barAge;
    private final MultiGauge sessionLag;
    private final MultiGauge backfillProgress;
    private final Map<String, AtomicLong> runsRunning = new ConcurrentHashMap<>();

    /** @param defaultBackfillFrom {@code tickertape.backfill-from}: what a ticker without its own backfill date uses */
    public StoreGauges(DataSource dataSource, ExchangeCalendar calendar, Clock clock, String defaultBackfillFrom,
                       MeterRegistry registry) {
        this.dataSource = dataSource;
        this.calendar = calendar;
        this.sessionTime = new SessionTime(calendar);
        this.clock = clock;
        this.defaultBackfillFrom = defaultBackfillFrom;
        this.barAge = MultiGauge.builder("tickertape.bar.age").baseUnit("seconds")
                .description("Wall-clock age of the newest bar of each series (its start)")
                .register(registry);
        this.sessionLag = MultiGauge.builder("tickertape.bar.session.lag").baseUnit("seconds")
                .description("Extended-session time (04:00-20:00 ET, trading days) since the newest bar of each series ended")
                .register(registry);
        this.backfillProgress = MultiGauge.builder("tickertape.backfill.progress").baseUnit("ratio")
                .description("Fraction of the trading days from each fetched series' backfill start to today the store holds")
                .register(registry);
        // each trigger has its gauge, 0 when none runs, so alerts can compare with it
        for (String trigger : Arrays.stream(RunTrigger.values()).map(RunTrigger::code).toList()) {
            AtomicLong running = new AtomicLong();
            runsRunning.put(trigger, running);
            Gauge.builder("tickertape.ingestion.runs.running", running, AtomicLong::get)
                    .description("Ingestion runs RUNNING (queued or fetching), by trigger")
                    .tag("trigger", trigger)
                    .register(registry);
        }
        Gauge.builder("tickertape.dead.letters.unreplayed", unreplayedDeadLetters, AtomicLong::get)
                .description("Dead letters not yet replayed")
                .register(registry);
        Gauge.builder("tickertape.database.up", databaseUp, AtomicInteger::get)
                .description("1 when the last read of the store succeeded, else 0")
                .register(registry);
    }

    /** Re-reads every gauge from the store. A database that does not answer sets tickertape_database_up to 0. */
    public void refresh() {
        try (Connection connection = dataSource.getConnection()) {
            Map<String, SeriesSpan> fresh = new ConcurrentHashMap<>();
            for (SeriesSpan span : readSpans(connection, ACTIVE_TICKERS_SQL, TIMEFRAMES, null)) {
                fresh.put(key(span.ticker(), span.timeframe().code()), span);
            }
            spans.keySet().retainAll(fresh.keySet());
            spans.putAll(fresh);
            unreplayedDeadLetters.set(queryCount(connection, UNREPLAYED_SQL));
            readRunningRuns(connection);
            registerSeriesGauges();
            markDatabase(true, null);
        } catch (SQLException e) {
            markDatabase(false, e);
        }
    }

    /** After a batch commits: the changed series' newest bar and progress, at once (not at the next refresh). */
    @Override
    public void barsWritten(String ticker, String timeframe) {
        try (Connection connection = dataSource.getConnection()) {
            boolean known = spans.containsKey(key(ticker, timeframe));
            List<Timeframe> written = List.of(Timeframe.ofCode(timeframe).orElseThrow());
            for (SeriesSpan span : readSpans(connection, ONE_TICKER_SQL, written, ticker)) {
                spans.put(key(ticker, timeframe), span);
            }
            if (!known) {
                registerSeriesGauges();
            }
        } catch (SQLException e) {
            // The batch is committed; the next refresh catches the gauges up.
            LOG.debug("Freshness of {} {} not updated after a write: {}", ticker, timeframe, e.getMessage());
        }
    }

    /** The series of the active tickers as of the last look, by ticker then timeframe. */
    public List<SeriesSpan> spans() {
        return spans.values().stream()
                .sorted(Comparator.comparing(SeriesSpan::ticker).thenComparing(span -> span.timeframe().ordinal()))
                .toList();
    }

    public Optional<SeriesSpan> span(String ticker, String timeframe) {
        return Optional.ofNullable(spans.get(key(ticker, timeframe)));
    }

    public SessionTime sessionTime() {
        return sessionTime;
    }

    private void registerSeriesGauges() {
        List<MultiGauge.Row<?>> ages = new ArrayList<>();
        List<MultiGauge.Row<?>> lags = new ArrayList<>();
        List<MultiGauge.Row<?>> progress = new ArrayList<>();
        for (SeriesSpan span : spans.values()) {
            String key = key(span.ticker(), span.timeframe().code());
            Tags tags = Tags.of("ticker", span.ticker(), "timeframe", span.timeframe().code());
            // Read through the map at scrape time: a write replaces the span, the gauge sees it.
            ages.add(MultiGauge.Row.of(tags, this, gauges -> gauges.seconds(key, SeriesSpan::age)));
            lags.add(MultiGauge.Row.of(tags, this,
                    gauges -> gauges.seconds(key, (one, now) -> one.sessionLag(sessionTime, now))));
            if (span.backfillProgress() != null) {
                progress.add(MultiGauge.Row.of(tags, this, gauges -> gauges.progress(key)));
            }
        }
        // Rows already there stay (they read the map); rows of series gone from the store are removed.
        barAge.register(ages, false);
        sessionLag.register(lags, false);
        backfillProgress.register(progress, false);
    }

    private double seconds(String key, BiFunction<SeriesSpan, Instant, Duration> measure) {
        SeriesSpan span = spans.get(key);
        Duration duration = span == null ? null : measure.apply(span, clock.instant());
        return duration == null ? Double.NaN : duration.toMillis() / 1000.0;
    }

    private double progress(String key) {
        SeriesSpan span = spans.get(key);
        return span == null || span.backfillProgress() == null ? Double.NaN : span.backfillProgress();
    }

    /**
     * The spans of the tickers {@code sql} selects ({@link #ACTIVE_TICKERS_SQL}, or {@link #ONE_TICKER_SQL}
     * with {@code ticker}) in {@code timeframes}.
     */
    private List<SeriesSpan> readSpans(Connection connection, String sql, List<Timeframe> timeframes, String ticker)
            throws SQLException {
        Map<String, Date> backfillFrom = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            if (ticker != null) {
                statement.setString(1, ticker);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    backfillFrom.put(rows.getString("symbol"), rows.getDate("backfill_from"));
                }
            }
        }
        List<SeriesSpan> read = new ArrayList<>();
        Instant now = clock.instant();
        for (SeriesExtent extent : BarQueries.extents(connection, backfillFrom.keySet(), timeframes)) {
            read.add(span(extent, backfillFrom.get(extent.ticker()), now));
        }
        return read;
    }

    private SeriesSpan span(SeriesExtent extent, Date ownStart, Instant now) {
        Double progress = null;
        if (SeriesPlanner.FETCHED.contains(extent.timeframe())) {
            LocalDate start = ownStart != null ? ownStart.toLocalDate() : backfillStart(defaultBackfillFrom, now);
            progress = backfillProgress(start, extent.oldest(), extent.coveredFrom(), now);
        }
        return new SeriesSpan(extent.ticker(), extent.timeframe(), extent.oldest(), extent.newest(), progress);
    }

    /**
     * How much of its backfill window the series holds, in trading days: those from its oldest bar to
     * today over those from the backfill start to today. Backfill runs newest first and keeps the store
     * one stretch, so that is the whole story; and counted in days, the figure stands still while no
     * page arrives (a ratio of durations would creep with the clock and hide a stalled backfill). It
     * is 1 once the oldest bar is in the first session from the start or the source has answered from
     * the start on (nothing older exists).
     */
    private double backfillProgress(LocalDate start, Instant oldest, Instant coveredFrom, Instant now) {
        if (oldest == null) {
            return 0;
        }
        LocalDate firstSession = start;
        while (!calendar.isTradingDay(firstSession)) {
            firstSession = firstSession.plusDays(1);
        }
        if (!oldest.isAfter(calendar.extendedClose(firstSession)) || (coveredFrom != null && !coveredFrom.isAfter(start.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant()))) {
            return 1;
        }
        LocalDate today = now.atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
        LocalDate oldestDay = oldest.atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
        int window = calendar.tradingDays(start, today).size();
        return window == 0 ? 1 : Math.min(1, calendar.tradingDays(oldestDay, today).size() / (double) window);
    }

    /** {@code tickertape.backfill-from} as the planner reads it: an ISO period back from today (ET) or a date. */
    private LocalDate backfillStart(String setting, Instant now) {
        LocalDate today = now.atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
        return setting.startsWith("P") ? today.minus(Period.parse(setting)) : LocalDate.parse(setting);
    }

    private void readRunningRuns(Connection connection) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(RUNNING_SQL);
             ResultSet running = statement.executeQuery()) {
            while (running.next()) {
                counts.put(running.getString(1), running.getLong(2));
            }
        }
        runsRunning.forEach((trigger, gauge) -> gauge.set(counts.getOrDefault(trigger, 0L)));
    }

    private static long queryCount(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private void markDatabase(boolean up, SQLException failure) {
        int previous = databaseUp.getAndSet(up ? 1 : 0);
        if (!up && previous == 1) {
            LOG.warn("Store gauges not refreshed, the database does not answer: {}", failure.getMessage());
        }
    }

    private static String key(String ticker, String timeframe) {
        return ticker + ' ' + timeframe;
    }
}
