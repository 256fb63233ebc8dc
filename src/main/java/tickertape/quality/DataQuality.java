package tickertape.quality;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import tickertape.market.Timeframe;
import tickertape.quality.QualityRequests.QualityRequest;

/**
 * {@code GET /api/v2/data/quality}: the quality of each series asked for, over the window asked for; and
 * the recent coverage of every series, for the status page.
 */
public class DataQuality {
    private final QualityRequests requests;
    private final QualityCheck check;
    private final Staleness staleness;
    private final Clock clock;

    DataQuality(QualityRequests requests, QualityCheck check, Staleness staleness, Clock clock) {
        this.requests = requests;
        this.check = check;
        this.staleness = staleness;
        this.clock = clock;
    }

    /** Every parameter may be null: see {@link QualityRequests#parse}. */
    public QualityReport report(String ticker, String timeframe, String from, String to) throws SQLException {
        QualityRequest request = requests.parse(ticker, timeframe, from, to);
        List<SeriesQuality> series = new ArrayList<>();
        for (String symbol : request.tickers()) {
            for (Timeframe each : request.timeframes()) {
                series.add(check.series(symbol, each, request.from(), request.to()));
            }
        }
        return new QualityReport(request.from(), request.to(), clock.instant(), staleness.refreshInterval().toString(), series);
    }

    /**
     * The coverage and gaps of every configured series over the last {@code days} days (from midnight in
     * New York {@code days} days ago to now, the window the scheduled repair covers), as {@link #report}
     * counts them for the same window: one pass over each series' bars, none of the report's other checks.
     */
    public CoverageSummary recentCoverage(int days) throws SQLException {
        QualityRequest request = requests.recent(days);
        List<SeriesCoverage> series = new ArrayList<>();
        for (String symbol : request.tickers()) {
            for (Timeframe each : request.timeframes()) {
                series.add(check.coverage(symbol, each, request.from(), request.to()));
            }
        }
        return new CoverageSummary(request.from(), request.to(), clock.instant(), series);
    }
}
