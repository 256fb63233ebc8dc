package tickertape.api.market;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import tickertape.bars.Bar;
import tickertape.bars.BarStream;

/** How a page of bars is written as it streams: JSON (the default) or CSV ({@code Accept: text/csv}). */
enum BarFormat {
    JSON("application/json"),
    CSV("text/csv; charset=utf-8");

    private final String contentType;

    BarFormat(String contentType) {
        this.contentType = contentType;
    }

    static BarFormat forAccept(String accept) {
        return accept != null && accept.contains("text/csv") ? CSV : JSON;
    }

    String contentType() {
        return contentType;
    }

    /** Writes the page's opening (JSON: the page fields and "bars":[) and returns the writer of its bars. */
    BarStream.BarWriter open(OutputStream out, ObjectMapper mapper, Page page) throws IOException {
        return this == JSON ? new JsonBars(out, mapper, page) : new CsvBars(out);
    }

    /** What a page says besides its bars. */
    record Page(RangeQuery query, int count, String nextCursor) {
    }

    /** {"ticker","timeframe","from","to","adjusted","count","nextCursor","bars":[{"ts","open",…}]}: Jackson's streaming generator. */
    private static final class JsonBars implements BarStream.BarWriter {
        private final JsonGenerator json;

        JsonBars(OutputStream out, ObjectMapper mapper, Page page) throws IOException {
            json = mapper.getFactory().createGenerator(out);
            json.writeStartObject();
            json.writeStringField("ticker", page.query().ticker());
            json.writeStringField("timeframe", page.query().timeframe().code());
            json.writeStringField("from", page.query().from().toString());
            json.writeStringField("to", page.query().to().toString());
            json.writeBooleanField("adjusted", page.query().adjusted());
            json.writeNumberField("count", page.count());
            json.writeStringField("nextCursor", page.nextCursor());
            json.writeArrayFieldStart("bars");
        }

        @Override
        public void bar(Bar bar) throws IOException {
            json.writeStartObject();
            json.writeStringField("ts", bar.ts().toString());
            json.writeNumberField("open", bar.open());
            json.writeNumberField("high", bar.high());
            json.writeNumberField("low", bar.low());
            json.writeNumberField("close", bar.close());
            json.writeNumberField("volume", bar.volume());
            json.writeFieldName("vwap");
            if (bar.vwap() == null) {
                json.writeNull();
            } else {
                json.writeNumber(bar.vwap());
            }
            json.writeFieldName("trades");
            if (bar.trades() == null) {
                json.writeNull();
            } else {
                json.writeNumber(bar.trades());
            }
            json.writeEndObject();
        }

        @Override
        public void flush() throws IOException {
            json.flush();
        }

        @Override
        public void finish() throws IOException {
            json.writeEndArray();
            json.writeEndObject();
            json.close();
        }
    }

    /**
     * A header line and one line per bar. Written directly: every field is a number or an ISO
     * instant, so nothing ever needs quoting. An absent vwap or trades is an empty field.
     */
    private static final class CsvBars implements BarStream.BarWriter {
        private final Writer csv;

        CsvBars(OutputStream out) throws IOException {
            csv = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            csv.write("ts,open,high,low,close,volume,vwap,trades\n");
        }

        @Override
        public void bar(Bar bar) throws IOException {
            csv.write(bar.ts().toString());
            for (Object value : new Object[] {bar.open(), bar.high(), bar.low(), bar.close(), bar.volume(), bar.vwap(),
                bar.trades()}) {
                csv.write(',');
                csv.write(value == null ? "" : value.toString());
            }
            csv.write('\n');
        }

        @Override
        public void flush() throws IOException {
            csv.flush();
        }

        @Override
        public void finish() throws IOException {
            csv.close();
        }
    }
}
