package tickertape.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dashboard imports into any Grafana (10.4+) against the Prometheus ops choose, and shows what ops
 * need. That every metric it reads is exposed is checked against a live scrape in MetricsEndpointTest.
 */
class GrafanaDashboardTest {

    @Test
    void importableWithAPrometheusDatasourceInput() throws Exception {
        JsonNode json = GrafanaDashboard.read(GrafanaDashboard.FILE).json();
        assertThat(json.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
        assertThat(json.path("uid").asText()).isEqualTo("tickertape");
        assertThat(json.path("id").isNull()).as("no id: Grafana assigns one on import").isTrue();
        JsonNode input = json.path("__inputs").path(0);
        assertThat(input.path("name").asText()).isEqualTo("DS_PROMETHEUS");
        assertThat(input.path("type").asText()).isEqualTo("datasource");
        assertThat(input.path("pluginId").asText()).isEqualTo("prometheus");
    }

    @Test
    void everyPanelAndQueryUsesTheDatasourceInput() throws Exception {
        GrafanaDashboard dashboard = GrafanaDashboard.read(GrafanaDashboard.FILE);
        for (JsonNode panel : dashboard.panels()) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            String title = panel.path("title").asText();
            assertThat(panel.path("datasource").path("uid").asText()).as("datasource of %s", title).isEqualTo("${DS_PROMETHEUS}");
            assertThat(panel.path("targets")).as("queries of %s", title).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("datasource").path("uid").asText()).as("a query of %s", title).isEqualTo("${DS_PROMETHEUS}");
                assertThat(target.path("expr").asText()).as("a query of %s", title).isNotBlank();
            }
        }
    }

    @Test
    void panelsCoverWhatOpsWatch() throws Exception {
        GrafanaDashboard dashboard = GrafanaDashboard.read(GrafanaDashboard.FILE);
        List<String> titles = dashboard.panels().stream().map(panel -> panel.path("title").asText()).toList();
        assertThat(String.join(" | ", titles)).contains("Freshness", "Bars ingested by outcome", "Polygon requests by status",
                "retries", "budget wait p95", "Dead letters", "Backfill progress", "API latency p99 by endpoint",
                "4xx and 5xx", "Rate-limit rejections", "HikariCP", "JVM heap", "Unexplained daily moves");
        assertThat(dashboard.metricNames()).contains("tickertape_bar_session_lag_seconds", "tickertape_bars_total",
                "tickertape_polygon_requests_total", "tickertape_polygon_retries_total",
                "tickertape_polygon_budget_wait_seconds_bucket", "tickertape_dead_letters_unreplayed",
                "tickertape_backfill_progress_ratio", "tickertape_api_requests_seconds_bucket",
                "tickertape_api_requests_seconds_count", "tickertape_api_rate_limited_total",
                "hikaricp_connections_active", "hikaricp_connections_pending", "jvm_memory_used_bytes",
                "tickertape_quality_unexplained_moves");
    }

    @Test
    void panelsDoNotOverlap() throws Exception {
        List<JsonNode> boxes = GrafanaDashboard.read(GrafanaDashboard.FILE).panels().stream()
                .map(panel -> panel.path("gridPos")).toList();
        for (int i = 0; i < boxes.size(); i++) {
            JsonNode a = boxes.get(i);
            assertThat(a.path("x").asInt() + a.path("w").asInt()).as("panel %s within 24 columns", i).isLessThanOrEqualTo(24);
            for (int j = i + 1; j < boxes.size(); j++) {
                JsonNode b = boxes.get(j);
                boolean apart = a.path("x").asInt() + a.path("w").asInt() <= b.path("x").asInt()
                        || b.path("x").asInt() + b.path("w").asInt() <= a.path("x").asInt()
                        || a.path("y").asInt() + a.path("h").asInt() <= b.path("y").asInt()
                        || b.path("y").asInt() + b.path("h").asInt() <= a.path("y").asInt();
                assertThat(apart).as("panels %s and %s overlap", i, j).isTrue();
            }
        }
        assertThat(boxes).isNotEmpty();
    }
}
