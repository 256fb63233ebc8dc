package tickertape.api.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Header;
import tickertape.api.ClientInput;
import tickertape.api.market.KnownTickers;
import tickertape.bars.SplitAdjustments;
import tickertape.market.SplitAdjustment;
import tickertape.market.Timeframe;
import tickertape.database.Columns;

/**
 * {@code GET|POST /api/features}: the ML service's feature values, one per (ticker, timeframe, ts, name).
 * A POST is an idempotent batch upsert: sending the same rows again changes nothing.
 */
public final class Features {
    private static final String UPSERT = """
            insert into feature as f (ticker, timeframe, ts, name, value)
            select * from unnest(?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::float8[])
            on conflict (ticker, timeframe, ts, name) do update set value = excluded.value, updated_at = now()
             where f.value is distinct from excluded.value
            returning (xmax = 0) as inserted""";
    private static final String SELECT = """
            select ts, name, value from feature
            where ticker = ? and timeframe = ? and ts >= ? and ts < ? and (cardinality(?::text[]) = 0 or name = any(?))
            order by ts, name limit ?""";

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final BatchLimits limits;
    private final SplitAdjustments adjustments;

    public Features(DataSource dataSource, ObjectMapper mapper, BatchLimits limits, SplitAdjustments adjustments) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.limits = limits;
        this.adjustments = adjustments;
    }

    /** One feature value as the API reads and writes it. */
    public record Feature(String ticker, String timeframe, Instant ts, String name, Double value) {
    }

    /** How a batch went: rows received, new, changed, and already stored with the same value. */
    public record Written(int received, int inserted, int updated, int unchanged) {
    }

    public Written upsert(@Body String body) throws SQLException {
        List<Feature> rows = limits.readRows(mapper, body, Feature.class);
        Map<List<Object>, Feature> unique = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Feature row = validate(rows.get(i), "[" + i + "]");
            unique.put(List.of(row.ticker(), row.timeframe(), row.ts(), row.name()), row); // the last one wins
        }
        int inserted = 0;
        int updated = 0;
        try (Connection connection = dataSource.getConnection()) {
            for (String ticker : unique.values().stream().map(Feature::ticker).distinct().toList()) {
                KnownTickers.require(connection, ticker);
            }
            try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
                List<Feature> values = new ArrayList<>(unique.values());
                upsert.setArray(1, connection.createArrayOf("text", values.stream().map(Feature::ticker).toArray()));
                upsert.setArray(2, connection.createArrayOf("text", values.stream().map(Feature::timeframe).toArray()));
                // ISO text with its Z, cast in SQL: a Timestamp would be sent in the JVM's time zone
                upsert.setArray(3, connection.createArrayOf("text", values.stream().map(row -> row.ts().toString()).toArray()));
                upsert.setArray(4, connection.createArrayOf("text", values.stream().map(Feature::name).toArray()));
                upsert.setArray(5, connection.createArrayOf("float8", values.stream().map(Feature::value).toArray()));
                try (ResultSet written = upsert.executeQuery()) {
                    while (written.next()) {
                        if (written.getBoolean(1)) {
                            inserted++;
                        } else {
                            updated++;
                        }
                    }
                }
            }
        }
        return new Written(rows.size(), inserted, updated, rows.size() - inserted - updated);
    }

    /**
     * The features of a series in [from, to), by ts then name; {@code names} (comma-separated) narrows
     * them. Each row, as written, refers to the prices of its day; its {@code splitsSince} lists the
     * ticker's splits executed after that day (up to today), so the service can adjust or recompute it.
     */
    public Map<String, Object> list(@Header("ticker") String ticker, @Header("timeframe") String timeframe,
                                    @Header("from") String from, @Header("to") String to,
                                    @Header("names") String names, @Header("limit") String limit) throws SQLException {
        String symbol = ClientInput.ticker("ticker", ticker);
        Timeframe resolution = ClientInput.timeframe("timeframe", timeframe);
        Instant start = ClientInput.instant("from", from, false);
        Instant end = ClientInput.instant("to", to, true);
        int maxRows = ClientInput.limit("limit", limit, limits.maxRows(), limits.maxRows());
        String[] wanted = names == null || names.isBlank() ? new String[0]
                : Arrays.stream(names.split(",")).map(String::trim).toArray(String[]::new);
        List<Map<String, Object>> features = new ArrayList<>();
        boolean more = false;
        SplitAdjustment splits = adjustments.splitsOnly(symbol, true);
        try (Connection connection = dataSource.getConnection()) {
            KnownTickers.require(connection, symbol);
            try (PreparedStatement select = connection.prepareStatement(SELECT)) {
                select.setString(1, symbol);
                select.setString(2, resolution.code());
                select.setTimestamp(3, Timestamp.from(start));
                select.setTimestamp(4, Timestamp.from(end));
                select.setArray(5, connection.createArrayOf("text", wanted));
                select.setArray(6, connection.createArrayOf("text", wanted));
                select.setInt(7, maxRows + 1);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        if (features.size() == maxRows) {
                            more = true;
                            break;
                        }
                        Map<String, Object> feature = new LinkedHashMap<>();
                        Instant ts = Columns.instant(rows, "ts");
                        feature.put("ts", ts);
                        feature.put("name", rows.getString("name"));
                        feature.put("value", rows.getDouble("value"));
                        feature.put("splitsSince", splits.splitsAfter(ts));
                        features.add(feature);
                    }
                }
            }
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("ticker", symbol);
        page.put("timeframe", resolution.code());
        page.put("count", features.size());
        page.put("more", more);
        page.put("features", features);
        return page;
    }

    private static Feature validate(Feature row, String at) {
        ClientInput.check(row != null, at, "must be an object");
        String ticker = ClientInput.ticker(at + ".ticker", row.ticker());
        Timeframe timeframe = ClientInput.timeframe(at + ".timeframe", row.timeframe());
        ClientInput.check(row.ts() != null, at + ".ts", "is required (ISO-8601 instant)");
        ClientInput.bounded(at + ".ts", row.ts());
        ClientInput.check(row.name() != null && !row.name().isEmpty() && row.name().length() <= 128, at + ".name",
                "must be 1 to 128 characters");
        ClientInput.check(row.value() != null && Double.isFinite(row.value()), at + ".value", "must be a finite number");
        return new Feature(ticker, timeframe.code(), row.ts(), row.name(), row.value());
    }
}
