package tickertape.ingest;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tickertape.database.Statements;
import tickertape.market.ExchangeCalendar;
import tickertape.metrics.Metrics;
import tickertape.polygon.PolygonRequest;
import tickertape.polygon.PolygonSplit;
import tickertape.polygon.SplitsPage;

/**
 * The steps of the fetch-splits route: {@link #claim} decides in PostgreSQL whether this instance
 * fetches a ticker's splits now (table split_check: due when never checked or last checked before the
 * most recent regular-session close, and no claim held), {@link #acceptPage} collects each page in the
 * exchange's {@link SplitsCheck} and points it at the next, {@link #finish} replaces the ticker's rows of table split with the answer, or
 * records why it failed. A failed fetch keeps its claim for retry-failed-after, so a fault that lasts
 * costs one request (and its retries) per that period, not one per healing tick.
 */
public class SplitChecks {
    private static final Logger LOG = LoggerFactory.getLogger(SplitChecks.class);

    /** Claims a due, unclaimed ticker (the row is made on its first check); returns it when claimed. */
    private static final String CLAIM = """
            insert into split_check as c (ticker, claimed_until)
            values (?, now() + ? * interval '1 millisecond')
            on conflict (ticker) do update set claimed_until = excluded.claimed_until
             where (c.checked_at is null or c.checked_at < ?)
               and (c.claimed_until is null or c.claimed_until < now())
            returning ticker""";
    /** Renews claims that still hold (a lapsed one may be another instance's now). */
    private static final String RENEW = """
            update split_check set claimed_until = now() + ? * interval '1 millisecond'
            where ticker = any(?) and claimed_until >= now()
            returning ticker""";

    private final DataSource dataSource;
    private final Ingestion.PolygonSource source;
    private final ExchangeCalendar calendar;
    private final Clock clock;
    private final Metrics metrics;
    private final Duration claimLease;
    private final Duration retryFailedAfter;
    /** The checks this process has claimed and is fetching, by ticker: their claims are renewed by {@link #keepClaims}. */
    private final Map<String, SplitsCheck> fetching = new ConcurrentHashMap<>();

    public SplitChecks(DataSource dataSource, Ingestion.PolygonSource source, ExchangeCalendar calendar, Clock clock,
                       Metrics metrics, Duration claimLease, Duration retryFailedAfter) {
        this.dataSource = dataSource;
        this.source = source;
        this.calendar = calendar;
        this.clock = clock;
        this.metrics = metrics;
        this.claimLease = claimLease;
        this.retryFailedAfter = retryFailedAfter;
    }

