package tickertape;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tickertape.market.ExchangeCalendar;
import tickertape.sandbox.Aggregate;
import tickertape.sandbox.SyntheticBars;
import tickertape.database.EmbeddedServer;

/**
 * The packaged jar as ops run it: start, stop, kill -9 and restart, external database, and the
 * configuration mistakes that must end in one clear line and a non-zero exit.
 */
class AppLifecycleIT {
    private static final Duration START = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * A ticker the store never holds: the latest-bar request of a key that is let in is answered 404
     * whatever the sandbox has ingested by then, so the answer tells an accepted key (404) from a
     * refused one (401) and nothing else.
     */
    private static final String UNKNOWN_TICKER_LATEST = "/api/v2/data/market/latest?ticker=NOSUCH&timeframe=1m";

    @TempDir
    Path temp;

    @Test
    void startsServesStatusAndStopsItsDatabaseOnSigterm() throws Exception {
        Path workDir = AppProcess.newWorkDir(temp);
        long postgresPid;
        try (AppProcess app = AppProcess.start(workDir, Map.of())) {
            assertThat(app.awaitReady(START)).as(app.output()).isTrue();

            JsonNode status = JSON.readTree(app.get("/api/v2/status").orElseThrow().body());
            assertThat(status.path("storage").path("mode").asText()).isEqualTo("embedded");
            assertThat(status.path("tickers")).extracting(JsonNode::asText)
                    .containsExactly("IWM", "QQQ", "SPY", "UVXY");
            assertThat(app.getManagement("/observe/health").orElseThrow().statusCode()).isEqualTo(200);

            postgresPid = postmasterPid(workDir).orElseThrow();
            assertThat(ProcessHandle.of(postgresPid)).isPresent();
            assertSecured(workDir, app);
            assertThat(setting(workDir, "fsync")).isEqualTo("on");
            assertThat(setting(workDir, "synchronous_commit")).isEqualTo("on");
            execute(workDir, "insert into ticker(symbol, active) values ('KEPT', true)");

            // 143 = 128 + SIGTERM: the JVM's own code for a stop by signal after its shutdown hooks ran. Main's
            // System.exit(0), reached once Camel has stopped, comes during that shutdown and so never decides it.
            assertThat(app.stop(Duration.ofSeconds(40))).isEqualTo(143);
            assertThat(app.output()).contains("Embedded PostgreSQL stopped");
        }
        assertThat(isGoneWithin(postgresPid, Duration.ofSeconds(10))).as("postgres left running after SIGTERM").isTrue();
        assertThat(postmasterPid(workDir)).isEmpty();

        try (AppProcess restarted = AppProcess.start(workDir, Map.of())) {
            assertThat(restarted.awaitReady(START)).as(restarted.output()).isTrue();
            assertThat(query(workDir, "select count(*) from ticker where symbol = 'KEPT'")).isEqualTo(1);
        }
    }

    @Test
    void runsFromADirectoryWithoutRoutesOrSqlOnWhatTheJarCarries() throws Exception {
        Path workDir = AppProcess.emptyWorkDir(temp);
        try (AppProcess app = AppProcess.start(workDir, Map.of())) {
            assertThat(app.awaitReady(START)).as(app.output()).isTrue();
            assertThat(app.getManagement("/observe/health").orElseThrow().statusCode()).isEqualTo(200);
            assertThat(tickers(app)).containsExactly("IWM", "QQQ", "SPY", "UVXY");
            assertThat(routeFiles(app)).hasSize(PACKAGED_ROUTE_FILES.size()).allMatch(AppLifecycleIT::isPackaged);
            assertServesTheSandboxBars(app, "SPY");
        }
        try (var made = Files.list(workDir)) {
            assertThat(made.map(path -> path.getFileName().toString()).filter(name -> !name.endsWith(".log")))
                    .as("nothing but its data").containsExactly("data");
        }
    }

