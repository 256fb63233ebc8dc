package tickertape.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Calls a sandbox server the way the app's Polygon route does: Bearer key, following next_url. */
final class SandboxClient {

    static final String KEY = "sandbox-test-key";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper mapper = new ObjectMapper();
    private final String baseUrl;

    SandboxClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    record Reply(int status, String body, JsonNode json) {
    }

    /** GET {@code pathAndQuery} on the server with {@code Authorization: Bearer <KEY>}. */
    Reply get(String pathAndQuery) {
        return send(URI.create(baseUrl + pathAndQuery), Optional.of("Bearer " + KEY));
    }

    Reply send(URI uri, Optional<String> authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        authorization.ifPresent(value -> request.header("Authorization", value));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), mapper.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every page of {@code pathAndQuery}, following next_url (which must never carry a key) until absent. */
    List<Reply> allPages(String pathAndQuery) {
        List<Reply> pages = new ArrayList<>();
        Reply page = get(pathAndQuery);
        pages.add(page);
        while (page.json().has("next_url")) {
            String next = page.json().get("next_url").asText();
            assertThat(next).startsWith(baseUrl).doesNotContain("apiKey").doesNotContain(KEY);
            page = send(URI.create(next), Optional.of("Bearer " + KEY));
            pages.add(page);
        }
        return pages;
    }

    /** The bars of every page of {@code pathAndQuery}, in the order served. */
    List<Aggregate> allBars(String pathAndQuery) {
        return allPages(pathAndQuery).stream().flatMap(page -> bars(page).stream()).toList();
    }

    static List<Aggregate> bars(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<Aggregate> bars = new ArrayList<>();
        reply.json().path("results").forEach(bar -> bars.add(new Aggregate(
                bar.get("t").asLong(), bar.get("o").asDouble(), bar.get("h").asDouble(), bar.get("l").asDouble(),
                bar.get("c").asDouble(), bar.get("v").asDouble(), bar.get("vw").asDouble(), bar.get("n").asLong())));
        return bars;
    }
}
