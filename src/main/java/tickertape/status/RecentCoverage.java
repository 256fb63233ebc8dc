package tickertape.status;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tickertape.quality.CoverageSummary;
import tickertape.quality.DataQuality;

/**
 * The coverage and gaps of every configured series over the last {@code status.quality-days} days, as
 * the status page shows them. Checking them scans each series' bars, so a page render never does: the
 * status-quality-refresh route (routes/status-page.camel.yaml) calls {@link #refresh} on the metrics
 * refresh period and the page reads the last summary.
 */
public class RecentCoverage {
    private static final Logger LOG = LoggerFactory.getLogger(RecentCoverage.class);

    private final DataQuality quality;
    private final int days;
    private final AtomicReference<CoverageSummary> latest = new AtomicReference<>();

    public RecentCoverage(DataQuality quality, int days) {
        if (days < 1) {
            throw new IllegalArgumentException("status.quality-days must be at least 1, not " + days);
        }
        this.quality = quality;
        this.days = days;
    }

    /** Checks every series again; a failure keeps the previous summary (the page says how old it is). */
    public void refresh() {
        try {
            latest.set(quality.recentCoverage(days));
        } catch (Exception e) {
            LOG.warn("Cannot check the recent coverage of the series for the status page: {}", e.toString());
        }
    }

    /** The last summary; empty until the first check has run. */
    Optional<CoverageSummary> latest() {
        return Optional.ofNullable(latest.get());
    }

    int days() {
        return days;
    }
}