    @Test
    void aRoutesDirectoryReplacesThePackagedFileOfItsNameAndItsTickerEditsApplyWhileRunning() throws Exception {
        // As the README tells ops: the packaged tickers file copied out of the jar, edited, pointed at.
        Path opsRoutes = Files.createDirectories(temp.resolve("ops-routes"));
        Path tickersFile = opsRoutes.resolve("tickers.camel.yaml");
        try (ZipFile jar = new ZipFile(AppProcess.JAR.toFile())) {
            Files.write(tickersFile, jar.getInputStream(jar.getEntry("routes/tickers.camel.yaml")).readAllBytes());
        }
        Files.writeString(tickersFile, AppTestSupport.tickerBlock("DIA"), StandardOpenOption.APPEND);

        try (AppProcess app = AppProcess.start(AppProcess.emptyWorkDir(temp), Map.of(
                "TICKERTAPE_ROUTES_DIR", opsRoutes.toString(), "TICKERTAPE_ROUTES_RELOAD", "true"))) {
            assertThat(app.awaitReady(START)).as(app.output()).isTrue();
            assertThat(tickers(app)).containsExactly("DIA", "IWM", "QQQ", "SPY", "UVXY");
            List<String> loaded = routeFiles(app);
            assertThat(loaded).hasSize(PACKAGED_ROUTE_FILES.size()).contains("file:" + tickersFile);
            assertThat(loaded).filteredOn(location -> !location.equals("file:" + tickersFile))
                    .allMatch(AppLifecycleIT::isPackaged)
                    .noneMatch(location -> location.endsWith("/tickers.camel.yaml"));
            assertServesTheSandboxBars(app, "DIA");

            Files.writeString(tickersFile, AppTestSupport.tickerBlock("XLE"), StandardOpenOption.APPEND);
            long deadline = System.nanoTime() + START.toNanos();
            while (!tickers(app).contains("XLE")) {
                assertThat(System.nanoTime()).as("XLE added while running\n" + app.output()).isLessThan(deadline);
                Thread.sleep(500);
            }
            assertThat(tickers(app)).containsExactly("DIA", "IWM", "QQQ", "SPY", "UVXY", "XLE");
        }
    }

    private static final List<String> PACKAGED_ROUTE_FILES = packagedRouteFiles();

    private static List<String> packagedRouteFiles() {
        try (var files = Files.list(Path.of("routes"))) {
            return files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".camel.yaml"))
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A route file read from inside the jar (a classpath: pattern finds it there). */
    private static boolean isPackaged(String location) {
        return location.startsWith("file:" + AppProcess.JAR + "!/routes/");
    }

    private static List<String> tickers(AppProcess app) throws Exception {
        JsonNode status = JSON.readTree(app.get("/api/v2/status").orElseThrow().body());
        List<String> symbols = new java.util.ArrayList<>();
        status.path("tickers").forEach(ticker -> symbols.add(ticker.asText()));
        return symbols;
    }

    /** The route files the app loaded, as it logs them at start. */
    private static List<String> routeFiles(AppProcess app) {
        Matcher line = Pattern.compile("Route files: (.*)").matcher(app.output());
        assertThat(line.find()).as(app.output()).isTrue();
        return List.of(line.group(1).trim().split(", "));
    }

    /**
     * The newest 1m bar the app serves for {@code ticker} once its backfill has stored one, which is the
     * sandbox's own bar of that minute.
     */
    private static void assertServesTheSandboxBars(AppProcess app, String ticker) throws Exception {
        String opsKey = Files.readString(app.workDir.resolve("data/ops.key")).trim();
        String latest = "/api/v2/data/market/latest?ticker=" + ticker + "&timeframe=1m";
        long deadline = System.nanoTime() + START.toNanos();
        while (status(app, latest, opsKey) != 200) {
            assertThat(System.nanoTime()).as("a stored " + ticker + " bar\n" + app.output()).isLessThan(deadline);
            Thread.sleep(500);
        }
        HttpResponse<String> reply = app.get(latest, "Authorization", "Bearer " + opsKey).orElseThrow();
        JsonNode bar = JSON.readTree(reply.body()).path("bar");
        Instant start = Instant.parse(bar.path("ts").asText());
        Aggregate sandboxBar = new SyntheticBars(new ExchangeCalendar())
                .minuteBars(ticker, start.atZone(ExchangeCalendar.ZONE).toLocalDate()).stream()
                .filter(minute -> minute.startMillis() == start.toEpochMilli()).findFirst().orElseThrow();
        assertThat(bar.path("open").asDouble()).isEqualTo(sandboxBar.open());
        assertThat(bar.path("high").asDouble()).isEqualTo(sandboxBar.high());
        assertThat(bar.path("low").asDouble()).isEqualTo(sandboxBar.low());
        assertThat(bar.path("close").asDouble()).isEqualTo(sandboxBar.close());
        assertThat(bar.path("volume").asDouble()).isEqualTo(sandboxBar.volume());
    }

