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
    /** System.nanoTime until which this instance's claim holds: its lease, counted from before it was taken or renewed. */
    private volatile long claimHeldUntil;
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

    /** This instance fetches the ticker's splits, from {@code firstPageUrl} on, holding the claim until {@code heldUntil}. */
    void claimed(String firstPageUrl, long heldUntil) {
        claimed = true;
        claimHeldUntil = heldUntil;
        pointAt(firstPageUrl);
    }

    boolean isClaimed() {
        return claimed;
    }

    /** The claim was renewed: held until {@code heldUntil} (System.nanoTime). */
    void claimRenewed(long heldUntil) {
        claimHeldUntil = heldUntil;
    }

    /**
     * This instance still holds its claim: renewed within the lease. Once the lease has run out (the
     * database was away longer than it), another instance may have claimed the ticker.
     */
    boolean holdsClaim() {
        return claimed && System.nanoTime() - claimHeldUntil < 0;
    }

    /** A page is sent only while the claim holds, so two instances never both ask. */
    @Override
    public boolean stillWanted() {
        return holdsClaim();
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
