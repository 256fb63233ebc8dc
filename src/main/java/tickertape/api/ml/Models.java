package tickertape.api.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import tickertape.api.ApiProblem;
import tickertape.api.ClientInput;
import tickertape.database.Columns;

/**
 * {@code POST /api/models}: model metadata, one row per (name, version); the listing ({@code GET}) is
 * the statement of its route in routes/api-ml.camel.yaml, after {@link #requireStatus} checks its filter.
 *
 * <p>POST is idempotent on name + version. What defines a model version, its {@code kind} and
 * {@code params}, never changes: a different kind or params under an existing name + version is a
 * 409 (register a new version instead). What a version accumulates, its {@code metrics} and its
 * {@code status} (training, active, retired), is updated by a later POST; an omitted one is kept.
 * So: a new version is 201; the same body again is 200 with the row unchanged; new metrics or
 * status are 200 with the row updated.
 */
public final class Models {
    private static final String COLUMNS = "id, name, version, kind, params, metrics, status, created_at, updated_at";
    private static final Set<String> STATUSES = Set.of("training", "active", "retired");

    private final DataSource dataSource;
    private final ObjectMapper mapper;

    public Models(DataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    /** A model as posted: params and metrics are JSON objects. */
    public record ModelRequest(String name, String version, String kind, ObjectNode params, ObjectNode metrics,
                               String status) {
    }

    public record Model(long id, String name, String version, String kind, JsonNode params, JsonNode metrics,
                        String status, Instant createdAt, Instant updatedAt) {
    }

    public Model register(@Body String body, Exchange exchange) throws SQLException {
        ModelRequest request = validate(ClientInput.json(mapper, body, new TypeReference<ModelRequest>() {
        }));
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Model model = insertOrLock(connection, request, exchange);
                connection.commit();
                return model;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** A status a client names, in a listing's filter or a posted model: one of {@link #STATUSES}, or none. */
    public void requireStatus(String status) {
        ClientInput.check(status == null || STATUSES.contains(status), "status", "must be training, active or retired");
    }

    private Model insertOrLock(Connection connection, ModelRequest request, Exchange exchange) throws SQLException {
        String insert = "insert into model (name, version, kind, params, metrics, status) values (?, ?, ?, ?::jsonb, ?::jsonb, ?)"
                + " on conflict (name, version) do nothing returning " + COLUMNS;
        try (PreparedStatement statement = connection.prepareStatement(insert)) {
            statement.setString(1, request.name());
            statement.setString(2, request.version());
            statement.setString(3, request.kind());
            statement.setString(4, json(request.params() == null ? mapper.createObjectNode() : request.params()));
            statement.setString(5, json(request.metrics() == null ? mapper.createObjectNode() : request.metrics()));
            statement.setString(6, request.status() == null ? "training" : request.status());
            try (ResultSet inserted = statement.executeQuery()) {
                if (inserted.next()) {
                    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
                    return model(inserted);
                }
            }
        }
        return updateExisting(connection, request);
    }

    private Model updateExisting(Connection connection, ModelRequest request) throws SQLException {
        Model existing;
        try (PreparedStatement lock = connection.prepareStatement(
                "select " + COLUMNS + " from model where name = ? and version = ? for update")) {
            lock.setString(1, request.name());
            lock.setString(2, request.version());
            try (ResultSet rows = lock.executeQuery()) {
                rows.next();
                existing = model(rows);
            }
        }
        if (!existing.kind().equals(request.kind())) {
            throw conflict(existing, "kind");
        }
        if (request.params() != null && !request.params().equals(existing.params())) {
            throw conflict(existing, "params");
        }
        JsonNode metrics = request.metrics() == null ? existing.metrics() : request.metrics();
        String status = request.status() == null ? existing.status() : request.status();
        if (metrics.equals(existing.metrics()) && status.equals(existing.status())) {
            return existing;
        }
        try (PreparedStatement update = connection.prepareStatement("update model set metrics = ?::jsonb, status = ?,"
                + " updated_at = now() where id = ? returning " + COLUMNS)) {
            update.setString(1, json(metrics));
            update.setString(2, status);
            update.setLong(3, existing.id());
            try (ResultSet rows = update.executeQuery()) {
                rows.next();
                return model(rows);
            }
        }
    }

    private static ApiProblem conflict(Model existing, String field) {
        return new ApiProblem(409, "model-version-exists", "Model version exists with another " + field,
                existing.name() + " " + existing.version() + " is registered with another " + field
                        + "; register the change as a new version", field);
    }

    private ModelRequest validate(ModelRequest request) {
        ClientInput.check(request != null, "body", "must be a JSON object");
        ClientInput.check(request.name() != null && !request.name().isBlank() && request.name().length() <= 128, "name",
                "must be 1 to 128 characters");
        ClientInput.check(request.version() != null && !request.version().isBlank() && request.version().length() <= 64,
                "version", "must be 1 to 64 characters");
        ClientInput.check(request.kind() != null && !request.kind().isBlank() && request.kind().length() <= 64, "kind",
                "must be 1 to 64 characters");
        requireStatus(request.status());
        return request;
    }

    private Model model(ResultSet row) throws SQLException {
        return new Model(row.getLong("id"), row.getString("name"), row.getString("version"), row.getString("kind"),
                tree(row.getString("params")), tree(row.getString("metrics")), row.getString("status"),
                Columns.instant(row, "created_at"), Columns.instant(row, "updated_at"));
    }

    private JsonNode tree(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("jsonb column did not hold JSON", e);
        }
    }

    private String json(JsonNode node) {
        return Objects.requireNonNull(node).toString();
    }
}
