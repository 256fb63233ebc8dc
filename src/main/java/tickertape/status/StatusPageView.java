package tickertape.status;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tickertape.metrics.SeriesSpan;
import tickertape.metrics.SessionTime;
import tickertape.quality.CoverageSummary;

/**
 * What the status page shows, typed and decided: every state, colour and piece of text is worked out
 * here, so status/page.mustache (src/main/resources) only lays it out, escaping every value it writes.
 *
 * @param keyRefusal Polygon's refusal of the key when that is why ingestion stopped, else null
 * @param baseUrl this server as the request named it, for the copy-paste curl commands
 */
record StatusPageView(String version, List<Pill> pills, KeyRefusal keyRefusal, SeriesMatrix matrix,
                      Rows<RunningRun> running, Rows<RecentRun> recent, DeadLetters deadLetters, String baseUrl,
                      String generatedAt) {

    /**
     * What the page shows, as read for this request: the status report, running and recent runs and dead
     * letters as their JSON endpoints answer them, and the series' spans as the metrics keep them.
     *
     * @param coverage the last recent-coverage check ({@link RecentCoverage}), null before the first
     * @param coverageDays the days it covers ({@code status.quality-days})
     * @param closes each ticker's last 1h closes, oldest first
     */
    record Data(Map<String, Object> report, List<SeriesSpan> spans, SessionTime sessionTime, CoverageSummary coverage,
                int coverageDays, List<Map<String, Object>> running, List<Map<String, Object>> recent,
                List<Map<String, Object>> deadLetters, Map<String, List<Double>> closes, String baseUrl, Instant now) {
    }

    /** A coloured label with the shape of its tone. */
    record Badge(Tone tone, String text) {
    }

    /** A header pill: "Source: sandbox". */
    record Pill(Tone tone, String name, String value) {
    }

    record KeyRefusal(String runId, String ticker, String timeframe, String message) {
    }

    /** The series of a run or a request; null for one over several (a manual run of all tickers). */
    record Series(String ticker, String timeframe) {
    }

    /**
     * The fraction fetched three ways: a whole percentage for assistive technology, the bar's width with a
     * decimal, and the figure shown (rounded down, so 100% means done).
     *
     * @param eta null while it cannot be estimated yet
     */
    record RunningRun(String id, String trigger, Series series, String window, long ariaProgress, String barWidth,
                      String progress, String received, String apiCalls, String retries, String eta) {
    }

    record RecentRun(String id, String trigger, Series series, Badge status, String started, String took, String received,
                     String inserted, String updated, String rejected, String apiCalls, String retries, String error) {
    }

    /** The rows of a table, which the page shows in full or, without rows, as a line saying so. */
    record Rows<T>(List<T> rows) {
        boolean any() {
            return !rows.isEmpty();
        }

        int count() {
            return rows.size();
        }
    }

    /** @param waiting how many are not replayed yet */
    record DeadLetters(long waiting, Rows<DeadLetterRow> letters) {
        boolean anyWaiting() {
            return waiting > 0;
        }
    }

    /**
     * @param replayed null while it waits (the page offers a replay)
     * @param replayPath where a replay is asked for
     */
    record DeadLetterRow(String id, String parked, Series series, String httpStatus, String attempts, String request,
                         String error, Replayed replayed, String replayPath) {
    }

    /** @param run the run a dead letter was replayed as */
    record Replayed(String run) {
    }

    @SuppressWarnings("unchecked")
    static StatusPageView of(Data data) {
        Map<String, Object> report = data.report();
        Map<String, Object> source = (Map<String, Object>) report.get("source");
        Map<String, Object> storage = (Map<String, Object>) report.get("storage");
        boolean sandbox = Boolean.TRUE.equals(source.get("sandbox"));
        boolean healthy = Boolean.TRUE.equals(storage.get("healthy"));
        List<Pill> pills = List.of(
                new Pill(sandbox ? Tone.WARN : Tone.OK, "Source", String.valueOf(source.get("name"))),
                new Pill(healthy ? Tone.OK : Tone.BAD, "Store", storage.get("mode") + (healthy ? " · up" : " · DOWN")));
        return new StatusPageView(PageText.text(report.get("version")), pills, keyRefusal(source), SeriesMatrix.of(data),
                new Rows<>(data.running().stream().map(run -> running(run, data.now())).toList()),
                new Rows<>(data.recent().stream().map(run -> recent(run, data.now())).toList()),
                deadLetters(data.deadLetters()), data.baseUrl(), PageText.MINUTE.format(data.now()));
    }

    private static KeyRefusal keyRefusal(Map<String, Object> source) {
        return source.get("notAuthorized") instanceof Map<?, ?> refused
                ? new KeyRefusal(PageText.text(refused.get("runId")), PageText.text(refused.get("ticker")),
                        PageText.text(refused.get("timeframe")), PageText.text(refused.get("message")))
                : null;
    }

    private static RunningRun running(Map<String, Object> run, Instant now) {
        double progress = run.get("progress") instanceof Number number ? number.doubleValue() : 0;
        return new RunningRun(PageText.text(run.get("id")), PageText.text(run.get("trigger")), series(run), window(run),
                Math.round(progress * 100), String.format(Locale.ROOT, "%.1f", progress * 100), PageText.percent(progress),
                PageText.count(run.get("received")), PageText.text(run.get("apiCalls")), PageText.text(run.get("retries")),
                eta(run.get("eta"), now));
    }

    private static RecentRun recent(Map<String, Object> run, Instant now) {
        String status = String.valueOf(run.get("status"));
        Tone tone = switch (status) {
            case "SUCCEEDED" -> Tone.OK;
            case "RUNNING" -> Tone.INFO;
            case "PARTIAL" -> Tone.WARN;
            default -> Tone.BAD;
        };
        Instant started = (Instant) run.get("startedAt");
        Instant finished = (Instant) run.get("finishedAt");
        String took = started == null ? "" : PageText.human(Duration.between(started, finished == null ? now : finished));
        return new RecentRun(PageText.text(run.get("id")), PageText.text(run.get("trigger")), series(run),
                new Badge(tone, status), PageText.minute(started), took, PageText.count(run.get("received")),
                PageText.count(run.get("inserted")), PageText.count(run.get("updated")), PageText.count(run.get("rejected")),
                PageText.text(run.get("apiCalls")), PageText.text(run.get("retries")), PageText.text(run.get("error")));
    }

    private static DeadLetters deadLetters(List<Map<String, Object>> letters) {
        long waiting = letters.stream().filter(letter -> letter.get("replayedAt") == null).count();
        return new DeadLetters(waiting, new Rows<>(letters.stream().map(StatusPageView::deadLetter).toList()));
    }

    private static DeadLetterRow deadLetter(Map<String, Object> letter) {
        String id = PageText.text(letter.get("id"));
        return new DeadLetterRow(id, PageText.minute((Instant) letter.get("createdAt")), series(letter),
                letter.get("httpStatus") == null ? "none" : PageText.text(letter.get("httpStatus")),
                PageText.text(letter.get("attempts")), PageText.text(letter.get("request")),
                PageText.text(letter.get("error")),
                letter.get("replayedAt") == null ? null : new Replayed(PageText.text(letter.get("replayRunId"))),
                "/api/v2/data/dead-letters/" + id + "/replay");
    }

    private static Series series(Map<String, Object> row) {
        return row.get("ticker") == null ? null
                : new Series(PageText.text(row.get("ticker")), PageText.text(row.get("timeframe")));
    }

    private static String window(Map<String, Object> run) {
        return run.get("windowFrom") instanceof Instant from && run.get("windowTo") instanceof Instant to
                ? PageText.DAY.format(from) + " → " + PageText.DAY.format(to) : "";
    }

    private static String eta(Object eta, Instant now) {
        if (!(eta instanceof Instant at)) {
            return null;
        }
        Duration left = Duration.between(now, at);
        return left.toSeconds() < 5 ? "writing the last pages" : "in " + PageText.human(left);
    }
}
