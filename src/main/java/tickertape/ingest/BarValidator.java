package tickertape.ingest;

import java.time.Instant;
import java.util.Optional;
import tickertape.market.Timeframe;
import tickertape.polygon.PolygonBar;

/**
 * The rules a bar must pass before it is stored (the same rules the bar table's checks enforce,
 * sql/V1__schema.sql, so a bad bar is kept out one at a time instead of failing its whole batch in the
 * database).
 */
final class BarValidator {
    private BarValidator() {
    }

    /** Why the bar is rejected, or empty when it is valid. */
    static Optional<String> problem(PolygonBar bar, Timeframe timeframe) {
        if (bar.t() == Long.MIN_VALUE) {
            return Optional.of("missing timestamp t");
        }
        if (!isPositive(bar.o()) || !isPositive(bar.h()) || !isPositive(bar.l()) || !isPositive(bar.c())) {
            return Optional.of("prices must be positive numbers");
        }
        if (bar.h() < Math.max(bar.o(), bar.c())) {
            return Optional.of("high below open or close");
        }
        if (bar.l() > Math.min(bar.o(), bar.c())) {
            return Optional.of("low above open or close");
        }
        if (!(bar.v() >= 0) || Double.isInfinite(bar.v())) {
            return Optional.of("volume must be a number >= 0");
        }
        if (bar.vw() != null && !isPositive(bar.vw())) {
            return Optional.of("vwap must be positive");
        }
        if (bar.n() != null && bar.n() < 0) {
            return Optional.of("trade count must be >= 0");
        }
        if (!timeframe.isAligned(Instant.ofEpochMilli(bar.t()))) {
            return Optional.of("timestamp not aligned to a " + timeframe.code() + " bucket");
        }
        return Optional.empty();
    }

    private static boolean isPositive(double value) {
        return value > 0 && Double.isFinite(value);
    }
}
