package tickertape.quality;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.ProducerTemplate;
import tickertape.ingest.IngestionJob;
import tickertape.ingest.RunTrigger;
import tickertape.ingest.SeriesPlanner;
import tickertape.market.Timeframe;
import tickertape.quality.QualityRequests.QualityRequest;

/**
 * Gap repair: the regular-session bars a series lacks where the source has not answered yet (the
 * coverage ledger) are asked for now, as a run of trigger {@code repair} through the ordinary job queue
 * (so the one Polygon route and its budget). The run's answer covers its window, so what it still
 * lacks is confirmed empty, never to be asked again.
 *
 * <p>A series gets one repair window, from its first unconfirmed gap to its last, not one per gap: a
 * thin ticker (UVXY) has dozens of one-minute gaps a day, and one window costs one request per 50,000
 * bars where a request per gap would spend the budget for hours. Only the fetched series are repaired:
 * 1m for every intraday timeframe (5m 15m 1h 4h are rolled up from it when its bars are written) and 1d.
 */
public class GapRepair {
    private final QualityRequests requests;
    private final QualityCheck check;
    private final SeriesPlanner planner;
    private final ProducerTemplate producer;
    private final int recentDays;

    GapRepair(QualityRequests requests, QualityCheck check, SeriesPlanner planner,
              ProducerTemplate producer, int recentDays) {
        this.requests = requests;
        this.check = check;
        this.planner = planner;
        this.producer = producer;
        this.recentDays = recentDays;
    }

    /** {@code POST /api/v2/data/quality/repair}; every parameter may be null, as for the report. */
    public Map<String, Object> repair(String ticker, String timeframe, String from, String to) throws SQLException {
        return queue(requests.parse(ticker, timeframe, from, to));
    }

    /** The daily schedule: the last {@code recentDays} days of every ticker whose route runs. */
    public Map<String, Object> repairRecent() throws SQLException {
        return queue(requests.recentOfActive(recentDays));
    }

    private Map<String, Object> queue(QualityRequest request) throws SQLException {
        List<IngestionJob> jobs = new ArrayList<>();
        List<Map<String, Object>> windows = new ArrayList<>();
        for (String ticker : request.tickers()) {
            for (Timeframe timeframe : fetched(request.timeframes())) {
                List<Gap> open = check.gaps(ticker, timeframe, request.from(), request.to()).stream()
                        .filter(gap -> !gap.confirmed()).toList();
                if (!open.isEmpty()) {
                    jobs.add(repairJob(ticker, timeframe, open));
                    windows.add(window(ticker, timeframe, open));
                }
            }
        }
        List<IngestionJob> opened = jobs.isEmpty() ? List.of() : opened(jobs);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("runIds", opened.stream().map(IngestionJob::runId).toList());
        answer.put("windows", windows);
        // A series with a run under way (a backfill, a refresh) is left to that run and the next repair.
        Set<String> openedSeries = opened.stream().map(IngestionJob::series).collect(Collectors.toSet());
        answer.put("skipped", jobs.stream().map(IngestionJob::series).filter(series -> !openedSeries.contains(series))
                .toList());
        answer.put("status", "/api/v2/data/ingest/status");
        return answer;
    }

    /** Opens and queues the jobs on the ordinary job path; answers the ones opened, with their run ids. */
    @SuppressWarnings("unchecked")
    private List<IngestionJob> opened(List<IngestionJob> jobs) {
        return producer.requestBody("direct:queue-jobs", jobs, List.class);
    }

    /** One window over all the gaps, its end included as a job's is. */
    private IngestionJob repairJob(String ticker, Timeframe timeframe, List<Gap> gaps) {
        Instant end = gaps.get(gaps.size() - 1).end();
        return planner.window(RunTrigger.REPAIR, ticker, timeframe, gaps.get(0).start(), end.minusMillis(1));
    }

    private static Map<String, Object> window(String ticker, Timeframe timeframe, List<Gap> gaps) {
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("ticker", ticker);
        window.put("timeframe", timeframe.code());
        window.put("from", gaps.get(0).start());
        window.put("to", gaps.get(gaps.size() - 1).end());
        window.put("gaps", gaps.size());
        window.put("missingBars", gaps.stream().mapToInt(Gap::bars).sum());
        return window;
    }

    /** The fetched series behind the timeframes asked for: 1m for 1m 5m 15m 1h 4h, 1d for 1d. */
    private static Set<Timeframe> fetched(List<Timeframe> timeframes) {
        Set<Timeframe> fetched = new LinkedHashSet<>();
        timeframes.forEach(timeframe -> fetched.add(QualityCheck.sourceOf(timeframe)));
        return fetched;
    }
}
