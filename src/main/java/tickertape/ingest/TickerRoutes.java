package tickertape.ingest;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ties each ticker block of routes/tickers.camel.yaml (a route from the {@code ticker} template) to
 * the store: when its route starts (as the route's policy), the ticker is registered and its
 * backfill/catch-up is queued. Camel's reload only adds and replaces routes; the reload watcher
 * completes it by removing the ticker routes the reloaded file no longer declares, marking those
 * tickers inactive (their bars stay).
 */
public class TickerRoutes extends RoutePolicySupport implements CamelContextAware {
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
        LOG.info("Ticker {} active (from {})", block.symbol(), route.getSourceLocationShort());
        producer().asyncSendBody("seda:ticker-started", block);
    }

    /** The symbols of the ticker routes now defined, as the YAML declares them (hot-reloaded). */
    public List<String> configuredSymbols() {
        return definitions().stream()
                .map(definition -> String.valueOf(definition.getTemplateParameters().get("symbol")))
                .sorted()
                .toList();
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
     * After Camel reloads a file of ticker blocks (firing one event per route it re-created), removes
     * the ticker routes that came from that file but are no longer in it.
     */
    public EventNotifierSupport reloadWatcher() {
        return new EventNotifierSupport() {
            private final Set<String> reloaded = new HashSet<>();

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.RouteReloadedEvent;
            }

            @Override
            public void notify(CamelEvent event) throws Exception {
                CamelEvent.RouteReloadedEvent reload = (CamelEvent.RouteReloadedEvent) event;
                if (reload.getIndex() == 1) {
                    reloaded.clear();
                }
                reloaded.add(reload.getRoute().getRouteId());
                if (reload.getIndex() == reload.getTotal()) {
                    removeDropped(reload.getRoute().getSourceResource().getLocation(), Set.copyOf(reloaded));
                }
            }
        };
    }

    private void removeDropped(String reloadedFile, Set<String> kept) throws Exception {
        for (Route route : List.copyOf(context.getRoutes())) {
            boolean fromThatFile = route.getSourceResource() != null
                    && Objects.equals(route.getSourceResource().getLocation(), reloadedFile);
            if (GROUP.equals(route.getGroup()) && fromThatFile && !kept.contains(route.getRouteId())) {
                String symbol = block(route.getRouteId()).symbol();
                context.getRouteController().stopRoute(route.getRouteId());
                context.removeRoute(route.getRouteId());
                deactivate(symbol);
                LOG.info("Ticker {} removed from {}: its schedule stops, its bars stay", symbol, reloadedFile);
            }
        }
    }
}
