package tickertape.api;

import java.util.Locale;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * Which message headers reach an HTTP response: only those the API sets on purpose (listed here).
 *
 * <p>Camel keeps a request's headers and query parameters as message headers, and platform-http
 * copies every message header its filter lets through to the response: by default
 * {@code ?ticker=SPY} came back as a response header {@code ticker: SPY}, and a query parameter
 * named {@code Set-Cookie}, {@code Location} or {@code Access-Control-Allow-Origin} would have set
 * that header on our answer. So the response side is an allow-list; a new response header goes here.
 * Content-Type is not on it: platform-http writes that one from the message itself. (Cache-Control,
 * which Camel's own filter drops as a hop header, is on it: closed market-data ranges and the status
 * page set it.)
 */
public final class ResponseHeaders extends HttpHeaderFilterStrategy {
    static final Set<String> RESPONSE_HEADERS = Set.of(
            "content-language", "content-disposition", "cache-control", "etag", "last-modified", "link", "location",
            "vary", "allow", "www-authenticate", "retry-after", "ratelimit", "ratelimit-policy",
            "content-security-policy");

    /** The response direction only; request headers pass platform-http's own filter, inherited. */
    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !RESPONSE_HEADERS.contains(headerName.toLowerCase(Locale.ROOT));
    }
}
