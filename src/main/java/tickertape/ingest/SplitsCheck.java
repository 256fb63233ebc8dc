package tickertape.ingest;

import java.util.ArrayList;
import java.util.List;
import tickertape.polygon.PolygonRequest;
import tickertape.polygon.PolygonSplit;

/**
 * The state of one ticker's splits check (route fetch-splits), in the exchange property
 * {@value PolygonRequest#PROPERTY}: whether this instance claimed it, the next page, the splits the
 * pages listed so far, and how the fetch ended early (failed, or cut short by a stop).
 */
public class SplitsCheck extends PolygonRequest {
    private final String ticker;
    private final List<PolygonSplit> splits = new ArrayList<>();
    private boolean claimed;
    private String failure;
    private boolean cutShort;

    SplitsCheck(String ticker) {
        this.ticker = ticker;
    }

    /** Splits are not fetched for a run. */
    @Override
    public Long runId() {
        return null;
    }

    @Override
    public String ticker() {
        return ticker;
    }

    /** Splits are not fetched per timeframe. */
    @Override
    public String timeframe() {
        return null;
    }

    /** This instance fetches the ticker's splits, from {@code firstPageUrl} on. */
    void claimed(String firstPageUrl) {
        claimed = true;
        pointAt(firstPageUrl);
    }

    boolean isClaimed() {
        return claimed;
    }

    /** A page's splits, kept until the answer is complete. */
    void listed(List<PolygonSplit> page) {
        splits.addAll(page);
    }

    /** The page asked for next; null: the answer is complete. */
    void nextPage(String url) {
        pointAt(url);
    }

    List<PolygonSplit> splits() {
        return splits;
    }

    /** The fetch ends here: the check is recorded as failed for {@code reason}. */
    void fail(String reason) {
        failure = reason;
        pointAt(null);
    }

    String failure() {
        return failure;
    }

    /** A stop ends the fetch here: the answer is incomplete, and the claim is released. */
    void cutShort() {
        cutShort = true;
        pointAt(null);
    }

    boolean isCutShort() {
        return cutShort;
    }
}
