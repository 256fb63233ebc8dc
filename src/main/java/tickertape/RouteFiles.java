package tickertape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.DefaultRoutesCollector;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which route files the app loads: those camel.main.routes-include-pattern finds, in its order, and of
 * each file name only the first. application.properties lists the routes directory before the routes
 * packaged in the jar, so a file there replaces the packaged file of its name (loading both would
 * define their route ids twice, which Camel refuses) and a file of a new name is added.
 *
 * <p>Camel Main takes its routes from its routes collector, and a Main listener is the hook that runs
 * before it does: every start installs this one through {@link Main#configure}.
 */
public final class RouteFiles extends MainListenerSupport {
    private static final Logger LOG = LoggerFactory.getLogger(RouteFiles.class);

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        main.setRoutesCollector(new FirstOfEachName());
    }

    private static final class FirstOfEachName extends DefaultRoutesCollector {
        /** What was logged: Camel asks twice at start (for modelines, then for routes), the log says it once. */
        private String logged;

        @Override
        public Collection<Resource> findRouteResourcesFromDirectory(CamelContext context, String excludePattern,
                String includePattern) {
            if (includePattern == null) {
                return super.findRouteResourcesFromDirectory(context, excludePattern, null);
            }
            Map<String, Resource> byName = new LinkedHashMap<>();
            for (String pattern : includePattern.split(",")) {
                if (isAbsentDirectory(pattern)) {
                    continue; // no routes directory: no files of its own (Camel would fail on it)
                }
                for (Resource file : super.findRouteResourcesFromDirectory(context, excludePattern, pattern)) {
                    byName.putIfAbsent(fileName(file.getLocation()), file);
                }
            }
            String locations = byName.values().stream().map(Resource::getLocation).collect(Collectors.joining(", "));
            if (!locations.equals(logged)) {
                LOG.info("Route files: {}", locations);
                logged = locations;
            }
            return byName.values();
        }
    }

    /** True for file:dir/*.camel.yaml when dir is not there. */
    private static boolean isAbsentDirectory(String pattern) {
        if (!pattern.startsWith("file:")) {
            return false;
        }
        Path directory = Path.of(pattern.substring("file:".length())).getParent();
        return directory != null && !Files.isDirectory(directory);
    }

    /** file:/srv/routes/ingest.camel.yaml and file:/opt/tickertape.jar!/routes/ingest.camel.yaml: ingest.camel.yaml. */
    private static String fileName(String location) {
        return location.substring(Math.max(location.lastIndexOf('/'), location.lastIndexOf(':')) + 1);
    }
}
