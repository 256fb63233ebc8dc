package tickertape.bars;

/** A validated bar ready for market_bar; {@code vwap} and {@code trades} may be null. */
public record BarRow(String ticker, String timeframe, long tsMillis, double open, double high, double low,
                     double close, double volume, Double vwap, Long trades) {
}
