package tickertape.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PGobject;
import tickertape.TickertapeConfiguration;

/** A row read by a route's sql: step is written as the same columns read in Java are. */
class SqlRowJsonTest {
    private final ObjectMapper json = new TickertapeConfiguration(Clock.systemUTC()).jsonMapper();

    @Test
    void aTimestampIsWrittenAsItsInstantAndAJsonbColumnAsItsJson() throws Exception {
        Instant createdAt = Instant.parse("2025-01-02T14:30:00.123456Z");
        PGobject params = new PGobject();
        params.setType("jsonb");
        params.setValue("{\"rows\": 1000000, \"rate\": 0.050, \"tags\": [\"a\", null]}");
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("createdAt", Timestamp.from(createdAt));
        row.put("updatedAt", Timestamp.from(Instant.parse("2025-01-02T14:30:00Z")));
        row.put("params", params);

        assertThat(json.writeValueAsString(row)).isEqualTo("{\"createdAt\":\"2025-01-02T14:30:00.123456Z\","
                + "\"updatedAt\":\"2025-01-02T14:30:00Z\",\"params\":{\"rows\":1000000,\"rate\":0.05,\"tags\":[\"a\",null]}}");
        assertThat(json.writeValueAsString(Map.of("createdAt", createdAt)))
                .as("the same instant as Java reads it").isEqualTo("{\"createdAt\":\"2025-01-02T14:30:00.123456Z\"}");
    }
}
