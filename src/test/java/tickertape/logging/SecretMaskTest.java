package tickertape.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The console pattern of logback.xml masks a registered secret in messages and stack traces, each printed once. */
class SecretMaskTest {
    private static final String SECRET = "s3cret-" + System.nanoTime();

    @Test
    void aSecretIsMaskedInTheMessageAndTheStackTrace() throws Exception {
        SecretMask.register(SECRET);
        LoggerContext logging = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(logging);
        try (InputStream xml = getClass().getResourceAsStream("/logback.xml")) {
            configurator.doConfigure(xml);
        }
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) logging.getLogger("ROOT").getAppender("console");
        LoggingEvent event = new LoggingEvent("test", logging.getLogger("test"), Level.DEBUG,
                ">> Authorization: Bearer " + SECRET, new IllegalStateException("url with " + SECRET), null);

        String line = new String(console.getEncoder().encode(event), StandardCharsets.UTF_8);
        assertThat(line).contains(">> Authorization: Bearer ****").contains("IllegalStateException: url with ****")
                .doesNotContain(SECRET);
        assertThat(line.split("IllegalStateException", -1)).as("the stack trace printed once").hasSize(2);
    }
}
