package tickertape.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.StartupListener;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.RoutePolicySupport;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ties each ticker block of routes/tickers.camel.yaml (a route from the {@code ticker} template) to
 * the store: when its route starts (as the route's policy), the ticker is registered and its
 * backfill/catch-up is queued; when the file changes, {@link #reload} adds, re-creates and removes
 * ticker routes to match it. A ticker's refresh trigger is on the cluster's schedule only while its
 * route runs (see {@link #unschedule}).
 */
public class TickerRoutes extends RoutePolicySupport implements CamelContextAware, StartupListener {
    private static final Logger LOG = LoggerFactory.getLogger(TickerRoutes.class);
    /** The route group every route of the ticker template carries. */
    public static final String GROUP = "tickers";
    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9][A-Z0-9.\\-]{0,9}");

    private final DataSource dataSource;
    private CamelContext context;
    private ProducerTemplate producer;

    public TickerRoutes(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    /** A ticker declared in routes/tickers.camel.yaml. */
    public record TickerBlock(String symbol, String backfillFrom) {
    }

    @Override
    public void onInit(Route route) {
        TickerBlock block = block(route.getRouteId());
        if (!SYMBOL.matcher(block.symbol()).matches()) {
            throw new IllegalArgumentException("Ticker block " + route.getRouteId() + " at " + route.getSourceLocation()
                    + " has an invalid symbol '" + block.symbol() + "' (upper-case letters, digits, '.', '-')");
        }
    }

    @Override
    public void onStart(Route route) {
        TickerBlock block = block(route.getRouteId());
        try {
            register(block, true);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot register ticker " + block.symbol() + ": " + e.getMessage(), e);
        }
        LOG.info("Ticker {} active (route {})", block.symbol(), route.getRouteId());
        producer().asyncSendBody("seda:ticker-started", block);
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the routes may still be starting, their endpoints scheduling: see onCamelContextFullyStarted
    }

    /** Once every route has started: the refreshes of the blocks set inactive off the schedule. */
    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws SchedulerException {
        unscheduleInactive();
    }

    /** The symbols of the ticker routes now defined, as the YAML declares them (hot-reloaded). */
    public List<String> configuredSymbols() {
        return definitions().stream()
                .map(definition -> String.valueOf(definition.getTemplateParameters().get("symbol")))
                .sorted()
                .toList();
    }

    /** The blocks whose ticker route runs (active: true), as the YAML declares them. */
    public List<TickerBlock> activeBlocks() {
        return definitions().stream()
                .filter(definition -> context.getRouteController().getRouteStatus(definition.getRouteId()) != null
                        && context.getRouteController().getRouteStatus(definition.getRouteId()).isStarted())
                .map(definition -> block(definition.getRouteId()))
                .toList();
    }

    /** The block of a ticker, for the refresh its schedule fires. */
    public TickerBlock blockOf(String symbol) {
        return definitions().stream()
                .filter(definition -> symbol.equals(String.valueOf(definition.getTemplateParameters().get("symbol"))))
                .map(definition -> block(definition.getRouteId()))
                .findFirst()
                .orElse(new TickerBlock(symbol, null));
    }

    private TickerBlock block(String routeId) {
        RouteDefinition definition = ((ModelCamelContext) context).getRouteDefinition(routeId);
        Map<String, Object> parameters = definition.getTemplateParameters();
        Object backfillFrom = parameters.get("backfillFrom");
        return new TickerBlock(String.valueOf(parameters.get("symbol")),
                backfillFrom == null ? null : backfillFrom.toString());
    }

    private List<RouteDefinition> definitions() {
        return ((ModelCamelContext) context).getRouteDefinitions().stream()
                .filter(definition -> GROUP.equals(definition.getGroup()) && definition.getTemplateParameters() != null)
                .toList();
    }

    private void register(TickerBlock block, boolean active) throws SQLException {
        String sql = """
                insert into ticker(symbol, active, backfill_from) values (?, ?, ?)
                on conflict (symbol) do update set active = excluded.active, backfill_from = excluded.backfill_from,
                                                   updated_at = now()""";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, block.symbol());
            statement.setBoolean(2, active);
            LocalDate from = parseDate(block.backfillFrom());
            statement.setDate(3, from == null ? null : Date.valueOf(from));
            statement.executeUpdate();
        }
    }

    private void deactivate(String symbol) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "update ticker set active = false, updated_at = now() where symbol = ?")) {
            statement.setString(1, symbol);
            statement.executeUpdate();
        }
    }

    /** The backfill start only when it is a plain date; a period (P5Y) moves with today. */
    private static LocalDate parseDate(String backfillFrom) {
        return backfillFrom == null || backfillFrom.startsWith("P") ? null : LocalDate.parse(backfillFrom);
    }

    private ProducerTemplate producer() {
        if (producer == null) {
            producer = context.createProducerTemplate();
        }
        return producer;
    }

    /**
     * Applies an edited tickers file: blocks added start their ticker, changed ones are re-created,
     * removed ones stop (the ticker marked inactive, its bars kept). Camel's own route reload does not
     * re-create templated routes, hence this. A file that does not parse, or a bad block, is reported
     * with the file (and line) and changes nothing else: the tickers already running keep running.
     */
    public void reload(String file) throws Exception {
        Map<String, TemplatedRouteDefinition> blocks;
        try {
            blocks = readBlocks(file);
        } catch (Exception e) {
            LOG.error("{} not applied, the running tickers are unchanged: {}", file, rootMessage(e));
            return;
        }
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        for (RouteDefinition running : definitions()) {
            TemplatedRouteDefinition block = blocks.get(running.getRouteId());
            if (block == null) {
                String symbol = String.valueOf(running.getTemplateParameters().get("symbol"));
                remove(running.getRouteId());
                deactivate(symbol);
                LOG.info("Ticker {} removed from {}: its schedule stops, its bars stay", symbol, file);
            } else if (sameParameters(block, running)) {
                blocks.remove(running.getRouteId()); // unchanged: keep it running as it is
            } else {
                remove(running.getRouteId());
            }
        }
        for (TemplatedRouteDefinition block : blocks.values()) {
            String symbol = parameterValue(block, "symbol");
            if (symbol == null || !SYMBOL.matcher(symbol).matches()) {
                LOG.error("{}{}: ticker block {} not applied: invalid symbol '{}' (upper-case letters, digits, '.', '-')",
                        file, lineOf(file, block.getRouteId()), block.getRouteId(), symbol);
                continue;
            }
            try {
                model.addRouteFromTemplatedRoute(block);
            } catch (Exception e) {
                LOG.error("{}: ticker block {} not applied: {}", file, block.getRouteId(),
                        rootMessage(e));
            }
        }
        unscheduleInactive();
    }

    /**
     * ", line N" of the block's {@code routeId:} in the file (the parsed block keeps no line of its
     * own), or nothing when it cannot be found.
     */
    private static String lineOf(String file, String routeId) {
        Pattern routeIdLine = Pattern.compile("^\\s*(-\\s*)?routeId:\\s*[\"']?" + Pattern.quote(String.valueOf(routeId))
                + "[\"']?\\s*(#.*)?$");
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            for (int i = 0; i < lines.size(); i++) {
                if (routeIdLine.matcher(lines.get(i)).matches()) {
                    return ", line " + (i + 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the file changed or went away since it was read: report without a line
        }
        return "";
    }

    /** The file's ticker blocks by route id (YAML parsed by Camel's own loader, as at start-up). */
    private Map<String, TemplatedRouteDefinition> readBlocks(String file) throws Exception {
        Resource resource = PluginHelper.getResourceLoader(context).resolveResource("file:" + file);
        Map<String, TemplatedRouteDefinition> blocks = new LinkedHashMap<>();
        for (RoutesBuilder builder : PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource)) {
            if (builder instanceof RouteBuilder routes) {
                routes.configureRoutes(context);
                for (TemplatedRouteDefinition block : routes.getTemplatedRouteCollection().getTemplatedRoutes()) {
                    block.setResource(resource);
                    blocks.put(block.getRouteId(), block);
                }
            }
        }
        return blocks;
    }

    private static String parameterValue(TemplatedRouteDefinition block, String name) {
        return block.getParameters().stream().filter(parameter -> name.equals(parameter.getName()))
                .map(parameter -> parameter.getValue()).findFirst().orElse(null);
    }

    /** True when the block sets the parameters the running route was made with (defaults aside). */
    private static boolean sameParameters(TemplatedRouteDefinition block, RouteDefinition running) {
        Map<String, Object> explicit = new HashMap<>();
        block.getParameters().forEach(parameter -> explicit.put(parameter.getName(), parameter.getValue()));
        Map<String, Object> used = new HashMap<>(running.getTemplateParameters());
        if (running.getTemplateDefaultParameters() != null) {
            running.getTemplateDefaultParameters().keySet().stream()
                    .filter(name -> !explicit.containsKey(name))
                    .forEach(used::remove);
        }
        return explicit.equals(used);
    }

    private void remove(String routeId) throws Exception {
        Route route = context.getRoute(routeId);
        context.getRouteController().stopRoute(routeId);
        context.removeRoute(routeId);
        unschedule(route);
    }

    /** The refreshes of the ticker routes that do not run (active: false) off the schedule. */
    private void unscheduleInactive() throws SchedulerException {
        for (RouteDefinition definition : definitions()) {
            ServiceStatus status = context.getRouteController().getRouteStatus(definition.getRouteId());
            if (status != null && !status.isStarted()) {
                unschedule(context.getRoute(definition.getRouteId()));
            }
        }
    }

    /**
     * Takes a ticker route's refresh trigger off the cluster's schedule. camel-quartz leaves a clustered
     * trigger in the store when its route stops or goes (other instances may run it), and schedules one
     * when the route's endpoint starts, even for a route that is not started (active: false): either way
     * a trigger would go on firing with nothing to run. The route started again (re-created, a restart)
     * schedules it again.
     */
    private static void unschedule(Route route) throws SchedulerException {
        if (route != null && route.getEndpoint() instanceof QuartzEndpoint refresh) {
            refresh.getComponent().getScheduler().unscheduleJob(refresh.getTriggerKey());
        }
    }

    /** Every distinct message down the cause chain: the YAML parser's names the line and column. */
    private static String rootMessage(Throwable e) {
        Set<String> messages = new LinkedHashSet<>();
        for (Throwable cause = e; cause != null && messages.size() < 5; cause = cause.getCause()) {
            messages.add(String.valueOf(cause.getMessage()).replaceAll("\\s+", " ").trim());
        }
        return String.join(" / ", messages);
    }
}
