package tickertape.api.ml;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Header;
import tickertape.api.ApiProblem;
import tickertape.api.ClientInput;
import tickertape.api.market.KnownTickers;
import tickertape.bars.SplitAdjustments;
import tickertape.market.Split;
import tickertape.market.SplitAdjustment;
import tickertape.database.Columns;

/**
 * {@code POST /api/predictions}, {@code GET /api/predictions/latest}, {@code GET /api/predictions/accuracy}.
 * A prediction is keyed by (model, ticker, timeframe, ts, horizon): a POST is an idempotent batch upsert.
 */
public final class Predictions {
    private static final String UPSERT = """
            insert into prediction as p (model_id, ticker, timeframe, ts, horizon, predicted_direction, predicted_return,
                                         predicted_price, confidence)
            select * from unnest(?::bigint[], ?::text[], ?::text[], ?::timestamptz[], ?::int[], ?::smallint[],
                                 ?::float8[], ?::float8[], ?::float8[])
            on conflict (model_id, ticker, ts, timeframe, horizon) do update
               set predicted_direction = excluded.predicted_direction, predicted_return = excluded.predicted_return,
                   predicted_price = excluded.predicted_price, confidence = excluded.confidence
             where (p.predicted_direction, p.predicted_return, p.predicted_price, p.confidence)
                   is distinct from (excluded.predicted_direction, excluded.predicted_return, excluded.predicted_price,
                                     excluded.confidence)
            returning (xmax = 0) as inserted""";

    /** For each active model, its predictions for the ticker at the newest ts it predicted at. */
    static final String LATEST_OF_ACTIVE_MODELS = """
            select m.name as model, m.version, p.id, p.timeframe, p.ts, p.horizon, p.predicted_direction,
                   p.predicted_return, p.predicted_price, p.confidence, p.created_at
            from model m
            cross join lateral (select max(ts) as ts from prediction where model_id = m.id and ticker = ?) newest
            join prediction p on p.model_id = m.id and p.ticker = ? and p.ts = newest.ts
            where m.status = 'active'
            order by m.name, m.version, p.timeframe, p.horizon""";

    /**
     * The newest {@code window} predictions of a model on a ticker whose outcome is stored: the bar at
     * ts and the bar {@code horizon} bars later in the same timeframe, their (raw) closes compared across
     * the splits executed between them (a 1-for-10 reverse split is not a +900 % outcome). The predicted direction is the
     * one given, else the sign of the predicted return, else of the predicted price against the close
     * at ts; the predicted return is the one given, else implied by the predicted price.
     *
     * <p>The one statement outside bars/ that reads market_bar, on purpose: which predictions are
     * evaluated depends on their outcome being stored (the newest {@code window} of those that have one),
     * so outcomes read through bars/ would cost a query per prediction until the window fills, or every
     * prediction's outcome to keep a few; joined here, the database finds each outcome by the bars'
     * primary key and stops at the window.
     */
    private static final String ACCURACY = """
            with evaluated as (
                select p.predicted_direction, p.predicted_return, p.predicted_price, base.close as base_close,
                       later.close / base.close * between_splits.factor - 1 as realised
                from prediction p
                join market_bar base on base.ticker = p.ticker and base.timeframe = p.timeframe and base.ts = p.ts
                cross join lateral (select close, ts from market_bar m
                                    where m.ticker = p.ticker and m.timeframe = p.timeframe and m.ts > p.ts
                                    order by m.ts offset p.horizon - 1 limit 1) later
                cross join lateral (select coalesce(exp(sum(ln(s.split_to / s.split_from))), 1) as factor
                                    from split s
                                    where s.ticker = p.ticker
                                      and s.execution_date > (base.ts at time zone 'America/New_York')::date
                                      and s.execution_date <= (later.ts at time zone 'America/New_York')::date)
                                    between_splits
                where p.model_id = ? and p.ticker = ?
                order by p.ts desc, p.id desc
                limit ?),
            scored as (
                select realised,
                       coalesce(predicted_direction, sign(predicted_return), sign(predicted_price - base_close)) as direction,
                       coalesce(predicted_return, predicted_price / base_close - 1) as predicted
                from evaluated)
            select count(*) as evaluated,
                   avg(case when direction = sign(realised) then 1.0 else 0.0 end) as hit_rate,
                   avg(abs(predicted - realised)) as mean_absolute_error,
                   count(predicted) as with_return
            from scored""";

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final BatchLimits limits;
    private final AccuracyWindow window;
    private final SplitAdjustments adjustments;

    /** How many evaluable predictions accuracy looks at when none is asked for, and at most. */
    public record AccuracyWindow(int defaultSize, int maxSize) {
    }

