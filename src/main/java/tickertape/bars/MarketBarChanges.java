package tickertape.bars;

import java.util.Optional;

/**
 * How a change to market_bar is announced: on channel {@value #CHANNEL}, one announcement per changed
 * series per transaction, its payload the ticker and the timeframe ({@code "SPY 1m"}). The writer sends
 * it inside its transaction (PostgreSQL delivers it only if, and once, the change commits), so every
 * process caching bars hears of every write, whichever process made it.
 */
public final class MarketBarChanges {
    public static final String CHANNEL = "market_bar_changed";
    /** Announces each series of the array given as its one parameter ({@link #payload}s). */
    public static final String ANNOUNCE = "select pg_notify('" + CHANNEL + "', series) from unnest(?::text[]) as series";

    /** A series named in an announcement. */
    public record Series(String ticker, String timeframe) {
    }

    private MarketBarChanges() {
    }

    public static String payload(String ticker, String timeframe) {
        return ticker + " " + timeframe;
    }

    /** The series a payload names; empty for one this version does not understand. */
    public static Optional<Series> series(String payload) {
        String[] parts = payload.split(" ");
        return parts.length == 2 ? Optional.of(new Series(parts[0], parts[1])) : Optional.empty();
    }
}
