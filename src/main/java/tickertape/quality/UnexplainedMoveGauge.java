package tickertape.quality;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tickertape.bars.BarWriteListener;
import tickertape.market.Timeframe;

/**
 * {@code tickertape_quality_unexplained_moves{ticker}}: each active ticker's {@link UnexplainedMoves}
 * over the last {@code days} days. Re-counted by the quality-moves-refresh route (a split stored, or
 * one taking effect, changes the count without a write) and at once when a batch writes 1d bars.
 */
public final class UnexplainedMoveGauge implements BarWriteListener {
    private static final Logger LOG = LoggerFactory.getLogger(UnexplainedMoveGauge.class);
    private static final String ACTIVE_TICKERS_SQL = "select symbol from ticker where active order by symbol";

    private final DataSource dataSource;
    private final UnexplainedMoves moves;
    private final int days;
    private final Clock clock;
    private final MultiGauge gauge;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    public UnexplainedMoveGauge(DataSource dataSource, UnexplainedMoves moves, int days, Clock clock,
                                MeterRegistry registry) {
        if (days < 1) {
            throw new IllegalArgumentException("quality.unexplained-move-days must be at least 1, not " + days);
        }
        this.dataSource = dataSource;
        this.moves = moves;
        this.days = days;
        this.clock = clock;
        this.gauge = MultiGauge.builder("tickertape.quality.unexplained.moves")
                .description("Day-over-day moves of the split-adjusted daily close beyond quality.max-daily-move"
                        + " with no split recorded, over the last quality.unexplained-move-days days")
                .register(registry);
    }

    /** Counts every active ticker again; a failure keeps the previous counts. */
    public void refresh() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(ACTIVE_TICKERS_SQL);
             ResultSet rows = select.executeQuery()) {
            List<String> active = new ArrayList<>();
            while (rows.next()) {
                active.add(rows.getString(1));
            }
            counts.keySet().retainAll(active);
            for (String ticker : active) {
                count(ticker);
            }
            register();
        } catch (SQLException e) {
            LOG.warn("Cannot count the unexplained daily moves: {}", e.getMessage());
        }
    }

    @Override
    public void barsWritten(String ticker, String timeframe) {
        if (!timeframe.equals(Timeframe.D1.code())) {
            return;
        }
        try {
            boolean known = counts.containsKey(ticker);
            count(ticker);
            if (!known) {
                register();
            }
        } catch (SQLException e) {
            // The batch is committed; the next refresh counts it.
            LOG.debug("Unexplained moves of {} not counted after a write: {}", ticker, e.getMessage());
        }
    }

    private void count(String ticker) throws SQLException {
        Instant from = LocalDate.ofInstant(clock.instant(), Timeframe.EXCHANGE_ZONE).minusDays(days)
                .atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant();
        counts.put(ticker, moves.between(ticker, from, clock.instant()).size());
    }

    private synchronized void register() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (String ticker : counts.keySet()) {
            rows.add(MultiGauge.Row.of(Tags.of("ticker", ticker), this, self -> self.counts.getOrDefault(ticker, 0)));
        }
        gauge.register(rows, true);
    }
}
