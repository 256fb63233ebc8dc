package tickertape.bars;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import tickertape.market.Timeframe;

/**
 * The coverage ledger (series_coverage): per fetched series, the instants the source has answered
 * for and whose bars are committed. {@link #record} runs inside the writer's transaction, so a window
 * is covered exactly when its bars are stored; what is not covered is a hole the planner fetches.
 *
 * <p>{@code adjusted_held} holds the windows of a store filled before bars were fetched raw
 * (sql/V8__splits.sql): not covered, so the planner refetches them as holes, yet held, so quality and
 * status count them as answered ({@link #confirmed}). {@link #record} takes each window it covers out
 * of {@code adjusted_held} in the same statement.
 */
public class CoverageLedger {
    private static final String RECORD = """
            insert into series_coverage as s (ticker, timeframe, covered)
            values (?, ?, tstzmultirange(tstzrange(?, ?)))
            on conflict (ticker, timeframe) do update
               set covered = s.covered + excluded.covered,
                   adjusted_held = s.adjusted_held - excluded.covered,
                   updated_at = now()""";

    /** [from, to) less the covered ranges, oldest first. */
    private static final String HOLES = """
            select lower(hole), upper(hole)
            from unnest(tstzmultirange(tstzrange(?, ?))
                        - coalesce((select covered from series_coverage where ticker = ? and timeframe = ?),
                                   '{}'::tstzmultirange)) as hole
            order by 1""";

    /** The covered or adjusted-held ranges that overlap [from, to), clipped to it, oldest first. */
    private static final String CONFIRMED = """
            select lower(range), upper(range)
            from unnest(tstzmultirange(tstzrange(?, ?))
                        * coalesce((select covered + adjusted_held from series_coverage
                                    where ticker = ? and timeframe = ?),
                                   '{}'::tstzmultirange)) as range
            order by 1""";

    /** A stretch of time, [from, to). */
    public record Window(Instant from, Instant to) {
    }

    private final DataSource dataSource;

    public CoverageLedger(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Marks [from, to) of the series answered for, on the caller's connection and transaction. */
    static void record(Connection connection, String ticker, String timeframe, Instant from, Instant to)
            throws SQLException {
        if (!from.isBefore(to)) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(RECORD)) {
            statement.setString(1, ticker);
            statement.setString(2, timeframe);
            statement.setObject(3, utc(from));
            statement.setObject(4, utc(to));
            statement.executeUpdate();
        }
    }

    /** What of [from, to) the source has not answered for yet, oldest first. */
    public List<Window> holes(String ticker, Timeframe timeframe, Instant from, Instant to) throws SQLException {
        return windows(HOLES, ticker, timeframe, from, to);
    }

    /**
     * What of [from, to) the store holds the source's answers for, oldest first: covered, or held as
     * adjusted bars of an old store until they are refetched raw.
     */
    public List<Window> confirmed(String ticker, Timeframe timeframe, Instant from, Instant to) throws SQLException {
        return windows(CONFIRMED, ticker, timeframe, from, to);
    }

    private List<Window> windows(String sql, String ticker, Timeframe timeframe, Instant from, Instant to)
            throws SQLException {
        List<Window> windows = new ArrayList<>();
        if (!from.isBefore(to)) {
            return windows;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, utc(from));
            statement.setObject(2, utc(to));
            statement.setString(3, ticker);
            statement.setString(4, timeframe.code());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    windows.add(new Window(rows.getObject(1, OffsetDateTime.class).toInstant(),
                            rows.getObject(2, OffsetDateTime.class).toInstant()));
                }
            }
        }
        return windows;
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
