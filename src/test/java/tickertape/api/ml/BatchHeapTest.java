package tickertape.api.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tickertape.api.market.ApiTestSupport;
import tickertape.keys.Role;

/**
 * A batch body as large as the server takes (16 MiB) of empty rows, {@code [{},{},…]}, is millions of
 * rows: it is refused at the row past the limit, without reading the rest into objects. Shown by what
 * the server's threads allocate answering it, beside what they allocate answering the same body with
 * a 415 (the cost of receiving 16 MiB, parsed not at all).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchHeapTest extends ApiTestSupport {
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    /**
     * What the route allocates on top of receiving the body before the bean reads its rows: the body
     * converted to a String and the copies on the way (measured about 7 × the body). Reading the rows
     * whole allocated about 55 × (900 MB to 1.1 GB): every row an object, the list of them.
     */
    private static final long PARSING_ALLOWANCE = 8L * MAX_BODY_BYTES;

    private final String emptyRows = emptyRows();

    @Override
    protected Properties extraProperties() {
        return withoutTickers();
    }

    @Test
    void featuresOfMillionsOfEmptyRowsAre413WithinTheCostOfReceivingThem() throws Exception {
        assertBoundedRefusal("/api/features");
    }

    @Test
    void predictionsOfMillionsOfEmptyRowsAre413WithinTheCostOfReceivingThem() throws Exception {
        assertBoundedRefusal("/api/predictions");
    }

    private void assertBoundedRefusal(String path) throws Exception {
        // each once unmeasured: classes loaded, buffers pooled
        post(path, "application/json");
        post(path, "text/plain");

        long receiving = allocatedAnswering(path, "text/plain", 415);
        long refusing = allocatedAnswering(path, "application/json", 413);

        assertThat(refusing).as("bytes allocated refusing %d bytes of rows (receiving them alone: %d)",
                emptyRows.length(), receiving).isLessThan(receiving + PARSING_ALLOWANCE);
    }

    private long allocatedAnswering(String path, String contentType, int status) throws Exception {
        long before = serverAllocatedBytes();
        Reply reply = post(path, contentType);
        long allocated = serverAllocatedBytes() - before;
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        return allocated;
    }

    private Reply post(String path, String contentType) throws Exception {
        return send(Role.ML, request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(emptyRows)));
    }

    /** Bytes allocated so far by the HTTP server's threads (Vert.x event loops and the workers routes run on). */
    private static long serverAllocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("vert.x-"))
                .mapToLong(Thread::getId).toArray();
        return Arrays.stream(threads.getThreadAllocatedBytes(ids)).filter(bytes -> bytes > 0).sum();
    }

    /** {@code [{},{},…,{}]} of exactly the largest body the server takes. */
    private static String emptyRows() {
        StringBuilder body = new StringBuilder(MAX_BODY_BYTES).append("[{}");
        while (body.length() + 4 <= MAX_BODY_BYTES) {
            body.append(",{}");
        }
        return body.append(']').toString();
    }
}
