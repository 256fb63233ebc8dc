package tickertape.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.CompositeConverter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Logback's {@code %mask(...)}: the wrapped text (message and stack trace) with every secret value
 * replaced by {@value #MASK}, whichever logger wrote it and at whatever level.
 *
 * <p>Why values and not loggers: the Polygon key and the database password reached the log through
 * libraries' own DEBUG and TRACE lines (HttpClient's headers and wire loggers, Camel's property
 * resolution), and any library may add such a line in its next version. Capping those loggers
 * (logback.xml) keeps their volume down; this is what makes a new one harmless too.
 *
 * <p>The secrets are known from the first line on: the options name the environment variables that
 * hold them ({@code %mask(...){POLYGON_API_KEY,DATABASE_URL}}; a URL's secret is its password), read
 * when logging starts, before Camel resolves any setting. A secret given another way (a system
 * property, a test's override) is added by the app with {@link #register} once resolved.
 */
public final class SecretMask extends CompositeConverter<ILoggingEvent> {
    static final String MASK = "****";
    private static final Set<String> SECRETS = new CopyOnWriteArraySet<>();

    /** Masks {@code secret} in every line from now on; blank values are no secret. */
    public static void register(String secret) {
        if (secret != null && !secret.isBlank()) {
            SECRETS.add(secret);
        }
    }

    @Override
    public void start() {
        List<String> variables = getOptionList();
        if (variables != null) {
            variables.forEach(variable -> register(secretOf(System.getenv(variable.trim()))));
        }
        super.start();
    }

    @Override
    protected String transform(ILoggingEvent event, String text) {
        return mask(text);
    }

    static String mask(String text) {
        String masked = text;
        for (String secret : SECRETS) {
            masked = masked.replace(secret, MASK);
        }
        return masked;
    }

    /** A URL's password as it is written in the URL (decoded, it is registered when the app reads it), or the value. */
    private static String secretOf(String value) {
        if (value == null || !value.contains("://")) {
            return value;
        }
        try {
            String userInfo = new URI(value).getRawUserInfo();
            return userInfo == null || !userInfo.contains(":") ? null : userInfo.substring(userInfo.indexOf(':') + 1);
        } catch (URISyntaxException e) {
            return value; // not a URL after all: the whole value is the secret
        }
    }
}