    /**
     * Body: the ticker. The exchange's {@link SplitsCheck} points at the first splits page if this
     * instance claimed the ticker, else at nothing.
     */
    public void claim(Exchange exchange) throws SQLException {
        String ticker = exchange.getMessage().getBody(String.class);
        SplitsCheck check = new SplitsCheck(ticker);
        exchange.setProperty(PolygonRequest.PROPERTY, check);
        long asked = System.nanoTime(); // the lease runs from no later than the database's now() of the claim
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(CLAIM)) {
            statement.setString(1, ticker);
            statement.setLong(2, claimLease.toMillis());
            statement.setTimestamp(3, Timestamp.from(lastClose(clock.instant())));
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return;
                }
            }
        }
        fetching.put(ticker, check);
        check.claimed(source.splitsUrl(ticker), asked + claimLease.toNanos());
    }

    /**
     * The page just fetched is kept and the next one asked for; a parked request ends the loop, and so
     * does a stop (the answer is then incomplete and is not stored: the claim is released).
     */
    public void acceptPage(Exchange exchange) {
        SplitsCheck check = check(exchange);
        boolean stopping = exchange.getContext().isStopping();
        if (check.isStopped()) {
            check.cutShort();
        } else if (check.isParked()) {
            if (stopping) {
                check.cutShort(); // the stop cut a retry's wait short
            } else {
                check.fail(check.parkedReason());
            }
        } else {
            acceptListed(check, exchange.getMessage().getBody(SplitsPage.class), stopping);
        }
    }

    private void acceptListed(SplitsCheck check, SplitsPage page, boolean stopping) {
        check.listed(page.results());
        try {
            String next = source.nextPageUrl(page.nextUrl());
            if (next != null && stopping) {
                check.cutShort();
            } else {
                check.nextPage(next);
            }
        } catch (IllegalStateException e) {
            check.fail(e.getMessage());
        }
    }

    private static SplitsCheck check(Exchange exchange) {
        return exchange.getProperty(PolygonRequest.PROPERTY, SplitsCheck.class);
    }

    /** The check failed outside Polygon's route (e.g. the database): a claimed fetch is recorded as failed. */
    public void abort(Exchange exchange) {
        SplitsCheck check = check(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String failure = cause == null ? "unknown failure" : cause.toString();
        check.fail(failure);
        LOG.warn("Splits of {} not checked this time: {}", check.ticker(), failure);
    }

    /**
     * Ends a claimed fetch: every page in, the ticker's splits are replaced by the answer and the check
     * recorded; failed, the error is recorded and the claim kept until the retry is due; cut short by
     * a shutdown, the claim is released for another instance.
     */
    public void finish(Exchange exchange) throws SQLException {
        SplitsCheck check = check(exchange);
        if (!check.isClaimed()) {
            return;
        }
        String ticker = check.ticker();
        fetching.remove(ticker);
        String failure = check.failure();
        if (check.isCutShort()) {
            releaseClaim(check);
        } else if (failure != null) {
            recordFailure(ticker, failure);
        } else {
            try {
                store(ticker, check.splits());
                metrics.splitCheck("fetched");
            } catch (SQLException e) {
                // Refused (a bad row, a trigger): kept for the retry period like a failed fetch, or a refusal
                // that lasts would cost a request per lease. With the database away this fails too, and
                // the claim, no longer renewed, lapses: the check is due again once it is back.
                recordFailure(ticker, "the answer was not stored: " + e.getMessage());
            }
        }
    }

    /** The check failed: the error is recorded and the claim kept until the retry is due. */
    private void recordFailure(String ticker, String failure) throws SQLException {
        Statements.update(dataSource, "update split_check set error = ?,"
                + " claimed_until = now() + ? * interval '1 millisecond' where ticker = ?",
                failure, retryFailedAfter.toMillis(), ticker);
        metrics.splitCheck("failed");
        LOG.warn("Splits of {} not fetched, tried again in {}: {}", ticker, retryFailedAfter, failure);
    }

    /**
     * A stop, or a lapsed claim, cut the fetch short. A claim still held is released for another
     * instance; one that lapsed is left alone: it may be another instance's by now, and the check is
     * due again anyway.
     */
    private void releaseClaim(SplitsCheck check) throws SQLException {
        if (check.holdsClaim()) {
            Statements.update(dataSource, "update split_check set claimed_until = null where ticker = ?",
                    check.ticker());
        } else {
            LOG.warn("Splits of {} not fetched: this instance's claim lapsed (the database was away longer than {});"
                    + " the check is due again", check.ticker(), claimLease);
        }
    }

    /**
     * Renews the claims of the fetches under way in this process (the run-leases timer), while they
     * hold: a claim whose lease ran out (the database was away) may have been taken by another instance
     * since, so it is not renewed, and its fetch sends nothing more ({@link SplitsCheck#stillWanted}).
     */
    public void keepClaims() throws SQLException {
        Map<String, SplitsCheck> held = new HashMap<>();
        fetching.forEach((ticker, check) -> {
            if (check.holdsClaim()) {
                held.put(ticker, check);
            }
        });
        if (held.isEmpty()) {
            return;
        }
        long asked = System.nanoTime();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement renew = connection.prepareStatement(RENEW)) {
            renew.setLong(1, claimLease.toMillis());
            renew.setArray(2, connection.createArrayOf("text", held.keySet().toArray()));
            try (ResultSet rows = renew.executeQuery()) {
                while (rows.next()) {
                    held.get(rows.getString(1)).claimRenewed(asked + claimLease.toNanos());
                }
            }
        }
    }

    /**
     * In one transaction: the ticker's split rows become the answer (new dates inserted, changed ratios
     * updated, dates no longer listed deleted; a date listed twice is one split, the first listing) and
     * the check is recorded. Rows that do not change are not written, so a check that finds nothing new
     * announces no change on split_changed.
     */
    private void store(String ticker, List<PolygonSplit> answer) throws SQLException {
        Map<LocalDate, PolygonSplit> listed = distinctDates(ticker, answer);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Map<LocalDate, double[]> stored = storedSplits(connection, ticker);
                List<PolygonSplit> upserts = new ArrayList<>();
                for (PolygonSplit split : listed.values()) {
                    double[] ratio = stored.get(split.executionDate());
                    if (ratio == null || ratio[0] != split.splitFrom() || ratio[1] != split.splitTo()) {
                        upserts.add(split);
                    }
                }
                List<LocalDate> unlisted = stored.keySet().stream().filter(day -> !listed.containsKey(day)).toList();
                upsert(connection, ticker, upserts);
                delete(connection, ticker, unlisted);
                try (PreparedStatement checked = connection.prepareStatement("""
                        update split_check set checked_at = ?, claimed_until = null, error = null where ticker = ?""")) {
                    checked.setTimestamp(1, Timestamp.from(clock.instant()));
                    checked.setString(2, ticker);
                    checked.executeUpdate();
                }
                connection.commit();
                for (PolygonSplit split : upserts) {
                    LOG.info("Split of {} on {} {}: split_from {} split_to {}", ticker, split.executionDate(),
                            stored.containsKey(split.executionDate()) ? "changed" : "recorded",
                            split.splitFrom(), split.splitTo());
                }
                unlisted.forEach(day -> LOG.info("Split of {} on {} removed: the source no longer lists it", ticker, day));
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static Map<LocalDate, PolygonSplit> distinctDates(String ticker, List<PolygonSplit> answer) {
        Map<LocalDate, PolygonSplit> byDate = new LinkedHashMap<>();
        for (PolygonSplit split : answer) {
            PolygonSplit first = byDate.putIfAbsent(split.executionDate(), split);
            if (first != null && (first.splitFrom() != split.splitFrom() || first.splitTo() != split.splitTo())) {
                LOG.warn("Splits of {}: {} listed twice with different ratios ({}:{} and {}:{}); the first is kept",
                        ticker, split.executionDate(), first.splitFrom(), first.splitTo(), split.splitFrom(),
                        split.splitTo());
            }
        }
        return byDate;
    }

    private static Map<LocalDate, double[]> storedSplits(Connection connection, String ticker) throws SQLException {
        Map<LocalDate, double[]> stored = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select execution_date, split_from, split_to from split where ticker = ? for update")) {
            select.setString(1, ticker);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    stored.put(rows.getObject(1, LocalDate.class), new double[] {rows.getDouble(2), rows.getDouble(3)});
                }
            }
        }
        return stored;
    }

    private static void upsert(Connection connection, String ticker, List<PolygonSplit> splits) throws SQLException {
        if (splits.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement("""
                insert into split(ticker, execution_date, split_from, split_to, source_id)
                values (?, ?, ?, ?, ?)
                on conflict (ticker, execution_date) do update
                   set split_from = excluded.split_from, split_to = excluded.split_to,
                       source_id = excluded.source_id, fetched_at = now()""")) {
            for (PolygonSplit split : splits) {
                upsert.setString(1, ticker);
                upsert.setObject(2, split.executionDate());
                upsert.setDouble(3, split.splitFrom());
                upsert.setDouble(4, split.splitTo());
                upsert.setString(5, split.id());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    private static void delete(Connection connection, String ticker, List<LocalDate> days) throws SQLException {
        if (days.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = connection.prepareStatement(
                "delete from split where ticker = ? and execution_date = any(?)")) {
            delete.setString(1, ticker);
            delete.setArray(2, connection.createArrayOf("date", days.stream().map(Date::valueOf).toArray()));
            delete.executeUpdate();
        }
    }

    /** The most recent regular-session close at or before {@code now}: a check before it is a day old. */
    private Instant lastClose(Instant now) {
        for (LocalDate day = LocalDate.ofInstant(now, ExchangeCalendar.ZONE); ; day = day.minusDays(1)) {
            if (calendar.isTradingDay(day) && !calendar.regularClose(day).isAfter(now)) {
                return calendar.regularClose(day);
            }
        }
    }
}
