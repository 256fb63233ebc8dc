package tickertape.bench;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tickertape.bars.BarBatch;
import tickertape.bars.BarRow;
import tickertape.bars.BarStore;
import tickertape.sandbox.Aggregate;

/**
 * The seed system's write figures (docs/POLYGON.md): one bar, and 50 bars, written as the app writes
 * them (BarStore: one transaction, upsert + roll-up of 5m..4h, fsync on), each repetition new bars.
 */
final class SeedBench {
    private final Store store;

    SeedBench(Store store) {
        this.store = store;
    }

    Map<String, Object> run(int reps) throws Exception {
        store.addTicker("SPY");
        BarStore barStore = new BarStore(store.dataSource(), List.of());
        List<Double> single = Stats.list();
        List<Double> bulk = Stats.list();
        LocalDate day = LocalDate.of(2020, 1, 2);
        for (int rep = 0; rep < reps + 3; rep++) {
            List<Aggregate> bars = List.of();
            while (bars.size() < 100) {
                day = day.plusDays(1);
                bars = Series.SOURCE.minuteBars("SPY", day);
            }
            List<BarRow> rows = Store.rows("SPY", bars);
            double one = write(barStore, rows.subList(0, 1));
            double fifty = write(barStore, rows.subList(50, 100));
            if (rep >= 3) { // the first few warm up the JIT and the statement cache
                single.add(one);
                bulk.add(fifty);
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("single_insert_ms", Stats.sig(Stats.median(single)));
        figures.put("bulk_50_ms", Stats.sig(Stats.median(bulk)));
        figures.put("repetitions", reps);
        store.reset();
        return figures;
    }

    private static double write(BarStore barStore, List<BarRow> rows) throws Exception {
        long start = System.nanoTime();
        barStore.write(new BarBatch(List.of(Store.page("SPY", new ArrayList<>(rows)))));
        return (System.nanoTime() - start) / 1e6;
    }
}
