package tickertape.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tickertape.market.Timeframe;

/** Derived bars (5m 15m 1h 4h) against their 1m bars, on a day ingested through the app from the fake source. */
class DerivedConsistencyTest extends QualityTestSupport {
    private static final LocalDate DAY = LocalDate.of(2024, 3, 5);
    private static final String DATE = DAY.toString();

    private boolean ingested;

    /** Once per class, but after the app has started (Camel's test support starts it before each test). */
    @BeforeEach
    void ingestADayOfTwoTickers() throws Exception {
        if (ingested) {
            return;
        }
        ingested = true;
        for (String ticker : new String[] {"ROLL", "BENT"}) {
            addTicker(ticker);
            assertThat(ingest(ticker, Timeframe.M1, newYorkInstant(DAY, "00:00"),
                    newYorkInstant(DAY.plusDays(1), "00:00").minusMillis(1))).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void aDayIngestedFromTheSourceIsCompleteAndItsRollUpsAgreeWithItsMinutes() throws Exception {
        for (Timeframe timeframe : Timeframe.values()) {
            if (timeframe == Timeframe.D1) {
                continue;
            }
            JsonNode series = quality("ROLL", timeframe.code(), DATE, DATE);
            assertThat(series.path("missingBars").asInt()).as(timeframe.code()).isZero();
            assertThat(series.path("coveragePercent").asDouble()).as(timeframe.code()).isEqualTo(100.0);
            if (timeframe.isDerivedFromMinutes()) {
                assertThat(series.path("derivedMismatches").path("buckets").asInt()).as(timeframe.code()).isZero();
            }
        }
    }

    @Test
    void eachCorruptedDerivedBarIsOneDisagreementOfItsTimeframeOnly() throws Exception {
        execute("update market_bar set volume = volume * 1.000001 where ticker = 'BENT' and timeframe = '5m'"
                + " and ts = " + newYork(DAY, "10:05"));
        execute("update market_bar set high = high + 0.01 where ticker = 'BENT' and timeframe = '1h'"
                + " and ts = " + newYork(DAY, "13:00"));

        JsonNode fiveMinutes = quality("BENT", "5m", DATE, DATE).path("derivedMismatches");
        JsonNode hours = quality("BENT", "1h", DATE, DATE).path("derivedMismatches");
        JsonNode fifteenMinutes = quality("BENT", "15m", DATE, DATE).path("derivedMismatches");

        assertThat(fiveMinutes.path("buckets").asInt()).isEqualTo(1);
        assertThat(fiveMinutes.path("examples").get(0).asText()).isEqualTo(newYorkInstant(DAY, "10:05").toString());
        assertThat(hours.path("buckets").asInt()).isEqualTo(1);
        assertThat(hours.path("examples").get(0).asText()).isEqualTo(newYorkInstant(DAY, "13:00").toString());
        assertThat(fifteenMinutes.path("buckets").asInt()).isZero();
    }
}