    @Test
    void aDataDirectoryFromBeforePasswordsIsGivenOneAtStartAndKeepsItsData() throws Exception {
        Path workDir = AppProcess.newWorkDir(temp);
        Path pgDirectory = EmbeddedServer.directoryFor(workDir.resolve("data"));
        // As tickertape made it before passwords: zonky's defaults, pg_hba.conf trusting every local connection.
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(pgDirectory)
                .setCleanDataDirectory(false).start();
             Connection c = old.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            // its own schema: Flyway refuses a non-empty public schema without its history
            s.execute("create schema before; create table before.kept(note text);"
                    + " insert into before.kept values ('still here')");
        }
        assertThat(Files.readString(pgDirectory.resolve("pg_hba.conf"))).containsPattern("(?m)^host .* trust$");

        // At DEBUG, so more of the app's log is searched for the password.
        try (AppProcess app = AppProcess.start(workDir, Map.of("TICKERTAPE_LOG_LEVEL", "DEBUG"))) {
            assertThat(app.awaitReady(START)).as(app.output()).isTrue();
            assertSecured(workDir, app);
            assertThat(queryText(workDir, "select note from before.kept")).isEqualTo("still here");
            assertThat(app.output()).contains("predates its password");

            AppProcess.Command listed = AppProcess.keys(workDir, "list");
            assertThat(listed.exitCode()).as(listed.err()).isZero();
            assertThat(listed.out()).contains("first ops key");
            assertThat(listed.out() + listed.err()).doesNotContain(embeddedPassword(workDir));
        }
        try (AppProcess restarted = AppProcess.start(workDir, Map.of())) {
            assertThat(restarted.awaitReady(START)).as(restarted.output()).isTrue();
            assertThat(restarted.output()).as("given once").doesNotContain("predates its password");
            assertSecured(workDir, restarted);
        }
    }

    @Test
    void keysMadeByTheCliWhileTheAppRunsWorkAreListedWithoutSecretAndRevoke() throws Exception {
        Path workDir = AppProcess.newWorkDir(temp);
        try (AppProcess app = AppProcess.start(workDir, Map.of())) {
            assertThat(app.awaitReady(START)).as(app.output()).isTrue();
            Path opsKeyFile = workDir.resolve("data/ops.key");
            assertThat(Files.getPosixFilePermissions(opsKeyFile)).extracting(Object::toString)
                    .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
            String opsKey = Files.readString(opsKeyFile).trim();
            assertThat(status(app, "/api/v2/data/ingest/status", opsKey)).isEqualTo(200);
            assertThat(status(app, "/api/v2/data/ingest/status", null)).isEqualTo(401);

            AppProcess.Command created = AppProcess.keys(workDir, "create", "--role", "bot", "--name", "trading bot",
                    "--rpm", "100");
            assertThat(created.exitCode()).as(created.err()).isZero();
            String key = created.out().trim();
            assertThat(key).as("stdout is the key alone").matches("tt_bot_[0-9A-Za-z]{43}");
            String prefix = key.substring(0, "tt_bot_".length() + 8);
            assertThat(created.err()).contains(prefix).doesNotContain(key);

            assertNotFound(app, UNKNOWN_TICKER_LATEST, key, "the new key is usable at once");
            assertThat(status(app, "/api/v2/data/dead-letters", key)).as("a bot key on an ops endpoint").isEqualTo(403);

            AppProcess.Command listed = AppProcess.keys(workDir, "list");
            assertThat(listed.exitCode()).as(listed.err()).isZero();
            assertThat(listed.out()).contains(prefix).contains("trading bot").contains("active").contains("first ops key")
                    .doesNotContain(key).doesNotContain(opsKey);

            AppProcess.Command revoked = AppProcess.keys(workDir, "revoke", prefix);
            assertThat(revoked.exitCode()).as(revoked.err()).isZero();
            // The app learns of the CLI's revocation from PostgreSQL's announcement, within milliseconds;
            // the deadline only covers a stalled machine.
            assertThat(refusedWithin(app, UNKNOWN_TICKER_LATEST, key, Duration.ofSeconds(10))).as("a revoked key, refused").isTrue();
            assertThat(AppProcess.keys(workDir, "list").out()).contains("revoked");
            assertThat(AppProcess.keys(workDir, "revoke", prefix).exitCode()).as("revoking twice").isEqualTo(1);

            String table = queryText(workDir, "select coalesce(string_agg(k::text, E'\\n'), '') from api_key k");
            assertThat(table).contains(prefix).doesNotContain(key).doesNotContain(opsKey);
            assertThat(app.output()).doesNotContain(key).doesNotContain(opsKey);
        }
    }

    @Test
    void theKeysCliRunsTheEmbeddedServerItselfWhenTheAppIsNotRunningAndStopsIt() throws Exception {
        Path workDir = AppProcess.newWorkDir(temp);
        AppProcess.Command created = AppProcess.keys(workDir, "create", "--role", "bot", "--name", "made offline");
        assertThat(created.exitCode()).as(created.err()).isZero();
        String key = created.out().trim();
        assertThat(key).matches("tt_bot_[0-9A-Za-z]{43}");
        assertThat(postmasterPid(workDir)).as("the CLI's server, stopped when it is done").isEmpty();

        try (AppProcess app = AppProcess.start(workDir, Map.of())) {
            assertThat(app.awaitReady(START)).as(app.output()).isTrue();
            assertSecured(workDir, app);
            assertNotFound(app, UNKNOWN_TICKER_LATEST, key, "the key made offline is usable");
        }
    }

    @Test
    void theKeysCliWorksOnTheServerNamedByDatabaseUrlWhileTheAppRuns() throws Exception {
        try (EmbeddedPostgres external = EmbeddedPostgres.builder().start()) {
            Map<String, String> env = Map.of("DATABASE_URL",
                    "postgresql://postgres:pw@localhost:" + external.getPort() + "/postgres");
            Path workDir = AppProcess.newWorkDir(temp);
            try (AppProcess app = AppProcess.start(workDir, env)) {
                assertThat(app.awaitReady(START)).as(app.output()).isTrue();

                AppProcess.Command created = AppProcess.keys(workDir, env, "create", "--role", "ml", "--name", "ml service");
                assertThat(created.exitCode()).as(created.err()).isZero();
                String key = created.out().trim();
                assertThat(key).matches("tt_ml_[0-9A-Za-z]{43}");
                assertNotFound(app, UNKNOWN_TICKER_LATEST, key, "the app knows the CLI's key");

                String prefix = key.substring(0, "tt_ml_".length() + 8);
                assertThat(AppProcess.keys(workDir, env, "list").out()).contains(prefix).contains("ml service");
                AppProcess.Command revoked = AppProcess.keys(workDir, env, "revoke", prefix);
                assertThat(revoked.exitCode()).as(revoked.err()).isZero();
                assertThat(refusedWithin(app, UNKNOWN_TICKER_LATEST, key, Duration.ofSeconds(10))).as("a revoked key, refused").isTrue();
            }
        }
    }

    private static boolean refusedWithin(AppProcess app, String path, String key, Duration deadline)
            throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (status(app, path, key) != 401) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static void assertNotFound(AppProcess app, String path, String key, String what) throws Exception {
        HttpResponse<String> response = app.get(path, "Authorization", "Bearer " + key).orElseThrow();
        assertThat(response.statusCode()).as(what + ": " + response.body()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).as(what).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).path("status").asInt()).as(what).isEqualTo(404);
    }

    /** The migrations of sql/ (V{n}__*.sql), which the jar packages and Flyway applies. */
    private static long migrationsInRepository() throws Exception {
        try (var files = Files.list(Path.of("sql"))) {
            return files.filter(file -> file.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
        }
    }

    private static int status(AppProcess app, String path, String key) {
        HttpResponse<String> response = (key == null ? app.get(path) : app.get(path, "Authorization", "Bearer " + key))
                .orElseThrow();
        return response.statusCode();
    }

    @Test
    void afterKillNineTheOrphanedServerIsStoppedAndTheDataKept() throws Exception {
        Path workDir = AppProcess.newWorkDir(temp);
        long orphanPid;
        try (AppProcess first = AppProcess.start(workDir, Map.of())) {
            assertThat(first.awaitReady(START)).as(first.output()).isTrue();
            orphanPid = postmasterPid(workDir).orElseThrow();
            execute(workDir, "insert into ticker(symbol, active) values ('KEEP', true)");
            first.kill();
        }
        assertThat(ProcessHandle.of(orphanPid)).as("kill -9 leaves the server running").isPresent();

        try (AppProcess second = AppProcess.start(workDir, Map.of())) {
            assertThat(second.awaitReady(START)).as(second.output()).isTrue();
            assertThat(second.output()).contains("orphaned PostgreSQL");
            assertThat(isGoneWithin(orphanPid, Duration.ofSeconds(10))).isTrue();
            assertThat(query(workDir, "select count(*) from ticker where symbol = 'KEEP'")).isEqualTo(1);
        }
    }

    @Test
    void usesTheServerNamedByDatabaseUrl() throws Exception {
        try (EmbeddedPostgres external = EmbeddedPostgres.builder().start()) {
            String url = "postgresql://postgres:s3cret-pw@localhost:" + external.getPort() + "/postgres";
            try (AppProcess app = AppProcess.start(AppProcess.newWorkDir(temp), Map.of("DATABASE_URL", url))) {
                assertThat(app.awaitReady(START)).as(app.output()).isTrue();
                String body = app.get("/api/v2/status").orElseThrow().body();
                JsonNode storage = JSON.readTree(body).path("storage");
                assertThat(storage.path("mode").asText()).isEqualTo("external");
                assertThat(storage.path("location").asText()).contains("localhost:" + external.getPort());
                assertThat(body + app.output()).doesNotContain("s3cret-pw");
                // no embedded server was started: the data directory holds only the first ops key
                try (var entries = Files.list(app.workDir.resolve("data"))) {
                    assertThat(entries.map(entry -> entry.getFileName().toString())).containsExactly("ops.key");
                }
            }
            try (Connection c = external.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                 ResultSet rows = s.executeQuery("select count(*) from flyway_schema_history where success")) {
                rows.next();
                assertThat(rows.getInt(1)).as("migrations applied").isEqualTo(migrationsInRepository());
            }
        }
    }

    @Test
    void anUnreachableDatabaseEndsInOneClearLineWithinThirtySeconds() throws Exception {
        int closedPort = AppProcess.freePort();
        String url = "postgresql://app:hunter2@127.0.0.1:" + closedPort + "/market";
        try (AppProcess app = AppProcess.start(AppProcess.newWorkDir(temp), Map.of("DATABASE_URL", url))) {
            Optional<Integer> exit = app.awaitExit(Duration.ofSeconds(30));
            assertThat(exit).as(app.output()).isPresent();
            assertThat(exit.get()).as("the exit code of a start-up error (README)").isEqualTo(2);
            String output = app.output();
            assertThat(output).contains("tickertape: Cannot connect to the database at jdbc:postgresql://127.0.0.1:"
                    + closedPort + "/market");
            assertThat(output).doesNotContain("hunter2").doesNotContain("\tat ");
        }
    }

    @Test
    void aPortInUseIsNamedWithTheSettingThatChangesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            try (AppProcess app = AppProcess.start(AppProcess.newWorkDir(temp), Map.of(), port,
                    AppProcess.freePort())) {
                Optional<Integer> exit = app.awaitExit(Duration.ofSeconds(30));
                assertThat(exit).as(app.output()).isPresent();
                assertThat(exit.get()).as("the exit code of a start-up error (README)").isEqualTo(2);
                assertThat(app.output()).contains("Port " + port + " is already in use")
                        .contains("TICKERTAPE_HTTP_PORT");
            }
        }
    }

    @Test
    void aFailedMigrationIsNamedAndRolledBack() throws Exception {
        Path workDir = AppProcess.newWorkDir(temp);
        AppProcess.copyTree(Path.of("sql"), workDir.resolve("sql"));
        Files.writeString(workDir.resolve("sql/V900__broken.sql"),
                "create table half_done(id int);\ninsert into no_such_table values (1);\n");
        // The packaged migrations and a broken one after them, from a directory: the setting as a system property.
        Map<String, String> migrationsFromSql = Map.of("JAVA_TOOL_OPTIONS",
                "-Dtickertape.database.migrations=filesystem:sql");
        try (AppProcess app = AppProcess.start(workDir, migrationsFromSql)) {
            Optional<Integer> exit = app.awaitExit(START);
            assertThat(exit).as(app.output()).isPresent();
            assertThat(exit.get()).as("the exit code of a start-up error (README)").isEqualTo(2);
            assertThat(app.output()).contains("Database migration failed").contains("V900__broken.sql");
        }
        Files.delete(workDir.resolve("sql/V900__broken.sql"));
        try (AppProcess app = AppProcess.start(workDir, migrationsFromSql)) {
            assertThat(app.awaitReady(START)).as(app.output()).isTrue();
            assertThat(query(workDir, "select count(*) from pg_tables where tablename = 'half_done'")).isZero();
        }
    }

    /** The postmaster exits a moment after it removes its pid file; give it that moment. */
    private static boolean isGoneWithin(long pid, Duration timeout) throws Exception {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isPresent()) {
            try {
                process.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return false;
            }
        }
        return true;
    }

    private static Optional<Long> postmasterPid(Path workDir) throws Exception {
        Path pidFile = pgDirectory(workDir).resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim()));
    }

    private static Path pgDirectory(Path workDir) throws Exception {
        try (var dirs = Files.list(workDir.resolve("data"))) {
            return dirs.filter(d -> d.getFileName().toString().matches("pg\\d+")).findFirst().orElseThrow();
        }
    }

    private static Connection connect(Path workDir) throws Exception {
        return DriverManager.getConnection(embeddedUrl(workDir), "postgres", embeddedPassword(workDir));
    }

    private static String embeddedUrl(Path workDir) throws Exception {
        List<String> pid = Files.readAllLines(pgDirectory(workDir).resolve("postmaster.pid"));
        return "jdbc:postgresql://127.0.0.1:" + pid.get(3).trim() + "/postgres";
    }

    private static String embeddedPassword(Path workDir) throws Exception {
        return Files.readString(workDir.resolve("data/postgres.password")).trim();
    }

    /** The embedded server's answer to postgres logging in with no password: null when it lets it in. */
    private static String passwordlessLoginRefusal(Path workDir) throws Exception {
        Properties noPassword = new Properties();
        noPassword.setProperty("user", "postgres");
        try (Connection c = DriverManager.getConnection(embeddedUrl(workDir), noPassword)) {
            return null;
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    private static void assertSecured(Path workDir, AppProcess app) throws Exception {
        assertThat(passwordlessLoginRefusal(workDir)).as("postgres without a password")
                .contains("SCRAM-based authentication, but no password was provided");
        Path passwordFile = workDir.resolve("data/postgres.password");
        assertThat(Files.getPosixFilePermissions(passwordFile)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        assertThat(embeddedPassword(workDir)).hasSizeGreaterThanOrEqualTo(40);
        assertThat(setting(workDir, "listen_addresses")).isEqualTo("127.0.0.1");
        assertThat(Files.readString(pgDirectory(workDir).resolve("pg_hba.conf")))
                .contains("127.0.0.1/32    scram-sha-256").doesNotContain(" trust");
        assertThat(app.output()).doesNotContain(embeddedPassword(workDir));
    }

    private static void execute(Path workDir, String sql) throws Exception {
        try (Connection c = connect(workDir); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String setting(Path workDir, String name) throws Exception {
        try (Connection c = connect(workDir); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("show " + name)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static String queryText(Path workDir, String sql) throws Exception {
        try (Connection c = connect(workDir); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static long query(Path workDir, String sql) throws Exception {
        try (Connection c = connect(workDir); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
