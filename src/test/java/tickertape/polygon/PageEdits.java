package tickertape.polygon;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The edits {@link FakePolygon.Fault}s make to a real (sandbox) page. Numbers are read as exact decimals
 * and written plain, so every value an edit does not touch keeps its exact text ({@code 70790813.0} stays
 * as it is), and the field order of the page is kept.
 */
final class PageEdits {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();
    /** Added to whole volumes so that every volume of the page is fractional; exact in binary. */
    private static final BigDecimal QUARTER = new BigDecimal("0.25");
    private static final long SHUFFLE_SEED = 20_240_311L;

    static final String IDENTITY = "identity";
    static final String TRUNCATED = "truncated";
    static final String DELAYED_STATUS = "delayedStatus";
    static final String EMPTY_WINDOW = "emptyWindow";
    static final String DUPLICATED_AND_SHUFFLED = "duplicatedAndShuffled";
    static final String FRACTIONAL_VOLUME_AND_MISSING_VW_N = "fractionalVolumeAndMissingVwN";

    /** The edits by name: WireMock carries a name from the decision to the response, not a function. */
    private static final Map<String, UnaryOperator<byte[]>> EDITS = Map.of(
            IDENTITY, UnaryOperator.identity(),
            TRUNCATED, PageEdits::truncated,
            DELAYED_STATUS, PageEdits::delayedStatus,
            EMPTY_WINDOW, PageEdits::emptyWindow,
            DUPLICATED_AND_SHUFFLED, PageEdits::duplicatedAndShuffled,
            FRACTIONAL_VOLUME_AND_MISSING_VW_N, PageEdits::fractionalVolumeAndMissingVwN);

    private PageEdits() {
    }

    static UnaryOperator<byte[]> named(String name) {
        UnaryOperator<byte[]> edit = EDITS.get(name);
        if (edit == null) {
            throw new IllegalArgumentException("no page edit named " + name);
        }
        return edit;
    }

    /** The page with {@code edit} applied to its top-level object, written back compactly. */
    static byte[] rewrite(byte[] page, Consumer<ObjectNode> edit) {
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(page);
            edit.accept(json);
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException("the sandbox served a page that is not JSON", e);
        }
    }

    /** {@code "status":"DELAYED"}, as a free plan gets; the bars are unchanged. */
    static byte[] delayedStatus(byte[] page) {
        return rewrite(page, json -> json.put("status", "DELAYED"));
    }

    /** The page of a window without trades: no {@code results} and no {@code next_url} key, counts zero. */
    static byte[] emptyWindow(byte[] page) {
        return rewrite(page, json -> {
            json.remove("results");
            json.remove("next_url");
            json.put("queryCount", 0);
            json.put("resultsCount", 0);
            json.put("count", 0);
        });
    }

    /**
     * Every other bar (indexes 0, 2, 4…) appears twice, then all are shuffled with a fixed seed;
     * {@code resultsCount} and {@code count} give the new length, {@code next_url} is kept.
     */
    static byte[] duplicatedAndShuffled(byte[] page) {
        return rewrite(page, json -> {
            List<JsonNode> bars = new ArrayList<>();
            json.path("results").forEach(bars::add);
            int original = bars.size();
            for (int i = 0; i < original; i += 2) {
                bars.add(bars.get(i).deepCopy());
            }
            Collections.shuffle(bars, new Random(SHUFFLE_SEED));
            if (json.has("results")) {
                ArrayNode results = json.putArray("results");
                bars.forEach(results::add);
            }
            json.put("resultsCount", bars.size());
            json.put("count", bars.size());
        });
    }

    /**
     * Whole volumes get {@code .25} added, so every {@code v} is fractional; {@code vw} is dropped from
     * bars at even indexes (0, 2, 4…), {@code n} from bars at indexes divisible by 3 (0, 3, 6…): some
     * bars lack both, some one, some neither. {@code t}, {@code o}, {@code h}, {@code l}, {@code c} are
     * kept.
     */
    static byte[] fractionalVolumeAndMissingVwN(byte[] page) {
        return rewrite(page, json -> {
            int index = 0;
            for (JsonNode node : json.path("results")) {
                ObjectNode bar = (ObjectNode) node;
                BigDecimal volume = bar.get("v").decimalValue();
                if (volume.stripTrailingZeros().scale() <= 0) {
                    bar.put("v", volume.add(QUARTER));
                }
                if (index % 2 == 0) {
                    bar.remove("vw");
                }
                if (index % 3 == 0) {
                    bar.remove("n");
                }
                index++;
            }
        });
    }

    /** The first half of the page's bytes: JSON cut in the middle, never valid. */
    static byte[] truncated(byte[] page) {
        return Arrays.copyOf(page, page.length / 2);
    }

    /** Replaces every occurrence of one base URL by another (only {@code next_url} holds one). */
    static byte[] rebase(byte[] page, String from, String to) {
        String text = new String(page, StandardCharsets.UTF_8);
        return text.contains(from) ? text.replace(from, to).getBytes(StandardCharsets.UTF_8) : page;
    }
}
