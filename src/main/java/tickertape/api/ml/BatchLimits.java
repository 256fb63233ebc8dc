package tickertape.api.ml;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import tickertape.api.ApiProblem;
import tickertape.api.ClientInput;

/** The most rows one POST of features or predictions may carry (api.ml.max-batch-rows). */
public record BatchLimits(int maxRows) {

    /**
     * The rows of a JSON array body, read one at a time: the row past {@link #maxRows} is answered
     * (413) as soon as it starts, so a body of millions of tiny rows never becomes millions of objects.
     * An empty array or anything but an array is a 400, as is a row Jackson cannot read (named {@code [i].field}).
     */
    public <T> List<T> readRows(ObjectMapper mapper, String body, Class<T> rowType) {
        ClientInput.requireJsonBody(body);
        ObjectReader reader = ClientInput.strictReader(mapper.readerFor(rowType));
        try (JsonParser parser = mapper.createParser(body)) {
            ClientInput.check(parser.nextToken() == JsonToken.START_ARRAY, "body", "must be a non-empty JSON array of rows");
            List<T> rows = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (rows.size() == maxRows) {
                    throw new ApiProblem(413, "too-many-rows", "Too many rows",
                            "more than " + maxRows + " rows in one request; send at most " + maxRows + " per request",
                            "body");
                }
                rows.add(readRow(reader, parser, rows.size()));
            }
            ClientInput.check(parser.nextToken() == null, "body", "malformed JSON: nothing may follow the array");
            ClientInput.check(!rows.isEmpty(), "body", "must be a non-empty JSON array of rows");
            return rows;
        } catch (JsonProcessingException e) {
            throw ClientInput.jsonProblem(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String body has no I/O to fail
        }
    }

    private static <T> T readRow(ObjectReader reader, JsonParser parser, int index) throws IOException {
        try {
            return reader.readValue(parser);
        } catch (JsonMappingException e) {
            e.prependPath(List.class, index);
            throw e;
        }
    }
}