    public Predictions(DataSource dataSource, ObjectMapper mapper, BatchLimits limits, AccuracyWindow window,
                       SplitAdjustments adjustments) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.limits = limits;
        this.window = window;
        this.adjustments = adjustments;
    }

    /** A prediction as posted: the model by name and version; at least one of the three predicted values. */
    public record PredictionRequest(String model, String version, String ticker, String timeframe, Instant ts,
                                    Integer horizon, Integer predictedDirection, Double predictedReturn,
                                    Double predictedPrice, Double confidence) {
    }

    public record Written(int received, int inserted, int updated, int unchanged) {
    }

    public Written upsert(@Body String body) throws SQLException {
        List<PredictionRequest> rows = limits.readRows(mapper, body, PredictionRequest.class);
        for (int i = 0; i < rows.size(); i++) {
            rows.set(i, validate(rows.get(i), "[" + i + "]"));
        }
        try (Connection connection = dataSource.getConnection()) {
            Map<List<String>, Long> modelIds = modelIds(connection, rows);
            for (String ticker : rows.stream().map(PredictionRequest::ticker).distinct().toList()) {
                KnownTickers.require(connection, ticker);
            }
            Map<List<Object>, PredictionRequest> unique = new LinkedHashMap<>();
            rows.forEach(row -> unique.put(List.of(row.model(), row.version(), row.ticker(), row.timeframe(), row.ts(),
                    row.horizon()), row)); // the last one wins: one statement may not write a row twice
            int[] counts = write(connection, modelIds, new ArrayList<>(unique.values()));
            return new Written(rows.size(), counts[0], counts[1], rows.size() - counts[0] - counts[1]);
        }
    }

    /**
     * The latest predictions of every active model for {@code ticker}. A prediction refers to the
     * prices of its day; its {@code splitsSince} lists the ticker's splits executed after that day.
     */
    public Map<String, Object> latest(@Header("ticker") String ticker) throws SQLException {
        String symbol = ClientInput.ticker("ticker", ticker);
        List<Prediction> predictions = latestOfActiveModels(dataSource, symbol);
        SplitAdjustment splits = adjustments.splitsOnly(symbol, true);
        Map<String, Object> latest = new LinkedHashMap<>();
        latest.put("ticker", symbol);
        latest.put("predictions", predictions.stream()
                .map(prediction -> new PredictionRead(prediction, splits.splitsAfter(prediction.ts()))).toList());
        return latest;
    }

    /** A prediction as read: its fields, and the splits executed since its day. */
    public record PredictionRead(@JsonUnwrapped Prediction prediction, List<Split> splitsSince) {
    }

    /** Rows of {@link #LATEST_OF_ACTIVE_MODELS} for {@code ticker}; 404 when the ticker is unknown. */
    public static List<Prediction> latestOfActiveModels(DataSource dataSource, String ticker) throws SQLException {
        List<Prediction> predictions = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            KnownTickers.require(connection, ticker);
            try (PreparedStatement select = connection.prepareStatement(LATEST_OF_ACTIVE_MODELS)) {
                select.setString(1, ticker);
                select.setString(2, ticker);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        predictions.add(prediction(rows));
                    }
                }
            }
        }
        return predictions;
    }

    /**
     * Direction hit rate and mean absolute error of the predicted return over the newest {@code window}
     * predictions of a model (its newest version unless {@code version} is given) on {@code ticker} whose
     * outcome is already in the store.
     */
    public Map<String, Object> accuracy(@Header("model") String model, @Header("version") String version,
                                        @Header("ticker") String ticker, @Header("window") String windowSize)
            throws SQLException {
        String name = ClientInput.required("model", model);
        String symbol = ClientInput.ticker("ticker", ticker);
        int size = ClientInput.limit("window", windowSize, window.defaultSize(), window.maxSize());
        try (Connection connection = dataSource.getConnection()) {
            KnownTickers.require(connection, symbol);
            ModelVersion resolved = resolveModel(connection, name, version);
            try (PreparedStatement select = connection.prepareStatement(ACCURACY)) {
                select.setLong(1, resolved.id());
                select.setString(2, symbol);
                select.setInt(3, size);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    Map<String, Object> accuracy = new LinkedHashMap<>();
                    accuracy.put("model", resolved.name());
                    accuracy.put("version", resolved.version());
                    accuracy.put("ticker", symbol);
                    accuracy.put("window", size);
                    accuracy.put("evaluated", row.getInt("evaluated"));
                    accuracy.put("directionHitRate", row.getObject("hit_rate") == null ? null : row.getDouble("hit_rate"));
                    accuracy.put("meanAbsoluteError",
                            row.getObject("mean_absolute_error") == null ? null : row.getDouble("mean_absolute_error"));
                    accuracy.put("withPredictedReturn", row.getInt("with_return"));
                    return accuracy;
                }
            }
        }
    }

    private record ModelVersion(long id, String name, String version) {
    }

    private static ModelVersion resolveModel(Connection connection, String name, String version) throws SQLException {
        String sql = "select id, name, version from model where name = ? and (?::text is null or version = ?)"
                + " order by created_at desc, id desc limit 1";
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, name);
            select.setString(2, version);
            select.setString(3, version);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw ApiProblem.notFound("Model", "no model " + name + (version == null ? "" : " version " + version));
                }
                return new ModelVersion(rows.getLong(1), rows.getString(2), rows.getString(3));
            }
        }
    }

    private static Map<List<String>, Long> modelIds(Connection connection, List<PredictionRequest> rows)
            throws SQLException {
        Map<List<String>, Long> ids = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            List<String> key = List.of(rows.get(i).model(), rows.get(i).version());
            if (!ids.containsKey(key)) {
                try (PreparedStatement select = connection.prepareStatement(
                        "select id from model where name = ? and version = ?")) {
                    select.setString(1, key.get(0));
                    select.setString(2, key.get(1));
                    try (ResultSet found = select.executeQuery()) {
                        if (!found.next()) {
                            throw new ApiProblem(422, "unknown-model", "Unknown model", "no model " + key.get(0)
                                    + " version " + key.get(1) + ": register it with POST /api/models first",
                                    "[" + i + "].model");
                        }
                        ids.put(key, found.getLong(1));
                    }
                }
            }
        }
        return ids;
    }

    /** One upsert of all rows; returns {inserted, updated}. */
    private static int[] write(Connection connection, Map<List<String>, Long> modelIds, List<PredictionRequest> rows)
            throws SQLException {
        int[] counts = new int[2];
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
            upsert.setArray(1, connection.createArrayOf("bigint",
                    rows.stream().map(row -> modelIds.get(List.of(row.model(), row.version()))).toArray()));
            upsert.setArray(2, connection.createArrayOf("text", rows.stream().map(PredictionRequest::ticker).toArray()));
            upsert.setArray(3, connection.createArrayOf("text", rows.stream().map(PredictionRequest::timeframe).toArray()));
            // ISO text with its Z, cast in SQL: a Timestamp would be sent in the JVM's time zone
            upsert.setArray(4, connection.createArrayOf("text", rows.stream().map(row -> row.ts().toString()).toArray()));
            upsert.setArray(5, connection.createArrayOf("int4", rows.stream().map(PredictionRequest::horizon).toArray()));
            upsert.setArray(6, connection.createArrayOf("int2",
                    rows.stream().map(row -> row.predictedDirection() == null ? null : row.predictedDirection().shortValue())
                            .toArray()));
            upsert.setArray(7, connection.createArrayOf("float8",
                    rows.stream().map(PredictionRequest::predictedReturn).toArray()));
            upsert.setArray(8, connection.createArrayOf("float8",
                    rows.stream().map(PredictionRequest::predictedPrice).toArray()));
            upsert.setArray(9, connection.createArrayOf("float8", rows.stream().map(PredictionRequest::confidence).toArray()));
            try (ResultSet written = upsert.executeQuery()) {
                while (written.next()) {
                    counts[written.getBoolean(1) ? 0 : 1]++;
                }
            }
        }
        return counts;
    }

    private static PredictionRequest validate(PredictionRequest row, String at) {
        ClientInput.check(row != null, at, "must be an object");
        ClientInput.required(at + ".model", row.model());
        ClientInput.required(at + ".version", row.version());
        String ticker = ClientInput.ticker(at + ".ticker", row.ticker());
        String timeframe = ClientInput.timeframe(at + ".timeframe", row.timeframe()).code();
        ClientInput.check(row.ts() != null, at + ".ts", "is required (ISO-8601 instant)");
        ClientInput.bounded(at + ".ts", row.ts());
        ClientInput.check(row.horizon() != null && row.horizon() > 0, at + ".horizon", "must be a positive number of bars");
        ClientInput.check(row.predictedDirection() != null || row.predictedReturn() != null || row.predictedPrice() != null,
                at, "needs predictedDirection, predictedReturn or predictedPrice");
        ClientInput.check(row.predictedDirection() == null || Math.abs(row.predictedDirection()) <= 1,
                at + ".predictedDirection", "must be -1, 0 or 1");
        ClientInput.check(row.predictedReturn() == null || Double.isFinite(row.predictedReturn()), at + ".predictedReturn",
                "must be a finite number");
        ClientInput.check(row.predictedPrice() == null || row.predictedPrice() > 0 && Double.isFinite(row.predictedPrice()),
                at + ".predictedPrice", "must be a positive number");
        ClientInput.check(row.confidence() == null || row.confidence() >= 0 && row.confidence() <= 1, at + ".confidence",
                "must be from 0 to 1");
        return new PredictionRequest(row.model(), row.version(), ticker, timeframe, row.ts(), row.horizon(),
                row.predictedDirection(), row.predictedReturn(), row.predictedPrice(), row.confidence());
    }

    /** A stored prediction, with its model's name and version. */
    public record Prediction(long id, String model, String version, String timeframe, Instant ts, int horizon,
                             Integer predictedDirection, Double predictedReturn, Double predictedPrice,
                             Double confidence, Instant createdAt) {
    }

    private static Prediction prediction(ResultSet row) throws SQLException {
        return new Prediction(row.getLong("id"), row.getString("model"), row.getString("version"),
                row.getString("timeframe"), Columns.instant(row, "ts"), row.getInt("horizon"),
                row.getObject("predicted_direction", Integer.class), row.getObject("predicted_return", Double.class),
                row.getObject("predicted_price", Double.class), row.getObject("confidence", Double.class),
                Columns.instant(row, "created_at"));
    }
}
