package tickertape.api.ml;

import java.util.List;
import tickertape.api.ApiProblem;
import tickertape.api.market.ClientInput;

/** The most rows one POST of features or predictions may carry (api.ml.max-batch-rows). */
public record BatchLimits(int maxRows) {

    /** The rows, unless there are none (400) or more than {@link #maxRows} (413). */
    public <T> List<T> requireBatchSize(List<T> rows) {
        ClientInput.check(rows != null && !rows.isEmpty(), "body", "must be a non-empty JSON array of rows");
        if (rows.size() > maxRows) {
            throw new ApiProblem(413, "too-many-rows", "Too many rows",
                    rows.size() + " rows in one request; send at most " + maxRows + " per request", "body");
        }
        return rows;
    }
}
