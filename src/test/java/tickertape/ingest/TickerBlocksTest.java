package tickertape.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tickertape.market.Timeframe;

/**
 * Ops edit routes/tickers.camel.yaml while the app runs (README, Ingestion, "Tickers"): here on a copy
 * of routes/ that the app loads and watches, with route reload on. A block added registers its ticker,
 * starts its route and backfills it; a block removed stops the route, takes its refresh off the
 * schedule and marks the ticker inactive, keeping its bars; a block changed is re-created, its refresh
 * rescheduled as it now says; a file that does not parse, or a block with a bad symbol, is logged with
 * the file and line and changes nothing that runs.
 */
class TickerBlocksTest extends IngestionTestSupport {
    /** A file edit is picked up by a poll every 2 s once it is stable; the backfill then takes seconds. */
    private static final Duration PICKED_UP = Duration.ofSeconds(60);
    private static final String KEPT = "KEEP";

    // Assigned while the test support's constructor asks for the properties (no initialisers: see AppTestSupport).
    private Path routes;
    private Path tickersFile;

    @Override
    protected Properties moreProperties() {
        routes = copyOfRoutesWithoutTickers();
        tickersFile = routes.resolve("tickers.camel.yaml");
        writeFile(tickersFile, tickerBlock(KEPT));
        Properties properties = new Properties();
        properties.put("camel.main.routes-include-pattern", "file:" + routes + "/polygon.camel.yaml,file:" + routes
                + "/ingest.camel.yaml,file:" + routes + "/api*.camel.yaml,file:" + tickersFile);
        properties.put("camel.main.routes-reload-enabled", "true");
        properties.put("camel.main.routes-reload-directory", routes.toString());
        // No scheduled refresh fires while a test runs: only the backfill of a started ticker asks Polygon.
        properties.put("tickertape.refresh-schedule", "0 0 0 1 1 ? 2099");
        return properties;
    }

    /** Every test leaves the file as the app started with it: the one block of KEEP. */
    @AfterEach
    void restoreTickersFile() throws Exception {
        writeFile(tickersFile, tickerBlock(KEPT));
        await(PICKED_UP, "KEEP alone to be configured", () -> routeStatus("ticker-" + KEPT) == ServiceStatus.Started
                && tickerRoutes().configuredSymbols().equals(java.util.List.of(KEPT)));
    }

