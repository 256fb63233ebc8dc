package tickertape.status;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the status page writes times (UTC), durations, counts and percentages. */
final class PageText {
    static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    static final DateTimeFormatter MINUTE_OF_DAY = DateTimeFormatter.ofPattern("HH:mm'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    static final DateTimeFormatter MINUTE_OF_YEAR = DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private PageText() {
    }

    /** A value of the store as text: null (an absent column) becomes empty. */
    static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    /** A count with thousands separators; anything but a number as it is. */
    static String count(Object value) {
        return value instanceof Number n ? String.format(Locale.ROOT, "%,d", n.longValue()) : text(value);
    }

    /** A minute, or empty for none. */
    static String minute(Instant instant) {
        return instant == null ? "" : MINUTE.format(instant);
    }

    /** A fraction as a whole percentage, rounded down (so 100% means done). */
    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", Math.floor(fraction * 100));
    }

    /** As the quality report states it (rounded down to 0.01, so 100 means complete), without trailing zeros. */
    static String coveragePercent(double percent) {
        return BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString() + "%";
    }

    /** 45s, 12m, 3h 5m, 2d 4h; empty for none. */
    static String human(Duration duration) {
        if (duration == null) {
            return "";
        }
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + "h " + seconds % 3600 / 60 + "m";
        }
        return seconds / 86_400 + "d " + seconds % 86_400 / 3600 + "h";
    }
}
