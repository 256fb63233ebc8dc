package tickertape.sandbox;

import java.time.LocalDate;
import java.time.Month;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import tickertape.market.ExchangeCalendar;

/**
 * The sandbox's splits, and what they do to its bars, as on Polygon (docs in {@code README.md},
 * "Corporate actions"): raw bars are the truth and never change once traded; a split with execution
 * date D and ratio {@code split_from:split_to} multiplies raw prices from D on by
 * {@code split_from/split_to} (a 1-for-10 reverse split, 10:1, makes the raw price ten times higher),
 * so an {@code adjusted=true} answer, which multiplies the prices of bars that start before D by that
 * factor (volume divided by it), is continuous.
 *
 * <p>By default UVXY reverse-splits 1-for-10 on the first trading day of each April from 2012 on, on
 * fixed dates so raw history never changes from one day to the next; its synthetic path decays tenfold
 * a year ({@link #rawScale}), so its raw price keeps a realistic band. Every other ticker has none until
 * one is {@linkplain #announce announced}. Thread-safe.
 */
public final class SandboxSplits {

    /** One split as the splits endpoint lists it. */
    public record Split(String ticker, LocalDate executionDate, double splitFrom, double splitTo) {

        public Split {
            ticker = ticker.toUpperCase(Locale.ROOT);
            if (!(splitFrom > 0 && splitTo > 0 && Double.isFinite(splitFrom) && Double.isFinite(splitTo))) {
                throw new IllegalArgumentException("split_from and split_to must be positive: " + splitFrom + ":" + splitTo);
            }
        }

        /** What raw prices are multiplied by from the execution date on, and adjusted prices before it. */
        public double factor() {
            return splitFrom / splitTo;
        }

        /** Polygon-like and stable: the same split always has the same id. */
        String id() {
            return "E" + HexFormat.of().toHexDigits(SyntheticBars.fnv1a("split|" + ticker + '|' + executionDate));
        }
    }

    static final String YEARLY_REVERSE_SPLIT_TICKER = "UVXY";
    private static final double YEARLY_SPLIT_FROM = 10;
    private static final int FIRST_YEARLY_SPLIT = 2012;
    private static final int LAST_YEARLY_SPLIT = 2099;
    /** How long before its execution date a yearly split is listed: announced, as UVXY's are, ahead. */
    private static final int ANNOUNCED_DAYS_AHEAD = 14;

    private final List<Split> yearly;
    /** Splits added at run time (tests), by ticker then date: one split per ticker and day. */
    private final Map<String, Map<LocalDate, Split>> announced = new ConcurrentHashMap<>();

    public SandboxSplits(ExchangeCalendar calendar) {
        List<Split> rule = new ArrayList<>();
        for (int year = FIRST_YEARLY_SPLIT; year <= LAST_YEARLY_SPLIT; year++) {
            LocalDate day = LocalDate.of(year, Month.APRIL, 1);
            while (!calendar.isTradingDay(day)) {
                day = day.plusDays(1);
            }
            rule.add(new Split(YEARLY_REVERSE_SPLIT_TICKER, day, YEARLY_SPLIT_FROM, 1));
        }
        this.yearly = List.copyOf(rule);
    }

    /**
     * Announces a split: listed at once, applied to adjusted answers once the clock's New York date has
     * reached {@code executionDate}, and to raw bars from that date on (so announce it after the
     * clock's today to keep the raw history already served as it was). A second split of the same
     * ticker and date replaces the first.
     */
    public void announce(Split split) {
        announced.computeIfAbsent(split.ticker(), ticker -> new ConcurrentHashMap<>()).put(split.executionDate(), split);
    }

    /**
     * What the endpoint lists on {@code today}: every announced split and the yearly ones up to
     * {@value #ANNOUNCED_DAYS_AHEAD} days ahead, ascending by date then ticker; {@code ticker} null for all.
     */
    List<Split> listed(String ticker, LocalDate today) {
        LocalDate horizon = today.plusDays(ANNOUNCED_DAYS_AHEAD);
        Stream<Split> yearlyListed = yearly.stream().filter(split -> !split.executionDate().isAfter(horizon));
        return Stream.concat(yearlyListed, announced.values().stream().flatMap(byDate -> byDate.values().stream()))
                .filter(split -> ticker == null || split.ticker().equals(ticker.toUpperCase(Locale.ROOT)))
                .sorted(Comparator.comparing(Split::executionDate).thenComparing(Split::ticker))
                .toList();
    }

    /**
     * What the synthetic (continuous, economic) price level of {@code ticker} is multiplied by to give
     * its raw price on {@code day}: the product of the factors of its splits executed by then, times
     * the yearly splitter's decay (tenfold a year from its first split), which keeps its raw price
     * between its base level and ten times that.
     */
    double rawScale(String ticker, LocalDate day) {
        double scale = splitsOf(ticker)
                .filter(split -> !split.executionDate().isAfter(day))
                .mapToDouble(Split::factor)
                .reduce(1, (product, factor) -> product * factor);
        if (ticker.equalsIgnoreCase(YEARLY_REVERSE_SPLIT_TICKER)) {
            double years = (day.toEpochDay() - yearly.get(0).executionDate().toEpochDay()) / 365.25;
            scale *= StrictMath.pow(YEARLY_SPLIT_FROM, -years);
        }
        return scale;
    }

    /**
     * The factor of an adjusted answer for a bar of {@code ticker} starting on the New York day
     * {@code barDay}, seen on {@code today}: the product, in execution-date order, of the factors of
     * every split executed after {@code barDay} and by {@code today}; 1 when there is none.
     */
    double adjustment(String ticker, LocalDate barDay, LocalDate today) {
        return splitsOf(ticker)
                .filter(split -> split.executionDate().isAfter(barDay) && !split.executionDate().isAfter(today))
                .mapToDouble(Split::factor)
                .reduce(1, (product, factor) -> product * factor);
    }

    /** Every split of {@code ticker} (any case), listed or not yet, ascending by date. */
    private Stream<Split> splitsOf(String ticker) {
        String symbol = ticker.toUpperCase(Locale.ROOT);
        Stream<Split> rule = symbol.equals(YEARLY_REVERSE_SPLIT_TICKER) ? yearly.stream() : Stream.empty();
        Stream<Split> added = announced.getOrDefault(symbol, Map.of()).values().stream();
        return Stream.concat(rule, added).sorted(Comparator.comparing(Split::executionDate));
    }
}
