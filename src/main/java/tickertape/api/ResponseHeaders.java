package tickertape.api;

import java.util.Locale;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * Which message headers become HTTP response headers: only those the API sets on purpose. Camel
 * turns a request's query parameters and headers into message headers, and platform-http would
 * otherwise send them all back (a {@code ?ticker=SPY} came back as a {@code ticker: SPY} header).
 * Content-Type and Content-Length are written by platform-http itself. The request direction keeps
 * platform-http's own filter.
 */
public final class ResponseHeaders extends HttpHeaderFilterStrategy {
    private static final Set<String> SENT = Set.of(
            "cache-control", "etag", "link", "location", "allow", "retry-after", "ratelimit", "ratelimit-policy",
            "www-authenticate", "content-security-policy", "content-disposition", "vary");

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !SENT.contains(headerName.toLowerCase(Locale.ROOT));
    }
}
