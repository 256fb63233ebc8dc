package tickertape.bars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tickertape.bars.BarStore.RunCounts;
import tickertape.ingest.IngestionTestSupport;
import tickertape.market.Timeframe;
import tickertape.sandbox.Aggregate;

/**
 * The writer against the real schema: only differences are written and counted, a correction reaches
 * every derived bar above it, and a bucket whose minutes come in two batches is rolled up from both.
 */
class BarStoreTest extends IngestionTestSupport {
    private static final LocalDate FRIDAY = LocalDate.of(2024, 3, 8);
    private static final Instant DAY = midnight(FRIDAY);
    private static final Instant NEXT_DAY = midnight(FRIDAY.plusDays(1));

    @Test
    void theSameBarsAgainAreNoWriteAndNoCount() throws Exception {
        addTicker("SAME");
        List<BarRow> minutes = sourceRows("SAME");

        assertThat(write(minutes)).isEqualTo(new RunCounts(7, minutes.size(), 0, 1));
        String before = updatedAtDigest("SAME");
        assertThat(write(minutes)).isEqualTo(new RunCounts(7, 0, 0, 1));

        assertThat(updatedAtDigest("SAME")).as("no row rewritten").isEqualTo(before);
        assertThat(barCount("SAME", "1m")).isEqualTo(minutes.size());
    }

    @Test
    void aCorrectedMinuteIsUpdatedWithEveryDerivedBarAboveIt() throws Exception {
        addTicker("CORR");
        List<BarRow> minutes = sourceRows("CORR");
        write(minutes);
        BarRow late = minutes.stream().filter(bar -> bar.tsMillis() == newYork("11:07")).findFirst().orElseThrow();
        BarRow corrected = new BarRow(late.ticker(), late.timeframe(), late.tsMillis(), late.open(), late.high() + 5,
                late.low(), late.close(), late.volume() + 1000, late.vwap(), late.trades());

        assertThat(write(List.of(corrected))).isEqualTo(new RunCounts(7, 0, 1, 1));

        assertThat(storedBars("CORR", Timeframe.M1, DAY, NEXT_DAY).get(newYork("11:07")).high()).isEqualTo(late.high() + 5);
        for (Timeframe derived : List.of(Timeframe.M5, Timeframe.M15, Timeframe.H1, Timeframe.H4)) {
            long bucket = derived.bucketStart(Instant.ofEpochMilli(late.tsMillis())).toEpochMilli();
            StoredBar bar = storedBars("CORR", derived, DAY, NEXT_DAY).get(bucket);
            assertThat(bar.high()).as("%s high", derived.code()).isEqualTo(late.high() + 5);
            assertThat(bar).as("%s bar", derived.code()).isEqualTo(rolledUp(minutesWith(minutes, corrected), derived, bucket));
        }
    }

    @Test
    void aBucketWhoseMinutesComeInTwoBatchesIsRolledUpFromBoth() throws Exception {
        addTicker("HALF");
        List<BarRow> minutes = sourceRows("HALF");
        long noon = newYork("12:00");
        write(minutes.stream().filter(bar -> bar.tsMillis() < noon + 7 * 60_000).toList());
        write(minutes.stream().filter(bar -> bar.tsMillis() >= noon + 7 * 60_000).toList());

        for (Timeframe derived : List.of(Timeframe.M15, Timeframe.H1, Timeframe.H4)) {
            long bucket = derived.bucketStart(Instant.ofEpochMilli(noon)).toEpochMilli();
            assertThat(storedBars("HALF", derived, DAY, NEXT_DAY).get(bucket)).as("%s bar at noon", derived.code())
                    .isEqualTo(rolledUp(minutes, derived, bucket));
        }
        assertThat(queryLong("select count(*) from market_bar where ticker = 'HALF' and timeframe <> '1m' "
                + "and source <> 'rollup'")).as("derived bars are marked as rolled up").isZero();
    }

    @Test
    void barsOfADerivedTimeframeAreRefused() throws Exception {
        addTicker("DERV");
        BarRow fiveMinutes = new BarRow("DERV", "5m", newYork("10:00"), 10, 10, 10, 10, 1, 10.0, 1L);

        assertThatThrownBy(() -> store().write(new BarBatch(new ArrayList<>(List.of(
                new BarPage(7, "DERV", "5m", List.of(fiveMinutes), Instant.ofEpochMilli(fiveMinutes.tsMillis()),
                        Instant.ofEpochMilli(fiveMinutes.tsMillis() + 1)))))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rolled up from 1m");
    }

    private RunCounts write(List<BarRow> minutes) throws Exception {
        List<RunCounts> counts = store().write(new BarBatch(new ArrayList<>(List.of(
                new BarPage(7, minutes.get(0).ticker(), "1m", minutes, Instant.ofEpochMilli(minutes.get(0).tsMillis()),
                        Instant.ofEpochMilli(minutes.get(minutes.size() - 1).tsMillis() + 1))))));
        assertThat(counts).hasSize(1);
        return counts.get(0);
    }

    private BarStore store() {
        return new BarStore(dataSource(), List.of());
    }

    private static List<BarRow> sourceRows(String ticker) {
        List<BarRow> rows = new ArrayList<>();
        for (Aggregate bar : sourceMinutes(ticker, FRIDAY, FRIDAY)) {
            rows.add(new BarRow(ticker, "1m", bar.startMillis(), bar.open(), bar.high(), bar.low(), bar.close(),
                    bar.volume(), bar.vwap(), bar.trades()));
        }
        return rows;
    }

    private static List<BarRow> minutesWith(List<BarRow> minutes, BarRow replacement) {
        return minutes.stream().map(bar -> bar.tsMillis() == replacement.tsMillis() ? replacement : bar).toList();
    }

    /** The bar RollUp's cascade gives for one bucket, as the store returns it. */
    private static StoredBar rolledUp(List<BarRow> minutes, Timeframe target, long bucket) {
        List<BarRow> level = minutes;
        for (Timeframe step : List.of(Timeframe.M5, Timeframe.M15, Timeframe.H1, Timeframe.H4)) {
            level = RollUp.bars(step, level);
            if (step == target) {
                break;
            }
        }
        BarRow bar = level.stream().filter(row -> row.tsMillis() == bucket).findFirst().orElseThrow();
        return new StoredBar(bar.tsMillis(), bar.open(), bar.high(), bar.low(), bar.close(), bar.volume(), bar.vwap(),
                bar.trades());
    }

    private String updatedAtDigest(String ticker) throws Exception {
        return String.valueOf(queryLong("select coalesce(sum(extract(epoch from updated_at) * 1000000)::bigint, 0) "
                + "from market_bar where ticker = '" + ticker + "'"));
    }

    private static long newYork(String time) {
        return LocalDateTime.of(FRIDAY, LocalTime.parse(time)).atZone(Timeframe.EXCHANGE_ZONE).toInstant()
                .toEpochMilli();
    }
}
