package tickertape.metrics;

import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.http.HttpUtil;
import tickertape.api.ApiGuard;
import tickertape.api.RestVerbs;

/**
 * Times every request the REST API answers, by REST verb id and HTTP status, into
 * {@code tickertape_api_requests_seconds}, and each refusal by a rate limit into
 * {@code tickertape_api_rate_limited_total}. An event notifier rather than a step in each route, so a
 * verb added later is measured without anyone remembering to.
 */
public class ApiLatency extends EventNotifierSupport {
    private final Metrics metrics;
    /** Finds the verb by the exchange's route: its id is not the verb's when Camel inlines the verb's direct route. */
    private final RestVerbs verbs;

    public ApiLatency(Metrics metrics, RestVerbs verbs) {
        this.metrics = metrics;
        this.verbs = verbs;
        // Only the end of an exchange matters here; Camel then skips building the other events for us.
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return (event.getType() == CamelEvent.Type.ExchangeCompleted || event.getType() == CamelEvent.Type.ExchangeFailed)
                && ((ExchangeEvent) event).getExchange().getFromEndpoint() instanceof PlatformHttpEndpoint;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((ExchangeEvent) event).getExchange();
        // The status the HTTP consumer answers with: as set by the route, else 500 on failure, 204 without a body.
        int status = HttpUtil.determineResponseCode(exchange, exchange.getMessage().getBody());
        long nanos = exchange.getClock().elapsed() * 1_000_000;
        metrics.apiRequest(verbs.policyOf(exchange).verbId(), status, nanos);
        String limit = exchange.getProperty(ApiGuard.RATE_LIMITED, String.class);
        if (limit != null) {
            metrics.apiRateLimited(limit);
        }
    }
}
