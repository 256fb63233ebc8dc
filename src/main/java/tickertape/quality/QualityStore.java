package tickertape.quality;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import tickertape.bars.BarQueries;
import tickertape.bars.BarQueries.CheckedBar;
import tickertape.bars.CoverageLedger;
import tickertape.market.Timeframe;

/** What the quality checks read from the database; every query is a range of a primary key. */
final class QualityStore {
    /** Rows fetched per round trip while a series is streamed (a year of 1m is ~250,000 bars). */
    private static final int FETCH_SIZE = 10_000;

    private final DataSource dataSource;
    private final CoverageLedger ledger;

    QualityStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.ledger = new CoverageLedger(dataSource);
    }

    /** Streams the series' bars starting in [from, to), oldest first, in one pass, checked against the rules of a bar. */
    void scan(String ticker, Timeframe timeframe, Instant from, Instant to, Consumer<CheckedBar> consumer)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            // The driver streams with a cursor only inside a transaction.
            connection.setAutoCommit(false);
            try {
                BarQueries.checkedBars(connection, ticker, timeframe, from, to, FETCH_SIZE, consumer);
            } finally {
                connection.rollback();
            }
        }
    }

    /** The start of the series' newest bar, or null when it has none (one index probe). */
    Instant newest(String ticker, Timeframe timeframe) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return BarQueries.newestStart(connection, ticker, timeframe);
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
}
