package tickertape.api.market;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import tickertape.api.ApiProblem;

/** The tickers the store knows (the ticker table); a request about any other is a 404. */
public final class KnownTickers {
    private KnownTickers() {
    }

    public static void require(Connection connection, String symbol) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select 1 from ticker where symbol = ?")) {
            statement.setString(1, symbol);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw ApiProblem.notFound("Ticker", "no ticker " + symbol + " in the store");
                }
            }
        }
    }
}
