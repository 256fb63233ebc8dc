package tickertape.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;

/**
 * This machine's limit for an HTTP answer: a bare Vert.x server (the HTTP stack under
 * camel-platform-http-vertx) answering every request with one constant body, from its event loop, with
 * no routing, no auth, no worker hand-off. Measured under the same wrk as the app, in the same run.
 */
final class BareHttpServer implements AutoCloseable {
    private final Vertx vertx;
    private final HttpServer server;

    private BareHttpServer(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /** Serves {@code body} as application/json on a free port of 127.0.0.1. */
    static BareHttpServer start(byte[] body) throws Exception {
        Vertx vertx = Vertx.vertx();
        Buffer answer = Buffer.buffer(body);
        HttpServer server = vertx.createHttpServer()
                .requestHandler(request -> request.response().putHeader("Content-Type", "application/json").end(answer))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new BareHttpServer(vertx, server);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/";
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
