package tickertape.bars;

import java.util.List;

/** Whole pages bound for one transaction of {@link BarStore}. */
public record BarBatch(List<BarPage> pages) {
    public int rowCount() {
        return pages.stream().mapToInt(page -> page.rows().size()).sum();
    }
}
