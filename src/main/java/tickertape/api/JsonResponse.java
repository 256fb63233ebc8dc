package tickertape.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.nio.ByteBuffer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The body of an answer as JSON (the {@code api-json} route of routes/api.camel.yaml), in a
 * {@link ByteBuffer}: platform-http-vertx sends a ByteBuffer body with a Content-Length in one write.
 * Any other body but a String or a Vert.x Buffer it converts to an InputStream first (a byte[] too;
 * and Camel's JSON marshal leaves a stream), which it pumps chunk by chunk between the event loop and a
 * worker thread: with the marshal, that was about a third of the latest-bar request's CPU.
 */
public final class JsonResponse implements Processor {
    private final ObjectWriter writer;

    public JsonResponse(ObjectMapper mapper) {
        this.writer = mapper.writer();
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        Message message = exchange.getMessage();
        message.setBody(ByteBuffer.wrap(writer.writeValueAsBytes(message.getBody())));
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
    }
}
