package tickertape.quality;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import tickertape.bars.BarQueries;
import tickertape.bars.SplitAdjustments;
import tickertape.market.SplitAdjustment;
import tickertape.market.Timeframe;

/**
 * Day-over-day jumps of the split-adjusted daily close that no recorded split explains: a close at
 * least {@code maxDailyMove} times the previous one, or at most its inverse. A recorded split is not
 * one (the adjusted closes are continuous across it); a split the source missed, or listed with the
 * wrong ratio, is (POLYGON.md: Polygon has missed splits before).
 */
public final class UnexplainedMoves {
    /** One jump: the New York day of the bar that moved, the adjusted closes and their ratio. */
    public record Move(LocalDate day, double previousClose, double close, double ratio) {
    }

    private final DataSource dataSource;
    private final SplitAdjustments adjustments;
    private final double maxDailyMove;

    public UnexplainedMoves(DataSource dataSource, SplitAdjustments adjustments, double maxDailyMove) {
        if (!(maxDailyMove > 1)) {
            throw new IllegalArgumentException("quality.max-daily-move must be above 1, not " + maxDailyMove);
        }
        this.dataSource = dataSource;
        this.adjustments = adjustments;
        this.maxDailyMove = maxDailyMove;
    }

    /** The unexplained moves of the ticker's daily bars starting in [from, to), oldest first. */
    public List<Move> between(String ticker, Instant from, Instant to) throws SQLException {
        List<Move> moves = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            // from the epoch: the previous close may lie before from, and must be adjusted the same way
            SplitAdjustment.Stepper adjusted = adjustments.of(connection, ticker, Timeframe.D1, Instant.EPOCH, to, true)
                    .stepper();
            Double previous = null;
            for (BarQueries.Close stored : BarQueries.closesAfterThePreviousOne(connection, ticker, Timeframe.D1, from,
                    to)) {
                double close = stored.close() * adjusted.multiplier(stored.ts().toEpochMilli());
                if (previous != null && isJump(close / previous)) {
                    moves.add(new Move(LocalDate.ofInstant(stored.ts(), Timeframe.EXCHANGE_ZONE), previous, close,
                            close / previous));
                }
                previous = close;
            }
        }
        return moves;
    }

    private boolean isJump(double ratio) {
        return ratio >= maxDailyMove || ratio <= 1 / maxDailyMove;
    }
}
