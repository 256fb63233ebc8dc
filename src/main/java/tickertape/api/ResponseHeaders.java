package tickertape.api;

import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * Which message headers reach an HTTP response: platform-http's own filter, except that
 * {@code Cache-Control} passes, because closed market-data ranges and the status page set it on
 * purpose (Camel drops it by default, as a hop header it should not copy from a request).
 */
public final class ResponseHeaders extends HttpHeaderFilterStrategy {
    @Override
    protected void initialize() {
        super.initialize();
        getOutFilter().remove("cache-control");
    }
}
