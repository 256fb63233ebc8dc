package tickertape.api.trading;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Header;
import tickertape.api.ClientInput;
import tickertape.api.ml.Predictions;
import tickertape.api.ml.Predictions.Prediction;

/**
 * {@code GET /api/trading/signals?ticker}: one trading signal from the latest predictions of the active models.
 *
 * <p>The rule: each latest prediction of an active model is a vote. Its direction is the predicted
 * direction, else the sign of the predicted return (a prediction of a price only does not vote); its
 * weight is its confidence (0.5 when none is given). The score is the mean of direction x weight over
 * the votes, from -1 to 1. The signal is {@code long} when the score reaches the threshold
 * ({@code api.trading.signal-threshold}), {@code short} when it reaches minus the threshold, else
 * {@code flat}; its confidence is the absolute score. No votes: flat with confidence 0.
 */
public final class Signals {
    private static final double UNSTATED_CONFIDENCE = 0.5;

    private final DataSource dataSource;
    private final double threshold;

    public Signals(DataSource dataSource, double threshold) {
        this.dataSource = dataSource;
        this.threshold = threshold;
    }

    public Map<String, Object> signal(@Header("ticker") String ticker) throws SQLException {
        String symbol = ClientInput.ticker("ticker", ticker);
        List<Vote> votes = new ArrayList<>();
        double sum = 0;
        Instant asOf = null;
        for (Prediction prediction : Predictions.latestOfActiveModels(dataSource, symbol)) {
            Integer direction = direction(prediction);
            if (direction == null) {
                continue;
            }
            double weight = prediction.confidence() == null ? UNSTATED_CONFIDENCE : prediction.confidence();
            sum += direction * weight;
            asOf = asOf == null || prediction.ts().isAfter(asOf) ? prediction.ts() : asOf;
            votes.add(new Vote(prediction.model(), prediction.version(), prediction.timeframe(), prediction.ts(),
                    prediction.horizon(), direction, weight));
        }
        double score = votes.isEmpty() ? 0 : sum / votes.size();
        Map<String, Object> signal = new LinkedHashMap<>();
        signal.put("ticker", symbol);
        signal.put("signal", score >= threshold && score > 0 ? "long" : score <= -threshold && score < 0 ? "short" : "flat");
        signal.put("confidence", Math.abs(score));
        signal.put("score", score);
        signal.put("threshold", threshold);
        signal.put("asOf", asOf);
        signal.put("votes", votes);
        return signal;
    }

    /** One model's say in the signal. */
    public record Vote(String model, String version, String timeframe, Instant ts, int horizon, int direction,
                       double weight) {
    }

    private static Integer direction(Prediction prediction) {
        if (prediction.predictedDirection() != null) {
            return prediction.predictedDirection();
        }
        if (prediction.predictedReturn() != null) {
            return (int) Math.signum(prediction.predictedReturn());
        }
        return null;
    }
}
