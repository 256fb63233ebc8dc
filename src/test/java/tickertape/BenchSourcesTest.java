package tickertape;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmarks in bench/src are compiled by bench/run only, against the app's classes; a change to a
 * class they use would otherwise break them unseen until the next benchmark run. Compiling them here,
 * against the same classes, makes that change fail `mvn verify`.
 */
class BenchSourcesTest {

    @Test
    void benchSourcesCompileAgainstTheAppsClasses(@TempDir Path classes) throws IOException {
        List<String> sources;
        try (Stream<Path> files = Files.walk(Path.of("bench/src"))) {
            sources = files.filter(file -> file.toString().endsWith(".java")).map(Path::toString).toList();
        }
        assertThat(sources).as("bench sources").isNotEmpty();

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        String[] arguments = Stream.concat(Stream.of("-nowarn", "-encoding", "UTF-8", "--release", "17",
                "-d", classes.toString(), "-cp", System.getProperty("java.class.path")), sources.stream())
                .toArray(String[]::new);
        int exitCode = javac.run(null, errors, errors, arguments);

        assertThat(exitCode).as("javac of bench/src:%n%s", errors.toString(StandardCharsets.UTF_8)).isZero();
    }
}
