package tickertape;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.spi.EndpointUriFactory;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.Test;

/**
 * The build checks the route files as the app reads them at start, with Camel's YAML DSL, which knows
 * every EIP and its options: a misspelt step or option fails `mvn verify` here, naming the file and
 * line, rather than the first run; and so does an endpoint option its component does not have. (The
 * camel-yaml-dsl-validator-maven-plugin, which checks the first against the DSL's schema, is not served
 * by the Maven repository this build uses; camel-report's validate reads Java and XML routes only.)
 */
class RouteFilesTest {
    private final CamelContext context = new DefaultCamelContext(); // never started: it only parses

    @Test
    void everyRouteFileParsesWithCamelsYamlDsl() throws Exception {
        Map<String, String> problems = new LinkedHashMap<>();
        List<String> parsed = new ArrayList<>();
        for (Path file : routeFiles()) {
            try {
                routesOf(file);
                parsed.add(file.getFileName().toString());
            } catch (Exception e) {
                problems.put(file.toString(), messages(e));
            }
        }
        assertThat(problems).as("route files Camel cannot read").isEmpty();
        assertThat(parsed).hasSize(routeFiles().size()).contains("tickers.camel.yaml", "polygon.camel.yaml");
    }

    @Test
    void everyEndpointOptionIsOneItsComponentHas() throws Exception {
        List<String> unknown = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        for (Path file : routeFiles()) {
            for (RouteDefinition route : routesOf(file)) {
                List<String> uris = new ArrayList<>(List.of(route.getInput().getEndpointUri()));
                ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), SendDefinition.class)
                        .forEach(send -> uris.add(send.getEndpointUri()));
                for (String uri : uris) {
                    unknownOptions(uri).forEach(option -> unknown.add(file + ": " + option + " in " + uri));
                    checked.add(uri);
                }
            }
        }
        assertThat(unknown).as("endpoint options their component does not have").isEmpty();
        assertThat(checked).anyMatch(uri -> uri.startsWith("quartz:refresh/") && uri.contains("trigger.timeZone="))
                .anyMatch(uri -> uri.startsWith("file:") && uri.contains("noop=true"));
    }

    /**
     * The options of {@code uri} that its component neither has nor accepts freely (lenient, or a prefix).
     * A uri from a placeholder ({{polygon.http-endpoint}}) is known only at run time.
     */
    private List<String> unknownOptions(String uri) {
        int query = uri.indexOf('?');
        int colon = uri.indexOf(':');
        EndpointUriFactory component = colon < 0 || uri.startsWith("{{") ? null
                : context.getCamelContextExtension().getEndpointUriFactory(uri.substring(0, colon));
        if (query < 0 || component == null || component.isLenientProperties()) {
            return List.of();
        }
        List<String> unknown = new ArrayList<>();
        for (String parameter : uri.substring(query + 1).split("&")) {
            String option = parameter.split("=", 2)[0];
            boolean prefixed = component.multiValuePrefixes().values().stream().anyMatch(option::startsWith);
            if (!component.propertyNames().contains(option) && !prefixed) {
                unknown.add(option);
            }
        }
        return unknown;
    }

    /** The routes of a file, those of its route templates included, as Camel's YAML DSL reads them. */
    private List<RouteDefinition> routesOf(Path file) throws Exception {
        Resource resource = PluginHelper.getResourceLoader(context).resolveResource("file:" + file);
        List<RouteDefinition> routes = new ArrayList<>();
        for (RoutesBuilder builder : PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource)) {
            RouteBuilder routeBuilder = (RouteBuilder) builder;
            routes.addAll(routeBuilder.configureRoutes(context).getRoutes());
            routeBuilder.getRouteTemplateCollection().getRouteTemplates().stream()
                    .map(RouteTemplateDefinition::getRoute).forEach(routes::add);
        }
        return routes;
    }

    private static List<Path> routeFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(Path.of("routes"), "*.camel.yaml")) {
            found.forEach(files::add);
        }
        return files;
    }

    /** The YAML parser names the file, line and column in one of the causes. */
    private static String messages(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            text.append(cause.getMessage()).append('\n');
        }
        return text.toString();
    }
}
