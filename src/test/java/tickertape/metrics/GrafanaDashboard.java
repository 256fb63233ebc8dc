package tickertape.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The Grafana dashboard file as data: its panels, their PromQL expressions, and the metric names those read. */
record GrafanaDashboard(JsonNode json) {
    static final Path FILE = Path.of("monitoring/grafana/tickertape-dashboard.json");

    static GrafanaDashboard read(Path file) throws IOException {
        return new GrafanaDashboard(new ObjectMapper().readTree(file.toFile()));
    }

    /** Every panel, those inside collapsed rows included. */
    List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : json.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** The expressions of every panel's targets and of the template variables' queries. */
    List<String> expressions() {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.path("expr").asText());
            }
        }
        for (JsonNode variable : json.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            expressions.add(query.isObject() ? query.path("query").asText() : query.asText());
        }
        return expressions;
    }

    Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        expressions().forEach(expr -> names.addAll(AlertRules.metricNamesIn(expr)));
        return names;
    }
}
