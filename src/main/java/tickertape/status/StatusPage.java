package tickertape.status;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import tickertape.bars.BarQueries;
import tickertape.bars.SplitAdjustments;
import tickertape.ingest.IngestionRunViews;
import tickertape.market.SplitAdjustment;
import tickertape.market.Timeframe;
import tickertape.metrics.StoreGauges;
import tickertape.polygon.DeadLetters;

/**
 * {@code GET /}: gathers what ops look at (the status report, the series spans the metrics keep, the
 * recent coverage and gaps {@link RecentCoverage} keeps, runs, dead letters, recent closes) into a
 * {@link StatusPageView}, which the status-page route renders with status/page.mustache. Open to everyone like
 * {@code /api/v2/status}: it shows nothing that report does not, plus dead letters (requests without key).
 */
public class StatusPage {
    private static final int RECENT_RUNS = 12;
    private static final int DEAD_LETTERS = 20;
    private static final int CLOSES = 100;
    /** A Host header as a browser sends it; anything else is not echoed into the page. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}(:\\d{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:\\d{1,5})?");

    private static final String ACTIVE_TICKERS_SQL = "select symbol from ticker where active";

    private final StatusReport report;
    private final StoreGauges gauges;
    private final RecentCoverage coverage;
    private final IngestionRunViews runs;
    private final DeadLetters deadLetters;
    private final DataSource dataSource;
    private final SplitAdjustments splitAdjustments;
    private final Clock clock;

    public StatusPage(StatusReport report, StoreGauges gauges, RecentCoverage coverage, IngestionRunViews runs,
                      DeadLetters deadLetters, DataSource dataSource, SplitAdjustments splitAdjustments, Clock clock) {
        this.report = report;
        this.gauges = gauges;
        this.coverage = coverage;
        this.runs = runs;
        this.deadLetters = deadLetters;
        this.dataSource = dataSource;
        this.splitAdjustments = splitAdjustments;
        this.clock = clock;
    }

    /**
     * What the page shows now, for status/page.mustache to render.
     *
     * @param host the request's Host header, for the copy-paste curl commands (a default when unusable)
     */
    @SuppressWarnings("unchecked")
    public StatusPageView view(String host) throws SQLException {
        Map<String, Object> overview = runs.overview(RECENT_RUNS);
        return StatusPageView.of(new StatusPageView.Data(
                report.report(),
                gauges.spans(),
                gauges.sessionTime(),
                coverage.latest().orElse(null),
                coverage.days(),
                (List<Map<String, Object>>) overview.get("running"),
                (List<Map<String, Object>>) overview.get("recent"),
                deadLetters.list(DEAD_LETTERS),
                recentCloses(),
                baseUrl(host),
                clock.instant()));
    }

    /**
     * The last {@value #CLOSES} 1h closes of each active ticker, oldest first, adjusted as the API serves
     * them: a split inside the line is no jump.
     */
    private Map<String, List<Double>> recentCloses() throws SQLException {
        Map<String, List<BarQueries.Close>> stored;
        try (Connection connection = dataSource.getConnection()) {
            stored = BarQueries.latestCloses(connection, activeTickers(connection), Timeframe.H1, CLOSES);
        }
        Map<String, List<Double>> closes = new LinkedHashMap<>();
        stored.forEach((ticker, line) -> {
            SplitAdjustment adjustment = splitAdjustments.splitsOnly(ticker, true);
            closes.put(ticker, line.stream().map(close -> close.close() * adjustment.factorAt(close.ts())).toList());
        });
        return closes;
    }

    private static List<String> activeTickers(Connection connection) throws SQLException {
        List<String> tickers = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(ACTIVE_TICKERS_SQL);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                tickers.add(rows.getString(1));
            }
        }
        return tickers;
    }

    static String baseUrl(String host) {
        return "http://" + (host != null && HOST.matcher(host).matches() ? host : "localhost:8080");
    }
}
