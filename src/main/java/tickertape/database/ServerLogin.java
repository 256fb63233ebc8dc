package tickertape.database;

/** Where a PostgreSQL server is and who logs in to it. Its string form leaves the password out. */
public record ServerLogin(String jdbcUrl, String user, String password) {
    @Override
    public String toString() {
        return "ServerLogin[" + jdbcUrl + " as " + user + "]";
    }
}
