package tickertape.api.trading;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Amounts as the schema keeps them, numeric(20,6): exact decimals, rounded half-even to 6 places. */
final class Money {
    static final int SCALE = 6;

    private Money() {
    }

    static BigDecimal round(BigDecimal amount) {
        return amount.setScale(SCALE, RoundingMode.HALF_EVEN);
    }

    /** Without trailing zeros (100.000000 shows as 100), never in exponent form. */
    static BigDecimal shown(BigDecimal amount) {
        if (amount == null) {
            return null;
        }
        BigDecimal stripped = amount.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
