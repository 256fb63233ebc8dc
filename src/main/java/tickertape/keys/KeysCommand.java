package tickertape.keys;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import tickertape.StartupFailure;
import tickertape.database.Database;
import tickertape.database.DatabaseSettings;
import tickertape.database.EmbeddedServer;
import tickertape.database.ServerLogin;

/**
 * {@code tickertape keys create|list|revoke}: key management from the command line, while the app
 * runs or not.
 *
 * <p>Settings are resolved exactly as the app resolves them: Camel's properties component reading
 * application.properties, with environment variables and {@code -D} system properties on top. With
 * the embedded database, a running app's server is used (its port is in {@code postmaster.pid});
 * only when none runs does the command start the server itself, and stop it when done.
 */
public final class KeysCommand {
    static final String USAGE = """
            usage: tickertape keys create --role bot|ml|ops --name "what uses it" [--rpm N]
                   tickertape keys list
                   tickertape keys revoke <prefix>""";

    private final Properties overrides;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param overrides settings on top of application.properties (a test's data directory), usually empty
     */
    public KeysCommand(Properties overrides, PrintStream out, PrintStream err) {
        this.overrides = overrides;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code args} (what follows {@code keys}); returns the process exit code. */
    public int run(String... args) {
        try {
            return dispatch(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            err.println("tickertape keys: " + e.getMessage());
            err.println(USAGE);
            return 64;
        } catch (StartupFailure | SQLException e) {
            err.println("tickertape keys: " + e.getMessage());
            return 2;
        }
    }

    private int dispatch(List<String> args) throws SQLException {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("a subcommand is needed");
        }
        String command = args.get(0);
        List<String> options = args.subList(1, args.size());
        return switch (command) {
            case "create" -> withKeys(keys -> create(keys, options));
            case "list" -> withKeys(this::list);
            case "revoke" -> withKeys(keys -> revoke(keys, single(options, "a key prefix")));
            default -> throw new IllegalArgumentException("unknown subcommand '" + command + "'");
        };
    }

    private int create(ApiKeys keys, List<String> options) throws SQLException {
        Role role = null;
        String name = null;
        Integer requestsPerMinute = null;
        for (int i = 0; i < options.size(); i += 2) {
            String value = i + 1 < options.size() ? options.get(i + 1) : null;
            if (value == null) {
                throw new IllegalArgumentException(options.get(i) + " needs a value");
            }
            switch (options.get(i)) {
                case "--role" -> role = Role.parse(value);
                case "--name" -> name = value;
                case "--rpm" -> requestsPerMinute = parsePositive(value);
                default -> throw new IllegalArgumentException("unknown option '" + options.get(i) + "'");
            }
        }
        if (role == null || name == null) {
            throw new IllegalArgumentException("create needs --role and --name");
        }
        IssuedKey issued = keys.issue(role, name, requestsPerMinute);
        // The key alone on stdout, so KEY=$(tickertape keys create ...) captures just it.
        out.println(issued.secret());
        err.printf("Issued %s key %s… \"%s\". It is shown only this once: store it now.%n",
                role.code(), issued.key().prefix(), issued.key().name());
        return 0;
    }

    private int list(ApiKeys keys) throws SQLException {
        String format = "%-16s %-4s %-8s %-20s %-20s %-9s %s%n";
        out.printf(format, "PREFIX", "ROLE", "RPM", "CREATED", "LAST USED", "STATUS", "NAME");
        for (ApiKey key : keys.list()) {
            out.printf(format, key.prefix(), key.role().code(),
                    key.requestsPerMinute() == null ? "default" : key.requestsPerMinute(),
                    minutes(key.createdAt()), minutes(key.lastUsedAt()),
                    key.isRevoked() ? "revoked" : "active", key.name());
        }
        return 0;
    }

    private int revoke(ApiKeys keys, String prefix) throws SQLException {
        Optional<ApiKey> revoked = keys.revoke(prefix);
        if (revoked.isEmpty()) {
            err.println("tickertape keys: no active key with prefix " + prefix);
            return 1;
        }
        out.printf("Revoked %s key %s \"%s\"%n", revoked.get().role().code(), prefix, revoked.get().name());
        return 0;
    }

    private interface KeysAction {
        int apply(ApiKeys keys) throws SQLException;
    }

    /** Runs {@code action} against the store the app uses: a running app's embedded server, or the configured one. */
    private int withKeys(KeysAction action) throws SQLException {
        // Never started: it only resolves the settings.
        CamelContext settingsContext = new DefaultCamelContext();
        settingsContext.getPropertiesComponent().setLocation("classpath:application.properties");
        settingsContext.getPropertiesComponent().setOverrideProperties(overrides);
        DatabaseSettings settings = databaseSettings(settingsContext);
        // A running app's embedded server is reached as an external one would be; a second server is never started.
        Optional<ServerLogin> running = settings.isEmbedded()
                ? EmbeddedServer.runningServer(settings.dataDirectory())
                : Optional.empty();
        Database database = Database.open(running.map(settings::onServer).orElse(settings),
                property(settingsContext, "tickertape.database.migrations"));
        try {
            return action.apply(new ApiKeys(database.dataSource()));
        } finally {
            database.stop();
        }
    }

    private static DatabaseSettings databaseSettings(CamelContext context) {
        return DatabaseSettings.of(property(context, "tickertape.database.url"),
                property(context, "tickertape.database.jdbc-url"),
                property(context, "tickertape.database.user"),
                property(context, "tickertape.database.password"),
                1,
                Path.of(property(context, "tickertape.data-dir")),
                Integer.parseInt(property(context, "tickertape.database.embedded-port")));
    }

    private static String property(CamelContext context, String name) {
        return context.resolvePropertyPlaceholders("{{" + name + "}}");
    }

    private static String single(List<String> options, String what) {
        if (options.size() != 1) {
            throw new IllegalArgumentException("expected " + what);
        }
        return options.get(0);
    }

    private static int parsePositive(String value) {
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--rpm must be a positive whole number, got '" + value + "'");
    }

    private static String minutes(Instant instant) {
        return instant == null ? "-" : instant.toString().substring(0, 16).replace('T', ' ');
    }
}
