package tickertape.api.trading;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import tickertape.api.ApiProblem;
import tickertape.api.ClientInput;
import tickertape.api.market.KnownTickers;
import tickertape.database.Columns;

/**
 * {@code POST /api/trading/trades}: records a fill of the bot and applies it to the portfolio in the
 * same transaction, so cash, position and trade never disagree.
 *
 * <p>Long only, average cost: a buy adds to the position at a new average cost that includes its fee
 * and takes price x qty + fee from the cash; a sell keeps the average cost, adds price x qty - fee to
 * the cash and (price - average cost) x qty - fee to the realised P&L. A sell of more than is held,
 * a buy the cash cannot pay, and a zero or negative quantity or price are 422s; nothing changes.
 *
 * <p>Idempotent on {@code client_order_id}: a replay of the same trade answers the recorded one with
 * 200; another trade under the same id is a 409. Trades are serialised on the portfolio row, which
 * each one locks first, so a concurrent replay sees the first one's trade.
 */
public final class Trades {
    private static final String TRADE_COLUMNS =
            "id, client_order_id, ticker, side, qty, price, fee, executed_at, prediction_id, created_at";
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("1e14");

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final String portfolioName;
    private final Clock clock;

    public Trades(DataSource dataSource, ObjectMapper mapper, String portfolioName, Clock clock) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.portfolioName = portfolioName;
        this.clock = clock;
    }

    /** A fill as the bot posts it; fee defaults to 0, executedAt to now. */
    public record TradeRequest(String clientOrderId, String ticker, String side, BigDecimal qty, BigDecimal price,
                               BigDecimal fee, Instant executedAt, Long predictionId) {
    }

    public record Trade(long id, String clientOrderId, String ticker, String side, BigDecimal qty, BigDecimal price,
                        BigDecimal fee, Instant executedAt, Long predictionId, Instant createdAt) {
    }

    public Trade record(@Body String body, Exchange exchange) throws SQLException {
        TradeRequest request = validate(ClientInput.json(mapper, body, new TypeReference<TradeRequest>() {
        }));
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                long portfolioId = lockPortfolio(connection);
                Trade trade = findTrade(connection, request.clientOrderId());
                if (trade != null) {
                    requireSameTrade(trade, request);
                } else {
                    trade = apply(connection, portfolioId, request);
                    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
                }
                connection.commit();
                return shown(trade);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private Trade apply(Connection connection, long portfolioId, TradeRequest request) throws SQLException {
        KnownTickers.require(connection, request.ticker());
        requirePrediction(connection, request.predictionId());
        Holding holding = lockPosition(connection, portfolioId, request.ticker());
        BigDecimal amount = request.qty().multiply(request.price());
        boolean buy = request.side().equals("buy");
        Holding after;
        BigDecimal cashChange;
        BigDecimal realised = BigDecimal.ZERO;
        if (buy) {
            BigDecimal qty = holding.qty().add(request.qty());
            BigDecimal cost = holding.qty().multiply(holding.avgCost()).add(amount).add(request.fee());
            after = new Holding(qty, cost.divide(qty, Money.SCALE, RoundingMode.HALF_EVEN), holding.realisedPnl());
            cashChange = amount.add(request.fee()).negate();
        } else {
            if (request.qty().compareTo(holding.qty()) > 0) {
                throw unprocessable("oversell", "Sell exceeds the position", "selling " + request.qty() + " "
                        + request.ticker() + " but holding " + Money.shown(holding.qty()) + " (long only)", "qty");
            }
            realised = Money.round(request.price().subtract(holding.avgCost()).multiply(request.qty())
                    .subtract(request.fee()));
            BigDecimal qty = holding.qty().subtract(request.qty());
            after = new Holding(qty, qty.signum() == 0 ? BigDecimal.ZERO : holding.avgCost(),
                    holding.realisedPnl().add(realised));
            cashChange = amount.subtract(request.fee());
        }
        updateCash(connection, portfolioId, Money.round(cashChange), realised);
        savePosition(connection, portfolioId, request.ticker(), after);
        return insertTrade(connection, portfolioId, request);
    }

    /** The fields of a position the trade changes. */
    private record Holding(BigDecimal qty, BigDecimal avgCost, BigDecimal realisedPnl) {
    }

    private long lockPortfolio(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("select id from portfolio where name = ? for update")) {
            lock.setString(1, portfolioName);
            try (ResultSet row = lock.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("portfolio '" + portfolioName + "' does not exist");
                }
                return row.getLong(1);
            }
        }
    }

    private static Holding lockPosition(Connection connection, long portfolioId, String ticker) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(
                "select qty, avg_cost, realised_pnl from position where portfolio_id = ? and ticker = ? for update")) {
            lock.setLong(1, portfolioId);
            lock.setString(2, ticker);
            try (ResultSet row = lock.executeQuery()) {
                return row.next() ? new Holding(row.getBigDecimal(1), row.getBigDecimal(2), row.getBigDecimal(3))
                        : new Holding(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
            }
        }
    }

    /** Moves the cash; the schema's cash >= 0 check is the last guard, the 422 comes first. */
    private static void updateCash(Connection connection, long portfolioId, BigDecimal change, BigDecimal realised)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update portfolio set cash = cash + ?,"
                + " realised_pnl = realised_pnl + ?, updated_at = now() where id = ? and cash + ? >= 0")) {
            update.setBigDecimal(1, change);
            update.setBigDecimal(2, realised);
            update.setLong(3, portfolioId);
            update.setBigDecimal(4, change);
            if (update.executeUpdate() == 0) {
                throw unprocessable("insufficient-cash", "Insufficient cash",
                        "the trade needs " + Money.shown(change.negate()) + " of cash, more than the portfolio holds",
                        "qty");
            }
        }
    }

    private static void savePosition(Connection connection, long portfolioId, String ticker, Holding holding)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                insert into position (portfolio_id, ticker, qty, avg_cost, realised_pnl) values (?, ?, ?, ?, ?)
                on conflict (portfolio_id, ticker) do update
                   set qty = excluded.qty, avg_cost = excluded.avg_cost, realised_pnl = excluded.realised_pnl,
                       updated_at = now()""")) {
            upsert.setLong(1, portfolioId);
            upsert.setString(2, ticker);
            upsert.setBigDecimal(3, holding.qty());
            upsert.setBigDecimal(4, holding.avgCost());
            upsert.setBigDecimal(5, holding.realisedPnl());
            upsert.executeUpdate();
        }
    }

    private Trade insertTrade(Connection connection, long portfolioId, TradeRequest request) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into trade (client_order_id, portfolio_id,"
                + " ticker, side, qty, price, fee, executed_at, prediction_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " returning " + TRADE_COLUMNS)) {
            insert.setString(1, request.clientOrderId());
            insert.setLong(2, portfolioId);
            insert.setString(3, request.ticker());
            insert.setString(4, request.side());
            insert.setBigDecimal(5, request.qty());
            insert.setBigDecimal(6, request.price());
            insert.setBigDecimal(7, request.fee());
            Instant executedAt = request.executedAt() == null ? clock.instant() : request.executedAt();
            insert.setTimestamp(8, Timestamp.from(executedAt.truncatedTo(ChronoUnit.MICROS)));
            if (request.predictionId() == null) {
                insert.setNull(9, Types.BIGINT);
            } else {
                insert.setLong(9, request.predictionId());
            }
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return trade(row);
            }
        }
    }

    private static Trade findTrade(Connection connection, String clientOrderId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select " + TRADE_COLUMNS + " from trade where client_order_id = ?")) {
            select.setString(1, clientOrderId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? trade(row) : null;
            }
        }
    }

    private static void requirePrediction(Connection connection, Long predictionId) throws SQLException {
        if (predictionId == null) {
            return;
        }
        try (PreparedStatement select = connection.prepareStatement("select 1 from prediction where id = ?")) {
            select.setLong(1, predictionId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw unprocessable("unknown-prediction", "Unknown prediction", "no prediction " + predictionId,
                            "predictionId");
                }
            }
        }
    }

    /** A replay must be the same trade; executedAt is compared only when the replay gives one. */
    private static void requireSameTrade(Trade recorded, TradeRequest replay) {
        boolean same = recorded.ticker().equals(replay.ticker()) && recorded.side().equals(replay.side())
                && recorded.qty().compareTo(replay.qty()) == 0 && recorded.price().compareTo(replay.price()) == 0
                && recorded.fee().compareTo(replay.fee()) == 0
                && Objects.equals(recorded.predictionId(), replay.predictionId())
                && (replay.executedAt() == null
                    || recorded.executedAt().equals(replay.executedAt().truncatedTo(ChronoUnit.MICROS)));
        if (!same) {
            throw new ApiProblem(409, "client-order-id-reused", "clientOrderId already used",
                    "clientOrderId " + recorded.clientOrderId() + " was recorded as another trade (id " + recorded.id()
                            + ")", "clientOrderId");
        }
    }

    private static TradeRequest validate(TradeRequest request) {
        ClientInput.check(request != null, "body", "must be a JSON object");
        String clientOrderId = ClientInput.required("clientOrderId", request.clientOrderId());
        ClientInput.check(clientOrderId.length() <= 128, "clientOrderId", "must be at most 128 characters");
        String ticker = ClientInput.ticker("ticker", request.ticker());
        ClientInput.check("buy".equals(request.side()) || "sell".equals(request.side()), "side", "must be buy or sell");
        requireAmount("qty", request.qty(), false);
        requireAmount("price", request.price(), false);
        BigDecimal fee = request.fee() == null ? BigDecimal.ZERO : request.fee();
        requireAmount("fee", fee, true);
        if (request.executedAt() != null) {
            ClientInput.bounded("executedAt", request.executedAt());
        }
        return new TradeRequest(clientOrderId, ticker, request.side(), request.qty(), request.price(), fee,
                request.executedAt(), request.predictionId());
    }

    /** Present, at most 6 decimals and 14 digits before the point (numeric(20,6)), and positive (or zero if allowed). */
    private static void requireAmount(String field, BigDecimal amount, boolean zeroAllowed) {
        ClientInput.check(amount != null, field, "is required");
        ClientInput.check(amount.stripTrailingZeros().scale() <= Money.SCALE && amount.abs().compareTo(MAX_AMOUNT) < 0,
                field, "must have at most 6 decimals and be below 10^14");
        if (amount.signum() < 0 || amount.signum() == 0 && !zeroAllowed) {
            throw unprocessable("invalid-amount", "Invalid " + field,
                    field + " must be " + (zeroAllowed ? "zero or more" : "more than zero") + ", got " + amount, field);
        }
    }

    private static ApiProblem unprocessable(String type, String title, String detail, String field) {
        return new ApiProblem(422, type, title, detail, field);
    }

    private static Trade trade(ResultSet row) throws SQLException {
        return new Trade(row.getLong("id"), row.getString("client_order_id"), row.getString("ticker"),
                row.getString("side"), row.getBigDecimal("qty"), row.getBigDecimal("price"), row.getBigDecimal("fee"),
                Columns.instant(row, "executed_at"), row.getObject("prediction_id", Long.class),
                Columns.instant(row, "created_at"));
    }

    private static Trade shown(Trade trade) {
        return new Trade(trade.id(), trade.clientOrderId(), trade.ticker(), trade.side(), Money.shown(trade.qty()),
                Money.shown(trade.price()), Money.shown(trade.fee()), trade.executedAt(), trade.predictionId(),
                trade.createdAt());
    }
}
