package tickertape.bars;

/** Told after a batch commits which series it changed, e.g. so a latest-bar cache drops its entry. */
@FunctionalInterface
public interface BarWriteListener {
    void barsWritten(String ticker, String timeframe);
}
