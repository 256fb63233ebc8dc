package tickertape;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged app (target/tickertape.jar) run as a separate process, the way ops run it: in its own
 * working directory (a copy of routes/, as at the repository root, or nothing), with environment
 * variables as settings.
 */
final class AppProcess implements AutoCloseable {
    static final Path JAR = Path.of("target/tickertape.jar").toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Path workDir;
    final int httpPort;
    final int managementPort;
    final Path output;
    private final Process process;

    private AppProcess(Path workDir, int httpPort, int managementPort, Path output, Process process) {
        this.workDir = workDir;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.output = output;
        this.process = process;
    }

    /** A working directory like the repository root: routes/ copied from the project. */
    static Path newWorkDir(Path parent) throws IOException {
        Path dir = emptyWorkDir(parent);
        copyTree(Path.of("routes"), dir.resolve("routes"));
        return dir;
    }

    /** A working directory with nothing in it: the jar brings its own routes and migrations. */
    static Path emptyWorkDir(Path parent) throws IOException {
        return Files.createDirectories(parent.resolve("app"));
    }

    static AppProcess start(Path workDir, Map<String, String> env) throws IOException {
        return start(workDir, env, freePort(), freePort());
    }

    static AppProcess start(Path workDir, Map<String, String> env, int httpPort, int managementPort) throws IOException {
        Path output = Files.createTempFile(workDir, "app-", ".log");
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-Xmx256m", "-jar", JAR.toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(key -> key.startsWith("TICKERTAPE_") || key.equals("DATABASE_URL")
                || key.startsWith("POLYGON_"));
        environment.put("TICKERTAPE_HTTP_PORT", String.valueOf(httpPort));
        environment.put("TICKERTAPE_MANAGEMENT_PORT", String.valueOf(managementPort));
        environment.put("TICKERTAPE_ROUTES_RELOAD", "false");
        environment.put("TICKERTAPE_BACKFILL_FROM", "P5D");
        environment.putAll(new HashMap<>(env));
        return new AppProcess(workDir, httpPort, managementPort, output, builder.start());
    }

    /** Waits until {@code GET /api/v2/status} answers 200, or the process exits, or the timeout passes. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            if (get(httpPort, "/api/v2/status").map(HttpResponse::statusCode).orElse(0) == 200) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    Optional<HttpResponse<String>> get(String path) {
        return get(httpPort, path);
    }

    /** GET with request headers given as name, value, name, value... */
    Optional<HttpResponse<String>> get(String path, String... headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(Duration.ofSeconds(5));
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            return Optional.of(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** What {@code java -jar tickertape.jar keys ...} printed and returned. */
    record Command(int exitCode, String out, String err) {
    }

    /** Runs {@code java -jar tickertape.jar keys <args>} in {@code workDir}, as ops would next to the running app. */
    static Command keys(Path workDir, String... args) throws IOException, InterruptedException {
        return keys(workDir, Map.of(), args);
    }

    /** {@link #keys(Path, String...)} with environment variables as settings (DATABASE_URL). */
    static Command keys(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(javaBinary(), "-jar", JAR.toString(),
                "keys"));
        command.addAll(java.util.List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("TICKERTAPE_") || key.equals("DATABASE_URL")
                || key.startsWith("POLYGON_"));
        builder.environment().putAll(env);
        Path out = Files.createTempFile(workDir, "keys-", ".out");
        Path err = Files.createTempFile(workDir, "keys-", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("keys " + String.join(" ", args) + " did not end within 60 s");
        }
        return new Command(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    Optional<HttpResponse<String>> getManagement(String path) {
        return get(managementPort, path);
    }

    static Optional<HttpResponse<String>> get(int port, String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build();
            return Optional.of(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** SIGTERM, as a service manager stops it; returns the exit code. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("app did not stop within " + timeout + "\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL: the JVM dies at once and leaves its embedded PostgreSQL running. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? Optional.of(process.exitValue()) : Optional.empty();
    }

    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(40));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
