package tickertape.ingest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.ProducerTemplate;
import tickertape.api.ApiProblem;
import tickertape.api.ClientInput;
import tickertape.market.Timeframe;
import tickertape.polygon.DeadLetters;
import tickertape.polygon.PolygonCall;

/**
 * Runs that ops start by hand: {@code POST /api/v2/data/ingest} (a window for some tickers and
 * timeframes) and the replay of a dead letter. Each becomes queued jobs with their run ids, which
 * the caller gets back at once (202) while the jobs run.
 */
public class ManualRuns {
    private final ObjectMapper json;
    private final Ingestion ingestion;
    private final SeriesPlanner planner;
    private final TickerRoutes tickers;
    private final DeadLetters deadLetters;
    private final ProducerTemplate producer;
    private final Clock clock;

    public ManualRuns(ObjectMapper json, Ingestion ingestion, SeriesPlanner planner, TickerRoutes tickers,
                      DeadLetters deadLetters, ProducerTemplate producer, Clock clock) {
        this.json = json;
        this.ingestion = ingestion;
        this.planner = planner;
        this.tickers = tickers;
        this.deadLetters = deadLetters;
        this.producer = producer;
        this.clock = clock;
    }

    /**
     * Body (every field optional): {@code {"tickers":["SPY"], "timeframes":["1m","1d"],
     * "from":"2024-01-02", "to":"2024-02-01T00:00:00Z"}}. Derived timeframes (5m…4h) mean their 1m source.
     */
    public Map<String, Object> submit(String body) throws SQLException {
        JsonNode request = parse(body);
        List<String> symbols = tickers(request.get("tickers"));
        Set<Timeframe> timeframes = fetchedTimeframes(request.get("timeframes"));
        Instant from = request.hasNonNull("from") ? instant("from", request.get("from"))
                : planner.backfillStart(null);
        Instant to = request.hasNonNull("to") ? instant("to", request.get("to")) : clock.instant();
        if (!from.isBefore(to)) {
            throw ApiProblem.invalidParameter("from", "from must be before to");
        }
        List<IngestionJob> jobs = new ArrayList<>();
        for (String symbol : symbols) {
            for (Timeframe timeframe : timeframes) {
                jobs.add(planner.window(RunTrigger.MANUAL, symbol, timeframe, from, to));
            }
        }
        List<IngestionJob> opened = ingestion.open(jobs);
        Map<String, Object> answer = queue(opened);
        // a series with a run under way (in any instance) is left to that run
        answer.put("skipped", jobs.stream().map(IngestionJob::series)
                .filter(series -> opened.stream().noneMatch(run -> run.series().equals(series))).toList());
        return answer;
    }

    /** Re-runs a parked request from its page on, as a new run of trigger "replay". */
    public Map<String, Object> replay(String id) throws SQLException {
        long deadLetterId = ClientInput.id("id", id);
        Map<String, Object> letter = deadLetters.find(deadLetterId);
        String url = ((String) letter.get("request")).replaceFirst("^GET ", "");
        if (URI.create(url).getPath().startsWith(PolygonCall.SPLITS_PATH)) {
            throw new ApiProblem(422, "not-replayable", "Splits requests are not replayed",
                    "the splits of " + letter.get("ticker") + " are fetched again by their daily check, once"
                            + " ingest.retry-failed-after has passed", "id");
        }
        // a letter parked before bars were stored raw asked for adjusted bars: the store keeps raw ones
        url = url.replace("adjusted=true", "adjusted=false");
        Window window = Window.of(url);
        IngestionJob job = new IngestionJob(RunTrigger.REPLAY, (String) letter.get("ticker"), window.timeframe(),
                window.from(), window.to(), url.contains("sort=desc"), url, null);
        List<IngestionJob> opened = ingestion.open(List.of(job));
        if (opened.isEmpty()) {
            throw new ApiProblem(409, "run-under-way", "A run of the series is under way",
                    "a run of " + job.series() + " is under way: replay this dead letter once it has ended", "id");
        }
        // the run's row is durable before the letter says so; a replay lost with its process is closed at
        // the next start (or when its lease expires), and its window stays a hole that the planner fetches
        deadLetters.markReplayed(deadLetterId, opened.get(0).runId());
        return queue(opened);
    }

    private Map<String, Object> queue(List<IngestionJob> jobs) {
        producer.sendBody("direct:enqueue-runs", jobs);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("runIds", jobs.stream().map(IngestionJob::runId).toList());
        answer.put("status", "/api/v2/data/ingest/status");
        return answer;
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
            if (!node.isObject()) {
                throw ApiProblem.invalidParameter("body", "the body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw ApiProblem.invalidParameter("body", "the body is not valid JSON");
        }
    }

    private List<String> tickers(JsonNode node) {
        List<String> configured = tickers.configuredSymbols();
        if (node == null || node.isNull()) {
            return configured;
        }
        List<String> symbols = strings("tickers", node);
        for (String symbol : symbols) {
            if (!configured.contains(symbol)) {
                throw new ApiProblem(404, "unknown-ticker", "Unknown ticker",
                        "'" + symbol + "' is not a configured ticker (routes/tickers.camel.yaml)", "tickers");
            }
        }
        return symbols;
    }

    private Set<Timeframe> fetchedTimeframes(JsonNode node) {
        if (node == null || node.isNull()) {
            return new LinkedHashSet<>(SeriesPlanner.FETCHED);
        }
        Set<Timeframe> fetched = new LinkedHashSet<>();
        for (String code : strings("timeframes", node)) {
            Timeframe timeframe = Timeframe.ofCode(code).orElseThrow(() -> ApiProblem.invalidParameter("timeframes",
                    "'" + code + "' is not a timeframe (1m 5m 15m 1h 4h 1d)"));
            fetched.add(timeframe.isDerivedFromMinutes() ? Timeframe.M1 : timeframe);
        }
        return fetched;
    }

    private static List<String> strings(String field, JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            throw ApiProblem.invalidParameter(field, field + " must be a non-empty array of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw ApiProblem.invalidParameter(field, field + " must be a non-empty array of strings");
            }
            values.add(item.asText());
        }
        return values;
    }

    /** A date (midnight New York) or an ISO-8601 instant. */
    private static Instant instant(String field, JsonNode node) {
        String text = node.asText();
        try {
            return ClientInput.bounded(field, text.length() == 10
                    ? LocalDate.parse(text).atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant() : Instant.parse(text));
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalidParameter(field, field + " must be a date (2024-01-02) or an ISO-8601 instant");
        }
    }

    /** The series window a stored Polygon request URL asks for. */
    private record Window(Timeframe timeframe, Instant from, Instant to) {
        static Window of(String url) {
            String[] path = URI.create(url).getPath().split("/");
            // /v2/aggs/ticker/{t}/range/{m}/{span}/{from}/{to}
            Timeframe timeframe = Timeframe.ofPolygon(Integer.parseInt(path[6]), path[7]).orElseThrow();
            return new Window(timeframe, Instant.ofEpochMilli(Long.parseLong(path[8])),
                    Instant.ofEpochMilli(Long.parseLong(path[9])));
        }
    }
}
