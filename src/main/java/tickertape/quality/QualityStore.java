package tickertape.quality;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import tickertape.bars.CoverageLedger;
import tickertape.market.Timeframe;
import tickertape.database.Columns;

/** What the quality checks read from the database; every query is a range of a primary key. */
final class QualityStore {
    /** Rows fetched per round trip while a series is streamed (a year of 1m is ~250,000 bars). */
    private static final int FETCH_SIZE = 10_000;

    /**
     * The rules BarValidator applies and market_bar's checks enforce, so a row breaking them should
     * not exist: checked anyway, in case a check was dropped or a row written around the app.
     */
    private static final String BREAKS_OHLC_RULES = """
            not (open > 0 and high > 0 and low > 0 and close > 0
                 and open < 'Infinity' and high < 'Infinity' and low < 'Infinity' and close < 'Infinity'
                 and high >= greatest(open, close) and low <= least(open, close)
                 and volume >= 0 and volume < 'Infinity'
                 and (vwap is null or (vwap > 0 and vwap < 'Infinity'))
                 and (trades is null or trades >= 0))""";

    /** One stored bar as the checks see it. */
    record StoredBar(Instant start, boolean breaksOhlcRules) {
    }

    interface BarConsumer {
        void accept(StoredBar bar);
    }

    private final DataSource dataSource;
    private final CoverageLedger ledger;

    QualityStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.ledger = new CoverageLedger(dataSource);
    }

    /** Streams the series' bars starting in [from, to), oldest first, in one pass. */
    void scan(String ticker, Timeframe timeframe, Instant from, Instant to, BarConsumer consumer) throws SQLException {
        String sql = "select ts, " + BREAKS_OHLC_RULES + " from market_bar"
                + " where ticker = ? and timeframe = ? and ts >= ? and ts < ? order by ts";
        try (Connection connection = dataSource.getConnection()) {
            // The driver streams with a cursor only inside a transaction.
            connection.setAutoCommit(false);
            try (PreparedStatement statement = series(connection, sql, ticker, timeframe, from, to)) {
                statement.setFetchSize(FETCH_SIZE);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        consumer.accept(new StoredBar(rows.getTimestamp(1).toInstant(), rows.getBoolean(2)));
                    }
                }
            } finally {
                connection.rollback();
            }
        }
    }

    /** The start of the series' newest bar, or null when it has none (one index probe). */
    Instant newest(String ticker, Timeframe timeframe) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "select max(ts) from market_bar where ticker = ? and timeframe = ?")) {
            statement.setString(1, ticker);
            statement.setString(2, timeframe.code());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return Columns.instant(rows, 1);
            }
        }
    }

    /** The windows of [from, to) the source has answered for (the coverage ledger, an old adjusted store included), merged. */
    ConfirmedWindows confirmedWindows(String ticker, Timeframe timeframe, Instant from, Instant to)
            throws SQLException {
        ConfirmedWindows windows = new ConfirmedWindows();
        for (CoverageLedger.Window window : ledger.confirmed(ticker, timeframe, from, to)) {
            windows.add(window.from(), window.to());
        }
        return windows;
    }

    /** The symbols registered in the ticker table, active or not (their bars stay when they are removed). */
    List<String> registeredTickers() throws SQLException {
        List<String> symbols = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("select symbol from ticker order by symbol");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                symbols.add(rows.getString(1));
            }
        }
        return symbols;
    }

    private static PreparedStatement series(Connection connection, String sql, String ticker, Timeframe timeframe,
                                            Instant from, Instant to) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.setString(1, ticker);
        statement.setString(2, timeframe.code());
        statement.setTimestamp(3, Timestamp.from(from));
        statement.setTimestamp(4, Timestamp.from(to));
        return statement;
    }
}
