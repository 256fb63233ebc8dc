package tickertape.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake Polygon that serves pages recorded from the sandbox: the first request for a URL is passed to
 * the sandbox and its answer kept (with next_url pointed back here), every later one is served from
 * memory. So the timed ingest runs measure our pipeline, not the sandbox generating synthetic bars.
 * Counts every request it answers.
 */
final class PageServer implements AutoCloseable {
    static {
        // The JDK server sends headers and body as separate segments: without TCP_NODELAY every
        // response waits for the client's delayed ACK (~40 ms). Read once, at the first server.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final String upstream;
    private final HttpServer server;
    private final ExecutorService workers = Executors.newFixedThreadPool(4, task -> {
        Thread thread = new Thread(task, "page-server");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient client = HttpClient.newHttpClient();
    private final Map<String, byte[]> pages = new ConcurrentHashMap<>();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final String baseUrl;

    PageServer(String upstream) {
        this.upstream = upstream;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(workers);
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String baseUrl() {
        return baseUrl;
    }

    long served() {
        return served.get();
    }

    long misses() {
        return misses.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        served.incrementAndGet();
        try {
            String pathAndQuery = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            byte[] body = pages.get(pathAndQuery);
            int status = 200;
            if (body == null) {
                misses.incrementAndGet();
                HttpResponse<byte[]> answer = client.send(HttpRequest.newBuilder(URI.create(upstream + pathAndQuery))
                        .header("Authorization", "Bearer bench").build(), HttpResponse.BodyHandlers.ofByteArray());
                status = answer.statusCode();
                body = new String(answer.body(), StandardCharsets.UTF_8).replace(upstream, baseUrl)
                        .getBytes(StandardCharsets.UTF_8);
                if (status == 200) {
                    pages.put(pathAndQuery, body);
                }
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(503, -1);
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
