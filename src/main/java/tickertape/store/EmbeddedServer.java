package tickertape.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
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
 */
public final class EmbeddedServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
    private static final String BUILD_PROPERTIES = "/tickertape-build.properties";
    private static final String OWNER_LOCK = "epg-lock";
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(20);

    private final EmbeddedPostgres postgres;
    private final Path directory;

    private EmbeddedServer(EmbeddedPostgres postgres, Path directory) {
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
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false) // stopped by Camel after the routes, not racing them
                    .setPort(port)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("listen_addresses", "localhost")
                    .setServerConfig("max_connections", "100")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            LOG.info("Embedded PostgreSQL {} started on port {} with data in {}",
                    bundledMajorVersion(), postgres.getPort(), directory);
            return new EmbeddedServer(postgres, directory);
        } catch (IOException | RuntimeException e) {
            if (e instanceof StartupFailure failure) {
                throw failure;
            }
            throw new StartupFailure("Embedded PostgreSQL failed to start in " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * The port of a server that a running tickertape process owns in this directory, if any: how
     * a CLI command reaches the store while the app runs.
     */
    public static Optional<Integer> runningServerPort(Path dataRoot) {
        Path directory = directoryFor(dataRoot);
        if (!isOwnedByAnotherProcess(directory)) {
            return Optional.empty();
        }
        return readPostmasterPid(directory).filter(pid -> ProcessHandle.of(pid.pid()).isPresent())
                .map(PostmasterPid::port);
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    public int port() {
        return postgres.getPort();
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
