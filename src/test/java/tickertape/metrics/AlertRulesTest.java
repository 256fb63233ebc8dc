package tickertape.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The alert rules are valid for Prometheus (promtool, where installed) and complete for ops. */
class AlertRulesTest {
    private static final Path RULES = Path.of("monitoring/prometheus/tickertape-rules.yml");

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        Path promtool = onPath("promtool");
        Assumptions.assumeTrue(promtool != null,
                "promtool is not on PATH: install Prometheus (Debian: apt-get install prometheus) to check the rules");
        Process check = new ProcessBuilder(promtool.toString(), "check", "rules", RULES.toString())
                .redirectErrorStream(true).start();
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.exitValue()).as("promtool check rules: %s", output).isZero();
    }

    @Test
    void everyAlertHasSeverityForSummaryAndDescription() throws Exception {
        AlertRules rules = AlertRules.read(RULES);
        assertThat(rules.rules()).isNotEmpty();
        for (Map<String, Object> rule : rules.rules()) {
            assertThat(rule).as("rule %s", rule.get("alert")).containsKeys("alert", "expr", "for", "labels", "annotations");
            assertThat(section(rule, "labels")).as("labels of %s", rule.get("alert")).containsKey("severity");
            assertThat(section(rule, "annotations")).as("annotations of %s", rule.get("alert"))
                    .containsKeys("summary", "description");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> rule, String name) {
        return (Map<String, Object>) rule.get(name);
    }

    private static Path onPath(String command) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(directory, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
