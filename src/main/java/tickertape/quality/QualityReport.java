package tickertape.quality;

import java.time.Instant;
import java.util.List;

/**
 * The answer of {@code GET /api/v2/data/quality}: one entry per series over [from, to).
 *
 * @param refreshInterval the longest wait between two refreshes during a session (ISO-8601, PT15M), read
 *     from the refresh schedule; a series may lag twice that before it is stale
 */
public record QualityReport(Instant from, Instant to, Instant checkedAt, String refreshInterval,
                            List<SeriesQuality> series) {
}
