package tickertape.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Problem responses for what the HTTP server refuses before any route runs: an unknown path (404),
 * a verb the path does not serve (405, with {@code Allow}), a {@code Content-Type} or
 * {@code Accept} the verb does not declare (415, 406), a body over {@code camel.server.max-body-size}
 * (413), a request it cannot read (400, also when its URI does not decode).
 *
 * <p>Vert.x answers these with HTML or an empty body, from error handlers of its root router,
 * which Camel does not expose. So a last, catch-all route on the API router answers every request
 * no verb matched, telling 404 from 405/415/406 with the REST model, and its failure handler
 * answers the failures of the routes before it.
 */
public class PlatformHttpProblems implements StartupListener {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformHttpProblems.class);
    private static final int MAX_INSTANCE_LENGTH = 256;
    private static final String UNREADABLE = "The request could not be read (a path or query that does not decode?).";
    private static final String TOO_LARGE = "The body is larger than this server accepts.";

    private final RestVerbs verbs;
    private final ObjectMapper json;

    public PlatformHttpProblems(RestVerbs verbs, ObjectMapper json) {
        this.verbs = verbs;
        this.json = json;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        for (VertxPlatformHttpRouter router : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            if (router.isMainServer()) {
                router.route().last().handler(this::unmatched).failureHandler(this::failed);
                answerRootFailures(router);
            }
        }
    }

    /**
     * A request whose path or query Vert.x cannot decode ({@code /api/%ZZ}, {@code ?limit=%ZZ}) fails
     * while it is routed, before any route's handler runs; such failures reach the routers' error
     * handlers (Vert.x's default answers a text/plain "Bad Request"). Both the API's router and the
     * server's root router, which the API's is mounted on, get ours.
     */
    private void answerRootFailures(VertxPlatformHttpRouter router) {
        Handler<HttpServerRequest> root = router.getServer() == null || router.getServer().getServer() == null
                ? null : router.getServer().getServer().requestHandler();
        // The handler is chosen by the status Vert.x settled on; the context it gets may not carry it.
        Map<Integer, Handler<RoutingContext>> handlers = Map.of(
                400, routing -> answer(routing, 400, UNREADABLE),
                413, routing -> answer(routing, 413, TOO_LARGE),
                500, this::failed);
        handlers.forEach((status, handler) -> {
            router.errorHandler(status, handler);
            if (root instanceof Router rootRouter) {
                rootRouter.errorHandler(status, handler);
            }
        });
        if (!(root instanceof Router)) {
            LOG.warn("The HTTP server's root router is not reachable: undecodable paths get Vert.x's own answer");
        }
    }

    private void unmatched(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        List<RestVerbs.Verb> atPath = verbs.verbsAt(request.path());
        if (atPath.isEmpty()) {
            answer(routing, 404, "No endpoint at this path; the API is described at /api/openapi.json.");
            return;
        }
        List<RestVerbs.Verb> withMethod = atPath.stream()
                .filter(verb -> verb.method().equals(request.method().name())).toList();
        if (withMethod.isEmpty()) {
            routing.response().putHeader("Allow",
                    String.join(", ", new TreeSet<>(atPath.stream().map(RestVerbs.Verb::method).toList())));
            answer(routing, 405, request.method().name() + " is not served at this path.");
        } else if (withMethod.stream().anyMatch(verb -> !accepts(verb, request.getHeader("Content-Type")))) {
            answer(routing, 415, "This endpoint takes " + withMethod.get(0).consumes() + ".");
        } else {
            answer(routing, 406, "No representation of this resource matches the Accept header.");
        }
    }

    private void failed(RoutingContext routing) {
        int status = routing.statusCode() > 0 ? routing.statusCode()
                : routing.failure() instanceof HttpException refusal ? refusal.getStatusCode() : 500;
        switch (status) {
            case 400 -> answer(routing, 400, UNREADABLE);
            case 413 -> answer(routing, 413, TOO_LARGE);
            default -> answer(routing, 500, null);
        }
    }

    private static boolean accepts(RestVerbs.Verb verb, String contentType) {
        if (verb.consumes() == null) {
            return true;
        }
        String mediaType = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        for (String accepted : verb.consumes().split(",")) {
            if (accepted.trim().toLowerCase(Locale.ROOT).equals(mediaType)) {
                return true;
            }
        }
        return false;
    }

    private void answer(RoutingContext routing, int status, String detail) {
        HttpServerResponse response = routing.response();
        if (response.headWritten()) {
            return;
        }
        String path = truncate(routing.request().path());
        String requestId = UUID.randomUUID().toString();
        Problem problem = Problem.ofStatus(status, detail, path, requestId);
        if (problem.status() >= 500) {
            LOG.error("{} {} failed (request id {})", routing.request().method(), path, requestId, routing.failure());
        }
        try {
            response.setStatusCode(problem.status())
                    .putHeader("Content-Type", problem.mediaType())
                    .end(json.writeValueAsString(problem.body()));
        } catch (JsonProcessingException e) {
            response.setStatusCode(500).end();
        }
    }

    private static String truncate(String path) {
        if (path == null) {
            return "";
        }
        return path.length() <= MAX_INSTANCE_LENGTH ? path : path.substring(0, MAX_INSTANCE_LENGTH) + "…";
    }
}
