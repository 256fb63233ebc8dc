package tickertape.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tickertape.StartupFailure;

/**
 * The PostgreSQL server tickertape runs itself when no database is configured.
 *
 * <p>Its data lives in {@code <data>/pg<major>/} so an upgrade of the binaries never opens an older
 * major's files. Durability is on (zonky turns fsync and synchronous_commit off for tests). A
 * server orphaned by a {@code kill -9} of the JVM is found through {@code postmaster.pid} and
 * stopped before a new one starts. While a JVM owns the directory, it holds zonky's {@code epg-lock};
 * a second process (a CLI command) sees the lock and connects to the running server instead.
 *
 * <p>It listens on 127.0.0.1 only and lets no one in without the password ({@code scram-sha-256}),
 * kept in {@code <data>/postgres.password} ({@link EmbeddedPassword}). A directory made before
 * that (its pg_hba.conf trusting every local connection) is given the password at its next start.
 */
public final class EmbeddedServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
    private static final String BUILD_PROPERTIES = "/tickertape-build.properties";
    private static final String OWNER_LOCK = "epg-lock";
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(20);

    private static final String SUPERUSER = "postgres";
    /** Our pg_hba.conf, written at each start (an edit is overwritten): a password for every connection. */
    private static final String HBA = """
            # Written by tickertape at each start of its embedded PostgreSQL; edits are overwritten.
            # Every connection needs a password (scram-sha-256); the server listens on 127.0.0.1 only.
            host    all    all    127.0.0.1/32    scram-sha-256
            """;

    private final ServerLogin login;
    private final EmbeddedPostgres postgres;
    private final Path directory;

    private EmbeddedServer(ServerLogin login, EmbeddedPostgres postgres, Path directory) {
        this.login = login;
        this.postgres = postgres;
        this.directory = directory;
    }

    /** The data directory for the bundled binaries' major version, under {@code dataRoot}. */
    public static Path directoryFor(Path dataRoot) {
        return dataRoot.resolve("pg" + bundledMajorVersion()).toAbsolutePath().normalize();
    }

    public static EmbeddedServer start(Path dataRoot, int port) {
        Path directory = directoryFor(dataRoot);
        try {
            Files.createDirectories(directory);
            if (isOwnedByAnotherProcess(directory)) {
                throw new StartupFailure("Another tickertape process is using the embedded database in " + directory
                        + "; stop it first, or set TICKERTAPE_DATA_DIR to another directory");
            }
            stopOrphan(directory);
            // The file first: a start that dies after it retries with the same password.
            String password = EmbeddedPassword.readOrCreate(dataRoot);
            if (predatesPassword(directory)) {
                givePassword(directory, port, password, EmbeddedPassword.fileIn(dataRoot));
            }
            EmbeddedPostgres postgres = builder(directory, port, password)
                    // initdb's options, which zonky passes as --name=value (after its own "-A trust", so
                    // this one wins): a new directory never trusts anyone, not even until its first start.
                    .setLocaleConfig("auth", "scram-sha-256")
                    .setLocaleConfig("pwfile", EmbeddedPassword.fileIn(dataRoot).toString())
                    .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()))
                    .start();
            LOG.info("Embedded PostgreSQL {} started on 127.0.0.1 port {} with data in {} (password in {})",
                    bundledMajorVersion(), postgres.getPort(), directory, EmbeddedPassword.fileIn(dataRoot));
            return new EmbeddedServer(new ServerLogin(jdbcUrl(postgres.getPort()), SUPERUSER, password), postgres,
                    directory);
        } catch (IOException | SQLException | RuntimeException e) {
            if (e instanceof StartupFailure failure) {
                throw failure;
            }
            throw new StartupFailure("Embedded PostgreSQL failed to start in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static EmbeddedPostgres.Builder builder(Path directory, int port, String password) {
        return EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false) // stopped by Camel after the routes, not racing them
                .setPort(port)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "100")
                // zonky's readiness check logs in as postgres with it
                .setConnectConfig("password", password)
                .setPGStartupWait(Duration.ofSeconds(60));
    }

    /** Initialised, but its pg_hba.conf is not ours: made before the server had a password (trusting local logins). */
    private static boolean predatesPassword(Path directory) throws IOException {
        return Files.exists(hbaFile(directory)) && !Files.readString(hbaFile(directory)).equals(HBA);
    }

    /**
     * Started as it is (it lets postgres in) to give postgres the password, then stopped; the start
     * that follows writes our pg_hba.conf. The password goes as a SCRAM verifier computed here, never
     * in clear, so no server log can hold it.
     */
    private static void givePassword(Path directory, int port, String password, Path passwordFile)
            throws IOException, SQLException {
        LOG.warn("The embedded PostgreSQL in {} predates its password: setting one (kept in {}) and requiring it "
                + "from now on", directory, passwordFile);
        try (EmbeddedPostgres asItWas = builder(directory, port, password).start();
             Connection connection = asItWas.getPostgresDatabase().getConnection()) {
            connection.unwrap(PGConnection.class).alterUserPassword(SUPERUSER, password.toCharArray(), "scram-sha-256");
        }
    }

    private static Path hbaFile(Path directory) {
        return directory.resolve("pg_hba.conf");
    }

    private static void writeHba(Path directory) {
        try {
            Files.writeString(hbaFile(directory), HBA);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String jdbcUrl(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /**
     * The login of a server that a running tickertape process owns in this directory, if any: how
     * a CLI command reaches the store while the app runs.
     */
    public static Optional<ServerLogin> runningServer(Path dataRoot) {
        Path directory = directoryFor(dataRoot);
        if (!isOwnedByAnotherProcess(directory)) {
            return Optional.empty();
        }
        Optional<Integer> port = readPostmasterPid(directory).filter(pid -> ProcessHandle.of(pid.pid()).isPresent())
                .map(PostmasterPid::port);
        if (port.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ServerLogin(jdbcUrl(port.get()), SUPERUSER, EmbeddedPassword.read(dataRoot)));
        } catch (IOException e) {
            throw new StartupFailure("Cannot read the embedded database's password in "
                    + EmbeddedPassword.fileIn(dataRoot) + ": " + e.getMessage(), e);
        }
    }

    public ServerLogin login() {
        return login;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        try {
            postgres.close();
            LOG.info("Embedded PostgreSQL stopped");
        } catch (IOException e) {
            LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }

    static int bundledMajorVersion() {
        try (InputStream in = EmbeddedServer.class.getResourceAsStream(BUILD_PROPERTIES)) {
            Properties build = new Properties();
            build.load(in);
            return Integer.parseInt(build.getProperty("postgres.binaries.version").split("\\.")[0]);
        } catch (IOException | RuntimeException e) {
            throw new StartupFailure("Cannot tell the version of the bundled PostgreSQL binaries: " + e, e);
        }
    }

    /** True when a live process holds the directory's owner lock (released by the OS when it dies). */
    private static boolean isOwnedByAnotherProcess(Path directory) {
        Path lockFile = directory.resolve(OWNER_LOCK);
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (RandomAccessFile file = new RandomAccessFile(lockFile.toFile(), "rw");
             FileLock lock = file.getChannel().tryLock()) {
            return lock == null;
        } catch (OverlappingFileLockException e) {
            return true; // held by this very JVM, e.g. a CLI command run inside a test
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A postmaster still running on this directory with no owner is left over from a kill -9: ask it
     * to shut down (SIGTERM, a smart shutdown; its clients died with the JVM) and wait, so the new
     * server does not fail on "lock file postmaster.pid already exists".
     */
    private static void stopOrphan(Path directory) {
        Optional<ProcessHandle> orphan = readPostmasterPid(directory)
                .flatMap(pid -> ProcessHandle.of(pid.pid()))
                .filter(process -> process.info().command().map(c -> c.endsWith("postgres")).orElse(true));
        if (orphan.isEmpty()) {
            return;
        }
        ProcessHandle process = orphan.get();
        LOG.warn("Found an orphaned PostgreSQL (pid {}) on {}, left by an unclean stop; stopping it",
                process.pid(), directory);
        process.destroy();
        try {
            process.onExit().get(ORPHAN_STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Orphaned PostgreSQL (pid {}) did not stop in {}s; killing it", process.pid(),
                    ORPHAN_STOP_WAIT.toSeconds());
            process.destroyForcibly();
            process.onExit().join();
        }
    }

    private record PostmasterPid(long pid, int port) {
    }

    /** postmaster.pid: line 1 the pid, line 4 the port (PostgreSQL's documented layout). */
    private static Optional<PostmasterPid> readPostmasterPid(Path directory) {
        try {
            List<String> lines = Files.readAllLines(directory.resolve("postmaster.pid"));
            return Optional.of(new PostmasterPid(Long.parseLong(lines.get(0).trim()),
                    Integer.parseInt(lines.get(3).trim())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
