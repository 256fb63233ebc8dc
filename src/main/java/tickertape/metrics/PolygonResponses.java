package tickertape.metrics;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Counts each HTTP exchange with Polygon by its status into {@code tickertape_polygon_requests_total}.
 * Camel reports every send to the polygon-call route's http endpoint once it ends, with or without a
 * response, so one listener sees every attempt (retries included) and counts one that got no answer
 * (timeout, reset, refused) as status 0, which no step after the endpoint would see.
 */
public class PolygonResponses extends EventNotifierSupport {
    private final Metrics metrics;
    private final String polygonEndpoint;

    /** @param polygonEndpoint the route's http endpoint, {@code polygon.http-endpoint} (its base URI) */
    public PolygonResponses(Metrics metrics, String polygonEndpoint) {
        this.metrics = metrics;
        this.polygonEndpoint = polygonEndpoint;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
    }

    /** Camel times a send, and so reports it sent, only when a notifier also takes its sending event. */
    @Override
    public boolean isEnabled(CamelEvent event) {
        if (event instanceof ExchangeSendingEvent sending) {
            return polygonEndpoint.equals(sending.getEndpoint().getEndpointBaseUri());
        }
        return event instanceof ExchangeSentEvent sent && polygonEndpoint.equals(sent.getEndpoint().getEndpointBaseUri());
    }

    @Override
    public void notify(CamelEvent event) {
        if (!(event instanceof ExchangeSentEvent sent)) {
            return;
        }
        Exchange exchange = sent.getExchange();
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        metrics.polygonResponded(exchange.getException() != null || status == null ? 0 : status);
    }
}
