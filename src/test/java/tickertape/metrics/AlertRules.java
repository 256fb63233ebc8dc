package tickertape.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The alert rules file as data: its rules, and the metric names their expressions read. */
record AlertRules(List<Map<String, Object>> rules) {
    /** Names of the app's own metrics and the libraries' it exposes; Prometheus' {@code up} is not one. */
    private static final Pattern METRIC = Pattern.compile("\\b(?:tickertape|hikaricp|jvm|process|camel)_[a-z0-9_]+\\b");
    /** Label matchers and grouping clauses hold label names and values, never metric names. */
    private static final Pattern NOT_METRICS = Pattern.compile("\\{[^}]*}|\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

    @SuppressWarnings("unchecked")
    static AlertRules read(Path file) throws IOException {
        Map<String, Object> document = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(file));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) document.get("groups")) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return new AlertRules(rules);
    }

    Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        for (Map<String, Object> rule : rules) {
            names.addAll(metricNamesIn(String.valueOf(rule.get("expr"))));
        }
        return names;
    }

    /** The app's and its libraries' metric names a PromQL expression reads (the dashboard's too). */
    static Set<String> metricNamesIn(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher metric = METRIC.matcher(NOT_METRICS.matcher(expr).replaceAll(" "));
        while (metric.find()) {
            names.add(metric.group());
        }
        return names;
    }
}
