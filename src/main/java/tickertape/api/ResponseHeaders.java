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
 *
 * <p>An allow-list alone let the request set those very headers: platform-http makes every request
 * header and query parameter a message header (through this filter, {@link #applyFilterToExternalHeaders}),
 * so {@code ?Location=https://evil.example} reached the response as a Location. So the names on the
 * list are refused on the way in too: a message header with one of them was set by the API, never by
 * the client. (No endpoint reads a request header of these names; they mean nothing in a request.)
 */
public final class ResponseHeaders extends HttpHeaderFilterStrategy {
    static final Set<String> RESPONSE_HEADERS = Set.of(
            "content-language", "content-disposition", "cache-control", "etag", "last-modified", "link", "location",
            "vary", "allow", "www-authenticate", "retry-after", "ratelimit", "ratelimit-policy",
            "content-security-policy");

    /** To the response: only the headers on the list. */
    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !isResponseHeader(headerName);
    }

    /** From the request (headers, query parameters, form fields): none named like a response header. */
    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return isResponseHeader(headerName) || super.applyFilterToExternalHeaders(headerName, headerValue, exchange);
    }

    private static boolean isResponseHeader(String headerName) {
        return RESPONSE_HEADERS.contains(headerName.toLowerCase(Locale.ROOT));
    }
}