    @Test
    void aBlockAddedAtRunTimeRegistersAndBackfillsItsTickerAndRemovingItStopsItAndKeepsItsBars() throws Exception {
        String symbol = "NEWT";
        String routeId = "ticker-" + symbol;
        assertThat(routeStatus(routeId)).isNull();

        writeFile(tickersFile, tickerBlock(KEPT) + tickerBlock(symbol));

        await(PICKED_UP, "NEWT to be registered as active", () -> tickerActive(symbol) == Boolean.TRUE);
        await(PICKED_UP, "route " + routeId + " to start", () -> routeStatus(routeId) == ServiceStatus.Started);
        assertThat(refreshTriggers(symbol)).as("its refresh on the cluster's schedule").isEqualTo(1);
        await(RUN_TIMEOUT, "the backfill runs of NEWT 1m and 1d to end", () -> queryLong(
                "select count(*) from ingestion_run where ticker = '" + symbol + "' and trigger = 'backfill'"
                        + " and status <> 'RUNNING'") == 2 && noOpenRun(symbol, "1m")
                && noOpenRun(symbol, "1d"));
        assertThat(queryLong("select count(*) from ingestion_run where ticker = '" + symbol
                + "' and trigger = 'backfill' and status = 'SUCCEEDED'")).isEqualTo(2);
        // the backfill start is the default (P5D): every whole day from it to today is the source's
        Instant start = planner().backfillStart(null);
        LocalDate firstDay = start.atZone(Timeframe.EXCHANGE_ZONE).toLocalDate();
        LocalDate today = LocalDate.now(Timeframe.EXCHANGE_ZONE);
        assertStoredExactly(symbol, Timeframe.M1, start, midnight(today), sourceMinutes(symbol, firstDay,
                today.minusDays(1)));
        // Today's bars come on top, as many as the hour the test runs at gives: the counts are not knowable.
        assertThat(barCount(symbol, "1m")).isPositive();
        assertThat(barCount(symbol, "1d")).isPositive();
        assertThat(barCount(symbol, "5m")).as("rolled up as the minutes were written").isPositive();
        assertThat(routeStatus("ticker-" + KEPT)).isEqualTo(ServiceStatus.Started);
        long bars = queryLong("select count(*) from market_bar where ticker = '" + symbol + "'");

        writeFile(tickersFile, tickerBlock(KEPT));

        await(PICKED_UP, "route " + routeId + " to be removed", () -> routeStatus(routeId) == null);
        await(PICKED_UP, "NEWT to be inactive", () -> tickerActive(symbol) == Boolean.FALSE);
        assertThat(context.getRoute(routeId)).isNull();
        assertThat(refreshTriggers(symbol)).as("its refresh off the cluster's schedule").isZero();
        assertThat(refreshTriggers(KEPT)).isEqualTo(1);
        assertThat(queryLong("select count(*) from market_bar where ticker = '" + symbol + "'"))
                .as("its bars stay").isEqualTo(bars);
        assertThat(tickerActive(KEPT)).isTrue();
        assertThat(routeStatus("ticker-" + KEPT)).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void aBlockChangedInPlaceHasItsRefreshRescheduledAndSetInactiveHasNone() throws Exception {
        String symbol = "EDIT";
        String routeId = "ticker-" + symbol;
        String schedule = "0 30 12 1 1 ? 2098";

        writeFile(tickersFile, tickerBlock(KEPT) + tickerBlock(symbol));
        await(PICKED_UP, "route " + routeId + " to start", () -> routeStatus(routeId) == ServiceStatus.Started);
        assertThat(refreshSchedules(symbol)).containsExactly("0 0 0 1 1 ? 2099");

        writeFile(tickersFile, tickerBlock(KEPT) + tickerBlock(symbol, "schedule", schedule));
        await(PICKED_UP, "the refresh of " + symbol + " to be rescheduled",
                () -> refreshSchedules(symbol).equals(List.of(schedule)));
        await(PICKED_UP, "route " + routeId + " to run again", () -> routeStatus(routeId) == ServiceStatus.Started);

        writeFile(tickersFile, tickerBlock(KEPT) + tickerBlock(symbol, "active", "false"));
        await(PICKED_UP, "route " + routeId + " to be re-created stopped, with no refresh on the schedule",
                () -> routeStatus(routeId) == ServiceStatus.Stopped && refreshSchedules(symbol).isEmpty());
        assertThat(refreshSchedules(KEPT)).hasSize(1);
    }

    @Test
    void aFileThatDoesNotParseIsLoggedWithFileAndLineAndTheTickersKeepRunning() throws Exception {
        int before = LOGS.lines().size();
        // line 7 opens a flow sequence that never closes
        writeFile(tickersFile, tickerBlock(KEPT) + """
                - templatedRoute:
                    routeTemplateRef: ticker
                    routeId: [ticker-BROK
                    parameters:
                      - name: symbol
                        value: BROK
                """);

        await(PICKED_UP, "the error naming the file", () -> !tickerRoutesErrorsSince(before).isEmpty());
        String logged = tickerRoutesErrorsSince(before).get(0);
        assertThat(logged).contains(tickersFile.toString()).containsIgnoringCase("line");
        assertThat(routeStatus("ticker-" + KEPT)).isEqualTo(ServiceStatus.Started);
        assertThat(routeStatus("ticker-BROK")).isNull();
        assertThat(tickerActive(KEPT)).isTrue();
        assertThat(tickerActive("BROK")).isNull();
        assertThat(routeStatus("polygon-request")).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void aBlockWithABadSymbolIsLoggedWithFileAndLineAndTheOthersApply() throws Exception {
        int before = LOGS.lines().size();
        String content = tickerBlock(KEPT) + tickerBlock("OKAY") + """
                - templatedRoute:
                    routeTemplateRef: ticker
                    routeId: ticker-bad
                    parameters:
                      - name: symbol
                        value: "bad sym"
                """;
        writeFile(tickersFile, content);
        int badBlockLine = content.lines().toList().indexOf("    routeId: ticker-bad") + 1;

        await(PICKED_UP, "the error naming the bad block", () -> !tickerRoutesErrorsSince(before).isEmpty());
        String logged = tickerRoutesErrorsSince(before).get(0);
        assertThat(logged).contains(tickersFile.toString()).contains("bad sym")
                .contains(tickersFile + ", line " + badBlockLine + ":");
        await(PICKED_UP, "the good block added with it to start", () -> routeStatus("ticker-OKAY") == ServiceStatus.Started);
        assertThat(routeStatus("ticker-bad")).isNull();
        assertThat(routeStatus("ticker-" + KEPT)).isEqualTo(ServiceStatus.Started);
        assertThat(queryLong("select count(*) from ticker where symbol = 'bad sym'")).isZero();
    }

    // ---------------------------------------------------------------- helpers

    private TickerRoutes tickerRoutes() {
        return context.getRegistry().lookupByNameAndType("tickerRoutes", TickerRoutes.class);
    }

    private ServiceStatus routeStatus(String routeId) {
        return context.getRoute(routeId) == null ? null : context.getRouteController().getRouteStatus(routeId);
    }

    /** The symbol's refresh triggers in Quartz's store (the schedule every instance shares). */
    private long refreshTriggers(String symbol) throws SQLException {
        return refreshSchedules(symbol).size();
    }

    /** The cron of each of the symbol's refresh triggers in Quartz's store. */
    private List<String> refreshSchedules(String symbol) throws SQLException {
        List<String> schedules = new ArrayList<>();
        try (Connection connection = dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement("select cron_expression from qrtz_cron_triggers"
                     + " where trigger_group = 'refresh' and trigger_name = ?")) {
            statement.setString(1, symbol);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    schedules.add(rows.getString(1));
                }
            }
        }
        return schedules;
    }

    /** A ticker block with one optional parameter of the template set. */
    private static String tickerBlock(String symbol, String parameter, String value) {
        return tickerBlock(symbol) + """
                      - name: %s
                        value: "%s"
                """.formatted(parameter, value);
    }

    /** ticker.active of the symbol, null when it is not registered. */
    private Boolean tickerActive(String symbol) throws SQLException {
        if (queryLong("select count(*) from ticker where symbol = '" + symbol + "'") == 0) {
            return null;
        }
        return queryLong("select count(*) from ticker where symbol = '" + symbol + "' and active") == 1;
    }

    /** ERROR lines TickerRoutes logged after the first {@code since} captured lines. */
    private java.util.List<String> tickerRoutesErrorsSince(int since) {
        java.util.List<String> lines = LOGS.lines();
        return lines.subList(Math.min(since, lines.size()), lines.size()).stream()
                .filter(line -> line.startsWith("ERROR ") && line.contains(TickerRoutes.class.getName() + " - "))
                .toList();
    }
}
