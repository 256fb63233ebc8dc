package tickertape.ingest;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** A logback appender on the root logger keeping every event as the text a log file would hold. */
final class CapturedLogs extends AppenderBase<ILoggingEvent> {

    private final List<String> lines = new ArrayList<>();

    static CapturedLogs install() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        CapturedLogs appender = new CapturedLogs();
        appender.setContext(logging);
        appender.setName("captured");
        appender.start();
        logging.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return appender;
    }

    @Override
    protected void append(ILoggingEvent event) {
        StringBuilder line = new StringBuilder()
                .append(event.getLevel()).append(' ')
                .append(event.getThreadName()).append(' ')
                .append(event.getLoggerName()).append(" - ")
                .append(event.getFormattedMessage());
        if (event.getThrowableProxy() != null) {
            line.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        synchronized (lines) {
            lines.add(line.toString());
        }
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The lines containing {@code text}. */
    List<String> linesContaining(String text) {
        return lines().stream().filter(line -> line.contains(text)).toList();
    }
}
