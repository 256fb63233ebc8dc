package tickertape.sandbox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * Writes response bodies in Polygon's JSON shapes with Jackson's streaming generator, which keeps a
 * 50,000-bar page cheap: no tree and no per-bar maps are built.
 */
final class PolygonJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final int BYTES_PER_BAR = 130;

    private PolygonJson() {
    }

    /** A 200 body; with no bars there is no {@code results} key at all, as on Polygon. */
    static byte[] aggregates(AggregatesQuery query, AggregatePage page, String status, String requestId,
            Optional<String> nextUrl) {
        List<Aggregate> results = page.results();
        return write(256 + BYTES_PER_BAR * results.size(), json -> {
            json.writeStringField("ticker", query.ticker());
            json.writeNumberField("queryCount", page.baseAggregates());
            json.writeNumberField("resultsCount", results.size());
            json.writeBooleanField("adjusted", query.adjusted());
            if (!results.isEmpty()) {
                json.writeArrayFieldStart("results");
                for (Aggregate bar : results) {
                    writeBar(json, bar);
                }
                json.writeEndArray();
            }
            json.writeStringField("status", status);
            json.writeStringField("request_id", requestId);
            json.writeNumberField("count", results.size());
            if (nextUrl.isPresent()) {
                json.writeStringField("next_url", nextUrl.get());
            }
        });
    }

    /** A 200 splits body: {@code results} always present (empty when none), as on Polygon's v3 endpoints. */
    static byte[] splits(List<SandboxSplits.Split> results, String requestId, Optional<String> nextUrl) {
        return write(256 + 128 * results.size(), json -> {
            json.writeArrayFieldStart("results");
            for (SandboxSplits.Split split : results) {
                json.writeStartObject();
                json.writeStringField("id", split.id());
                json.writeStringField("execution_date", split.executionDate().toString());
                json.writeFieldName("split_from");
                writeRatio(json, split.splitFrom());
                json.writeFieldName("split_to");
                writeRatio(json, split.splitTo());
                json.writeStringField("ticker", split.ticker());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeStringField("status", "OK");
            json.writeStringField("request_id", requestId);
            if (nextUrl.isPresent()) {
                json.writeStringField("next_url", nextUrl.get());
            }
        });
    }

    /** A 400 (or other request failure) body: {@code {"status":"ERROR","request_id","error"}}. */
    static byte[] error(String requestId, String error) {
        return write(256, json -> {
            json.writeStringField("status", "ERROR");
            json.writeStringField("request_id", requestId);
            json.writeStringField("error", error);
        });
    }

    /** A body of the NOT_AUTHORIZED / NOT_FOUND kind: {@code {"status","request_id","message"}}. */
    static byte[] message(String status, String requestId, String message) {
        return write(256, json -> {
            json.writeStringField("status", status);
            json.writeStringField("request_id", requestId);
            json.writeStringField("message", message);
        });
    }

    private static void writeBar(JsonGenerator json, Aggregate bar) throws IOException {
        json.writeStartObject();
        json.writeFieldName("v");
        json.writeNumber(plain(bar.volume()));
        json.writeFieldName("vw");
        json.writeNumber(plain(bar.vwap()));
        json.writeFieldName("o");
        json.writeNumber(plain(bar.open()));
        json.writeFieldName("c");
        json.writeNumber(plain(bar.close()));
        json.writeFieldName("h");
        json.writeNumber(plain(bar.high()));
        json.writeFieldName("l");
        json.writeNumber(plain(bar.low()));
        json.writeNumberField("t", bar.startMillis());
        json.writeNumberField("n", bar.trades());
        json.writeEndObject();
    }

    /** Whole ratios as integers ({@code 10}), as Polygon writes them; others as decimals ({@code 1.5}). */
    private static void writeRatio(JsonGenerator json, double ratio) throws IOException {
        if (ratio == Math.rint(ratio) && Math.abs(ratio) < 1e15) {
            json.writeNumber((long) ratio);
        } else {
            json.writeNumber(ratio);
        }
    }

    /**
     * Polygon writes doubles as plain decimals ({@code 70790813.0}); Java's shortest round-trip text
     * switches to exponent form from 10^7 on, which a strict client could misread, so such values are
     * rewritten without changing their digits.
     */
    private static String plain(double value) {
        String text = Double.toString(value);
        if (text.indexOf('E') < 0) {
            return text;
        }
        String digits = BigDecimal.valueOf(value).toPlainString();
        return digits.indexOf('.') < 0 ? digits + ".0" : digits;
    }

    private static byte[] write(int expectedSize, Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(expectedSize);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            fields.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return out.toByteArray();
    }

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator json) throws IOException;
    }
}
