package tickertape;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.main.MainConfigurationProperties;
import tickertape.api.ApiConfiguration;
import tickertape.api.ApiEndpointsConfiguration;
import tickertape.bars.BarsConfiguration;
import tickertape.ingest.IngestionConfiguration;
import tickertape.ingest.IngestionJobsConfiguration;
import tickertape.keys.KeysCommand;
import tickertape.polygon.PolygonConfiguration;
import tickertape.quality.QualityChecksConfiguration;
import tickertape.quality.QualityConfiguration;
import tickertape.status.StatusConfiguration;
import tickertape.database.DatabaseConfiguration;

/**
 * Starts tickertape: Camel Main with the settings in application.properties and the routes of
 * routes/ or packaged in the jar ({@link RouteFiles}); or, with {@code keys ...}, runs the key management command instead. A start-up problem
 * the operator can fix is printed as one line, with a non-zero exit.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("keys")) {
            // Everything but the command's own output goes to stderr, the log included: stdout is
            // what KEY=$(tickertape keys create ...) captures, the key alone.
            PrintStream commandOutput = System.out;
            System.setOut(System.err);
            KeysCommand keys = new KeysCommand(new Properties(), commandOutput, System.err);
            System.exit(keys.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        org.apache.camel.main.Main camel = new org.apache.camel.main.Main();
        configure(camel.configure());
        try {
            System.exit(camel.run(args));
        } catch (Exception e) {
            stopWhatStarted(camel.getCamelContext());
            StartupFailure failure = findStartupFailure(e);
            if (failure == null) {
                throw e;
            }
            System.err.println("tickertape: " + failure.getMessage());
            System.exit(2);
        }
    }

    /**
     * The app as every start builds it, the tests' included: its beans, and which route files it loads.
     * The beans are bound by area, in this order: camel-main calls every configuration's
     * {@code @BindToRegistry} factories, class by class, before any configuration's {@code configure},
     * so a factory may take as parameters the beans of the configurations listed before it. Within a
     * class it binds the factories without parameters first, then those whose parameters no other
     * factory of the class makes, then the rest: a factory may take a bean of its own class only if that
     * bean's factory needs none of its class (DefaultCamelBeanPostProcessor of camel-base-engine).
     * Instances, not classes: camel-main 4.18 post-processes a configuration given as a class twice (once
     * as it instantiates it, once with the others), which would call each factory twice.
     */
    public static void configure(MainConfigurationProperties configuration) {
        configure(configuration, Clock.systemUTC());
    }

    /** The app as {@link #configure(MainConfigurationProperties)} builds it, on {@code clock}: a test moves its now. */
    public static void configure(MainConfigurationProperties configuration, Clock clock) {
        configuration.addConfiguration(new TickertapeConfiguration(clock));
        configuration.addConfiguration(new DatabaseConfiguration());
        configuration.addConfiguration(new BarsConfiguration());
        configuration.addConfiguration(new ApiConfiguration());
        configuration.addConfiguration(new ApiEndpointsConfiguration());
        configuration.addConfiguration(new PolygonConfiguration());
        configuration.addConfiguration(new IngestionConfiguration());
        configuration.addConfiguration(new IngestionJobsConfiguration());
        configuration.addConfiguration(new QualityChecksConfiguration());
        configuration.addConfiguration(new QualityConfiguration());
        configuration.addConfiguration(new StatusConfiguration());
        configuration.addMainListener(new RouteFiles());
    }

    /** A failed start may have started the embedded database already: stop it, leave no orphan. */
    private static void stopWhatStarted(CamelContext context) {
        if (context != null) {
            context.stop();
        }
    }

    private static StartupFailure findStartupFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof StartupFailure failure) {
                return failure;
            }
        }
        return null;
    }
}
