package tickertape.api.trading;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import tickertape.bars.Bar;
import tickertape.bars.LatestBarCache;
import tickertape.market.Timeframe;

/**
 * {@code GET /api/trading/portfolio}: cash, positions at average cost, each valued at the latest
 * close (the newest 1m bar, else the newest daily bar, from the latest-bar cache, split-adjusted), with unrealised
 * and realised P&L. Equity is cash plus the value of the positions; realised plus unrealised P&L is
 * what the trades have gained or lost, fees included (buy fees are part of the average cost, sell
 * fees reduce the realised P&L).
 */
public final class Portfolio {
    private static final String POSITIONS_SQL = """
            select p.name, p.cash, p.realised_pnl, pos.ticker, pos.qty, pos.avg_cost, pos.realised_pnl as position_pnl
            from portfolio p left join position pos on pos.portfolio_id = p.id
            where p.name = ? order by pos.ticker""";

    private final DataSource dataSource;
    private final LatestBarCache latestBars;
    private final String portfolioName;

    public Portfolio(DataSource dataSource, LatestBarCache latestBars, String portfolioName) {
        this.dataSource = dataSource;
        this.latestBars = latestBars;
        this.portfolioName = portfolioName;
    }

    public record Position(String ticker, BigDecimal qty, BigDecimal avgCost, Double lastClose, Instant lastCloseAt,
                           BigDecimal marketValue, BigDecimal unrealisedPnl, BigDecimal realisedPnl) {
    }

    public record Holdings(String name, BigDecimal cash, BigDecimal positionsValue, BigDecimal equity,
                           BigDecimal unrealisedPnl, BigDecimal realisedPnl, List<Position> positions) {
    }

    public Holdings holdings() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(POSITIONS_SQL)) {
            select.setString(1, portfolioName);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("portfolio '" + portfolioName + "' does not exist");
                }
                BigDecimal cash = rows.getBigDecimal("cash");
                BigDecimal realised = rows.getBigDecimal("realised_pnl");
                List<Position> positions = new ArrayList<>();
                do {
                    if (rows.getString("ticker") != null) {
                        positions.add(position(rows));
                    }
                } while (rows.next());
                return holdings(cash, realised, positions);
            }
        }
    }

    private Holdings holdings(BigDecimal cash, BigDecimal realised, List<Position> positions) {
        BigDecimal value = BigDecimal.ZERO;
        BigDecimal unrealised = BigDecimal.ZERO;
        for (Position position : positions) {
            if (position.marketValue() != null) {
                value = value.add(position.marketValue());
                unrealised = unrealised.add(position.unrealisedPnl());
            }
        }
        return new Holdings(portfolioName, Money.shown(cash), Money.shown(value), Money.shown(cash.add(value)),
                Money.shown(unrealised), Money.shown(realised), positions);
    }

    private Position position(ResultSet row) throws SQLException {
        String ticker = row.getString("ticker");
        BigDecimal qty = row.getBigDecimal("qty");
        BigDecimal avgCost = row.getBigDecimal("avg_cost");
        Optional<Bar> last = latestBars.latest(ticker, Timeframe.M1, true)
                .or(() -> latestBars.latest(ticker, Timeframe.D1, true));
        BigDecimal value = last.map(bar -> Money.round(qty.multiply(BigDecimal.valueOf(bar.close())))).orElse(null);
        BigDecimal unrealised = value == null ? null : value.subtract(Money.round(qty.multiply(avgCost)));
        return new Position(ticker, Money.shown(qty), Money.shown(avgCost), last.map(Bar::close).orElse(null),
                last.map(Bar::ts).orElse(null), Money.shown(value), Money.shown(unrealised),
                Money.shown(row.getBigDecimal("position_pnl")));
    }
}
