package tickertape.quality;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import tickertape.api.ApiProblem;
import tickertape.api.ClientInput;
import tickertape.ingest.TickerRoutes;
import tickertape.ingest.TickerRoutes.TickerBlock;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;

/**
 * Turns the quality endpoints' query parameters into the series and window to check. Every parameter
 * is optional: all configured tickers, all timeframes, the last {@code defaultDays} days. A window may
 * span at most {@value #MAX_DAYS} days, which keeps one request to a few seconds even for a year of 1m.
 */
final class QualityRequests {
    static final int MAX_DAYS = 366;

    /** The series (tickers × timeframes) and the window [from, to) a report or a repair covers. */
    record QualityRequest(List<String> tickers, List<Timeframe> timeframes, Instant from, Instant to) {
    }

    private final TickerRoutes tickerRoutes;
    private final QualityStore store;
    private final Clock clock;
    private final int defaultDays;

    QualityRequests(TickerRoutes tickerRoutes, QualityStore store, Clock clock, int defaultDays) {
        this.tickerRoutes = tickerRoutes;
        this.store = store;
        this.clock = clock;
        this.defaultDays = defaultDays;
    }

    /**
     * {@code from} and {@code to} are dates (New York days, {@code to} included) or ISO-8601 instants.
     *
     * @throws ApiProblem 400 for a malformed parameter or window, 404 for a ticker the store does not know
     */
    QualityRequest parse(String ticker, String timeframe, String from, String to) throws SQLException {
        Instant end = to == null ? clock.instant() : ClientInput.instant("to", to, true);
        Instant start = from == null ? daysBefore(end, defaultDays) : ClientInput.instant("from", from, false);
        if (!start.isBefore(end)) {
            throw ApiProblem.invalidParameter("from", "from must be before to");
        }
        if (Duration.between(start, end).compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
            throw ApiProblem.invalidParameter("from", "the window may span at most " + MAX_DAYS + " days");
        }
        return new QualityRequest(tickers(ticker), timeframes(timeframe), start, end);
    }

    /** Every configured ticker and timeframe over the last {@code days} days. */
    QualityRequest recent(int days) {
        return recent(tickerRoutes.configuredSymbols(), days);
    }

    /**
     * The tickers whose routes run (not a block set inactive: its schedules are off, and one never
     * started is not even registered) and every timeframe over the last {@code days} days.
     */
    QualityRequest recentOfActive(int days) {
        return recent(tickerRoutes.activeBlocks().stream().map(TickerBlock::symbol).sorted().toList(), days);
    }

    private QualityRequest recent(List<String> tickers, int days) {
        Instant now = clock.instant();
        return new QualityRequest(tickers, List.of(Timeframe.values()), daysBefore(now, days), now);
    }

    /** Configured tickers by default; a named one may also be a ticker removed from the YAML whose bars stay. */
    private List<String> tickers(String ticker) throws SQLException {
        if (ticker == null || ticker.isBlank()) {
            return tickerRoutes.configuredSymbols();
        }
        TreeSet<String> known = new TreeSet<>(tickerRoutes.configuredSymbols());
        known.addAll(store.registeredTickers());
        if (!known.contains(ticker)) {
            throw new ApiProblem(404, "unknown-ticker", "Unknown ticker",
                    "'" + ticker + "' is not a ticker tickertape keeps (routes/tickers.camel.yaml)", "ticker");
        }
        return List.of(ticker);
    }

    private static List<Timeframe> timeframes(String timeframe) {
        if (timeframe == null || timeframe.isBlank()) {
            return List.of(Timeframe.values());
        }
        return List.of(Timeframe.ofCode(timeframe).orElseThrow(() -> ApiProblem.invalidParameter("timeframe",
                "'" + timeframe + "' is not a timeframe (" + String.join(" ", codes()) + ")")));
    }

    /** Midnight in New York {@code days} days before {@code instant}'s day. */
    private static Instant daysBefore(Instant instant, int days) {
        return instant.atZone(ExchangeCalendar.ZONE).toLocalDate().minusDays(days)
                .atStartOfDay(ExchangeCalendar.ZONE).toInstant();
    }

    private static List<String> codes() {
        return Arrays.stream(Timeframe.values()).map(Timeframe::code).toList();
    }
}
