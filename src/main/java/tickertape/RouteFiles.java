package tickertape;

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
        @Override
        public Collection<Resource> findRouteResourcesFromDirectory(CamelContext context, String excludePattern,
                String includePattern) {
            Map<String, Resource> byName = new LinkedHashMap<>();
            for (Resource file : super.findRouteResourcesFromDirectory(context, excludePattern, includePattern)) {
                byName.putIfAbsent(fileName(file.getLocation()), file);
            }
            LOG.info("Route files: {}", byName.values().stream().map(Resource::getLocation)
                    .collect(Collectors.joining(", ")));
            return byName.values();
        }
    }

    /** classpath:routes/ingest.camel.yaml and file:/srv/routes/ingest.camel.yaml are both ingest.camel.yaml. */
    private static String fileName(String location) {
        return location.substring(Math.max(location.lastIndexOf('/'), location.lastIndexOf(':')) + 1);
    }
}
