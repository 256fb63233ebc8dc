package tickertape.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import tickertape.api.market.ApiTestSupport;
import tickertape.ingest.RunTrigger;
import tickertape.ingest.RunsEnded;
import tickertape.ingest.SeriesPlanner;
import tickertape.keys.ApiKeys;
import tickertape.keys.Role;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;

/**
 * The app (one per test class) ingesting from a {@link FakePolygon} only what a test asks for (no ticker
 * blocks), with a budget no test reaches, and its Polygon-shaped reads set beside the fake's own answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class FakePolygonApiTestSupport extends ApiTestSupport {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

    // Assigned while the test support's constructor asks for the properties (no initialisers: see AppTestSupport).
    protected FakePolygon fake;

    @Override
    protected final Properties extraProperties() {
        fake = new FakePolygon("pk_" + getClass().getSimpleName());
        Properties properties = new Properties();
        properties.put("polygon.api-key", fake.expectedKey());
        properties.put("polygon.base-url", fake.baseUrl());
        properties.put("polygon.requests-per-window", "100");
        properties.put("polygon.budget-window-millis", "1000");
        // small pages, so the ingestion itself follows next_url too
        properties.put("polygon.page-limit", "500");
        // no configured tickers: only what the test ingests is in the store
        properties.put("camel.main.routes-include-pattern", ROUTES_WITHOUT_TICKERS);
        return properties;
    }

    @AfterAll
    void closeFake() {
        if (fake != null) {
            fake.close();
        }
    }

    /**
     * Ingests {@code ticker}'s New York days from {@code first} to {@code last} in each of {@code timeframes}
     * (manual runs, as POST /api/v2/data/ingest queues them) and waits for the runs to end.
     */
    protected void ingest(String ticker, LocalDate first, LocalDate last, Timeframe... timeframes) {
        Instant from = first.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant();
        Instant to = last.plusDays(1).atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant().minusMillis(1);
        SeriesPlanner planner = context.getRegistry().lookupByNameAndType("seriesPlanner", SeriesPlanner.class);
        NotifyBuilder ended = RunsEnded.after(context, timeframes.length);
        template.sendBody("direct:queue-jobs", Arrays.stream(timeframes)
                .map(timeframe -> planner.window(RunTrigger.MANUAL, ticker, timeframe, from, to)).toList());
        assertThat(ended.matches(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("the %d runs of %s ended within %s", timeframes.length, ticker, RUN_TIMEOUT).isTrue();
    }

    /**
     * All pages of a request, following next_url; ours with an ML key as Bearer, the fake's with its key.
     * Our next_url stays on our address and carries no key.
     */
    protected List<JsonNode> pages(String url, boolean ours) throws Exception {
        List<JsonNode> pages = new ArrayList<>();
        String next = url;
        while (next != null) {
            assertThat(pages.size()).as("pages of " + url).isLessThan(100);
            String key = ours ? apiKey(Role.ML) : fake.expectedKey();
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(next))
                    .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(next + ": " + response.body()).isEqualTo(200);
            JsonNode page = JSON.readTree(response.body());
            pages.add(page);
            next = page.hasNonNull("next_url") ? page.path("next_url").asText() : null;
            if (ours && next != null) {
                assertThat(next).as("next_url").startsWith(baseUrl()).doesNotContainIgnoringCase("apikey")
                        .doesNotContain(key);
            }
        }
        return pages;
    }

    /** The bars of every page of a request (see {@link #pages}). */
    protected List<JsonNode> results(String url, boolean ours) throws Exception {
        List<JsonNode> bars = new ArrayList<>();
        pages(url, ours).forEach(page -> page.path("results").forEach(bars::add));
        return bars;
    }

    protected String apiKey(Role role) throws Exception {
        return key(context.getRegistry().findSingleByType(ApiKeys.class), role);
    }
}
