package tickertape.keys;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The API keys in table {@code api_key}: issue, list, revoke, and find the active key with a hash.
 * Requests recognise their key through {@link KeyAuthentication}, which asks this store only when its
 * cache cannot answer.
 */
public class ApiKeys {
    private static final String COLUMNS =
            "id, prefix, name, role, requests_per_minute, created_at, last_used_at, revoked_at";

    private final DataSource dataSource;

    public ApiKeys(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A key that cannot be issued as asked, naming what is wrong with the request. */
    public static final class InvalidKeyRequest extends IllegalArgumentException {
        private final String parameter;

        InvalidKeyRequest(String parameter, String message) {
            super(message);
            this.parameter = parameter;
        }

        public String parameter() {
            return parameter;
        }
    }

    public IssuedKey issue(Role role, String name, Integer requestsPerMinute) throws SQLException {
        if (name == null || name.isBlank() || name.length() > 128) {
            throw new InvalidKeyRequest("name", "a key needs a name of 1 to 128 characters");
        }
        if (requestsPerMinute != null && requestsPerMinute <= 0) {
            throw new InvalidKeyRequest("requestsPerMinute", "requests per minute must be positive");
        }
        String secret = KeySecret.generate(role);
        String sql = "insert into api_key (prefix, key_hash, name, role, requests_per_minute) values (?, ?, ?, ?, ?)"
                + " returning " + COLUMNS;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setString(1, KeySecret.prefixOf(secret));
            insert.setBytes(2, KeySecret.sha256(secret));
            insert.setString(3, name.trim());
            insert.setString(4, role.code());
            if (requestsPerMinute == null) {
                insert.setNull(5, Types.INTEGER);
            } else {
                insert.setInt(5, requestsPerMinute);
            }
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return new IssuedKey(read(row), secret);
            }
        }
    }

    public List<ApiKey> list() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("select " + COLUMNS + " from api_key order by id");
             ResultSet rows = select.executeQuery()) {
            List<ApiKey> keys = new ArrayList<>();
            while (rows.next()) {
                keys.add(read(rows));
            }
            return keys;
        }
    }

    /**
     * The store's first key, or empty when it has one already. Instances starting together on an empty
     * store issue one between them: the check and the insert are one statement, after a lock that
     * serialises them (on its own, a not-exists check sees the same empty table in each transaction).
     */
    public Optional<IssuedKey> issueFirst(Role role, String name) throws SQLException {
        String secret = KeySecret.generate(role);
        String sql = "insert into api_key (prefix, key_hash, name, role) select ?, ?, ?, ?"
                + " where not exists (select 1 from api_key) returning " + COLUMNS;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement lock = connection.prepareStatement(
                    "select pg_advisory_xact_lock(hashtext('api_key first'))");
                 PreparedStatement insert = connection.prepareStatement(sql)) {
                lock.execute();
                insert.setString(1, KeySecret.prefixOf(secret));
                insert.setBytes(2, KeySecret.sha256(secret));
                insert.setString(3, name);
                insert.setString(4, role.code());
                Optional<IssuedKey> issued;
                try (ResultSet row = insert.executeQuery()) {
                    issued = row.next() ? Optional.of(new IssuedKey(read(row), secret)) : Optional.empty();
                }
                connection.commit();
                return issued;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Revokes the key with this prefix; empty when there is none, or it was revoked already. */
    public Optional<ApiKey> revoke(String prefix) throws SQLException {
        String sql = "update api_key set revoked_at = now() where prefix = ? and revoked_at is null returning " + COLUMNS;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(sql)) {
            update.setString(1, prefix);
            try (ResultSet row = update.executeQuery()) {
                return row.next() ? Optional.of(read(row)) : Optional.empty();
            }
        }
    }

    /** The active (not revoked) key with this hash, if any: one row of the unique index on key_hash. */
    Optional<ApiKey> findActive(KeyHash hash) throws SQLException {
        String sql = "select " + COLUMNS + " from api_key where key_hash = ? and revoked_at is null";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setBytes(1, hash.bytes());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(read(row)) : Optional.empty();
            }
        }
    }

    private static ApiKey read(ResultSet row) throws SQLException {
        Integer requestsPerMinute = row.getObject("requests_per_minute", Integer.class);
        return new ApiKey(row.getLong("id"), row.getString("prefix"), row.getString("name"),
                Role.parse(row.getString("role")), requestsPerMinute,
                instant(row.getTimestamp("created_at")), instant(row.getTimestamp("last_used_at")),
                instant(row.getTimestamp("revoked_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
