package tickertape.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/** One statement on a connection of its own, for the writes that need nothing around them. */
public final class Statements {
    private Statements() {
    }

    /**
     * Runs {@code sql} with {@code parameters} in order (a {@code Long[]} as a bigint array, for
     * {@code = any(?)}) and returns the rows it changed.
     */
    public static int update(DataSource dataSource, String sql, Object... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] instanceof Long[] ids) {
                    statement.setArray(i + 1, connection.createArrayOf("bigint", ids));
                } else {
                    statement.setObject(i + 1, parameters[i]);
                }
            }
            return statement.executeUpdate();
        }
    }
}
