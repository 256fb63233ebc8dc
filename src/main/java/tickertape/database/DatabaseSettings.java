package tickertape.database;

import java.net.URI;
import tickertape.StartupFailure;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the store lives: an external PostgreSQL when a URL is configured, else the embedded one.
 *
 * <p>{@code DATABASE_URL} comes in the form most platforms give it
 * ({@code postgresql://user:pass@host:port/db?sslmode=require}); a JDBC URL with separate user and
 * password is accepted too. {@link #describe()} is the only form that may be logged: it never
 * holds the password.
 */
public record DatabaseSettings(
        Optional<String> jdbcUrl, String user, String password, int poolSize, Path dataDirectory, int embeddedPort) {

    /**
     * @param databaseUrl a platform-style URL, or blank
     * @param jdbcUrl a {@code jdbc:postgresql:} URL, or blank; used when databaseUrl is blank
     */
    public static DatabaseSettings of(String databaseUrl, String jdbcUrl, String user, String password,
                                      int poolSize, Path dataDirectory, int embeddedPort) {
        if (!isBlank(databaseUrl)) {
            return fromPlatformUrl(databaseUrl.trim(), poolSize, dataDirectory, embeddedPort);
        }
        if (!isBlank(jdbcUrl)) {
            if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new StartupFailure("TICKERTAPE_DB_URL must start with jdbc:postgresql: (got "
                        + redactedJdbc(jdbcUrl) + ")");
            }
            return new DatabaseSettings(Optional.of(jdbcUrl.trim()), nullToEmpty(user), nullToEmpty(password),
                    poolSize, dataDirectory, embeddedPort);
        }
        return new DatabaseSettings(Optional.empty(), "postgres", "", poolSize, dataDirectory, embeddedPort);
    }

    private static DatabaseSettings fromPlatformUrl(String url, int poolSize, Path dataDirectory, int embeddedPort) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new StartupFailure("DATABASE_URL is not a valid URL (expected postgresql://user:pass@host:port/db)");
        }
        String scheme = uri.getScheme();
        if (!"postgresql".equals(scheme) && !"postgres".equals(scheme) || uri.getHost() == null) {
            throw new StartupFailure("DATABASE_URL must look like postgresql://user:pass@host:port/db (got scheme '"
                    + scheme + "', host '" + uri.getHost() + "')");
        }
        String user = "";
        String password = "";
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : "";
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 5432;
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? user : uri.getPath().substring(1);
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + port + "/" + database + query;
        return new DatabaseSettings(Optional.of(jdbc), user, password, poolSize, dataDirectory, embeddedPort);
    }

    public boolean isEmbedded() {
        return jdbcUrl.isEmpty();
    }

    /** The configured server; empty when the store is embedded. */
    public Optional<ServerLogin> login() {
        return jdbcUrl.map(url -> new ServerLogin(url, user, password));
    }

    /** These settings with {@code login}'s server as if configured: how the keys CLI reaches a running app's server. */
    public DatabaseSettings onServer(ServerLogin login) {
        return new DatabaseSettings(Optional.of(login.jdbcUrl()), login.user(), login.password(), poolSize,
                dataDirectory, embeddedPort);
    }

    /** Leaves the password out, should these settings ever be logged. */
    @Override
    public String toString() {
        return "DatabaseSettings[" + describe() + ", pool " + poolSize + "]";
    }

    /** Where the store is, for logs and the status page: host, port and database, never the password. */
    public String describe() {
        return jdbcUrl.map(url -> redactedJdbc(url) + (user.isEmpty() ? "" : " as " + user))
                .orElseGet(() -> "embedded PostgreSQL in " + EmbeddedServer.directoryFor(dataDirectory));
    }

    /** Drops the query string, where a JDBC URL may carry {@code password=}. */
    private static String redactedJdbc(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    /** Percent-decoding as a URI's user info is decoded: a '+' is a plus (URLDecoder's form rules make it a space). */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
