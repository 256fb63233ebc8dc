package tickertape.database;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdDelegatingSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.util.StdConverter;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import org.postgresql.util.PGobject;

/**
 * JSON for the values of rows a route's {@code sql:} step reads, written as the API writes the same
 * columns read in Java: a timestamptz (JDBC's {@link Timestamp}) as its ISO-8601 instant, and a
 * json/jsonb column (pgjdbc's {@link PGobject}) as the JSON it holds, not as a string.
 */
public final class SqlRowJson extends SimpleModule {
    public SqlRowJson() {
        super("SqlRowJson");
        addSerializer(Timestamp.class, new StdDelegatingSerializer(new StdConverter<Timestamp, Instant>() {
            @Override
            public Instant convert(Timestamp timestamp) {
                return timestamp.toInstant();
            }
        }));
        addSerializer(PGobject.class, new JsonColumnSerializer());
    }

    /** A json or jsonb value, parsed and written again: the same text a JsonNode read from the column gives. */
    private static final class JsonColumnSerializer extends StdSerializer<PGobject> {
        JsonColumnSerializer() {
            super(PGobject.class);
        }

        @Override
        public void serialize(PGobject column, JsonGenerator generator, SerializerProvider provider) throws IOException {
            if (!column.getType().startsWith("json")) {
                throw new IllegalArgumentException("a " + column.getType() + " column has no JSON form: cast it in the query");
            }
            try (var parser = generator.getCodec().getFactory().createParser(column.getValue())) {
                generator.writeTree(parser.readValueAsTree());
            }
        }
    }
}
