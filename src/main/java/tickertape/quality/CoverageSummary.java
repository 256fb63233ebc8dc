package tickertape.quality;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The coverage of every configured series over the same window [from, to), as checked at {@code checkedAt}:
 * what {@code GET /api/v2/data/quality?from=..&to=..} reports as coverage and gaps, in short.
 */
public record CoverageSummary(Instant from, Instant to, Instant checkedAt, List<SeriesCoverage> series) {

    public Optional<SeriesCoverage> of(String ticker, String timeframe) {
        return series.stream()
                .filter(one -> one.ticker().equals(ticker) && one.timeframe().equals(timeframe))
                .findFirst();
    }
}
