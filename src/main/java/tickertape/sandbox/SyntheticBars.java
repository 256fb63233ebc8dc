package tickertape.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import tickertape.market.ExchangeCalendar;

/**
 * Deterministic synthetic 1-minute bars for any ticker and day, shaped like the real feed.
 *
 * <p>Each (ticker, day) is an independent random walk seeded by a hash of the two, starting from a
 * slowly cycling price level that is a pure function of the date, so any window can be generated
 * without the history before it and the same request always gets the same bars. Every minute of the
 * extended session consumes the same random draws whether or not it gets a bar, so a minute's bar never
 * depends on its neighbours. The arithmetic uses {@link StrictMath}, whose results are fixed across JVMs.
 *
 * <p>Shape: no bars on weekends and exchange holidays; every regular-session minute has a bar for liquid
 * tickers, about 85% for thin ones (UVXY); about 30% of pre-market and after-hours minutes have one;
 * early-close days end at 13:00 and 17:00. Prices are whole cents, {@code vwap} has four decimals and
 * lies in [low, high], a quarter of the bars have a fractional volume. Thread-safe (stateless).
 */
public final class SyntheticBars {

    private static final long MINUTE_MILLIS = 60_000;
    private static final double EXTENDED_HOURS_PRESENCE = 0.30;
    private static final double THIN_REGULAR_PRESENCE = 0.85;
    private static final double FRACTIONAL_VOLUME_SHARE = 0.25;

    /** Level, per-minute volatility and volume of the tickers tickertape ships with; others get a default. */
    private static final Map<String, Profile> KNOWN_TICKERS = Map.of(
            "SPY", new Profile(560, 0.0005, 60_000, false),
            "QQQ", new Profile(450, 0.0006, 35_000, false),
            "IWM", new Profile(200, 0.0008, 25_000, false),
            "UVXY", new Profile(5, 0.0025, 40_000, true));

    private final ExchangeCalendar calendar;
    private final SandboxSplits splits;

    /** The default sandbox's raw bars: its yearly UVXY split, nothing announced. */
    public SyntheticBars(ExchangeCalendar calendar) {
        this(calendar, new SandboxSplits(calendar));
    }

    public SyntheticBars(ExchangeCalendar calendar, SandboxSplits splits) {
        this.calendar = calendar;
        this.splits = splits;
    }

    /**
     * The raw 1-minute bars of {@code ticker} on the America/New_York day {@code day}, ascending by
     * start: the synthetic path scaled by {@link SandboxSplits#rawScale} (prices multiplied, volume
     * divided), so a split makes raw prices jump by its factor at its execution date.
     */
    public List<Aggregate> minuteBars(String ticker, LocalDate day) {
        if (!calendar.isTradingDay(day)) {
            return List.of();
        }
        String symbol = ticker.toUpperCase(Locale.ROOT);
        Profile profile = KNOWN_TICKERS.getOrDefault(symbol, Profile.defaultFor(symbol));
        SplittableRandom random = new SplittableRandom(fnv1a(symbol + '|' + day));
        long firstMinute = calendar.extendedOpen(day).toEpochMilli();
        long regularOpen = calendar.regularOpen(day).toEpochMilli();
        long regularClose = calendar.regularClose(day).toEpochMilli();
        long endOfSession = calendar.extendedClose(day).toEpochMilli();

        List<Aggregate> bars = new ArrayList<>((int) ((endOfSession - firstMinute) / MINUTE_MILLIS));
        double scale = splits.rawScale(symbol, day);
        double price = profile.openingPrice(symbol, day, gaussian(random)) * scale;
        for (long start = firstMinute; start < endOfSession; start += MINUTE_MILLIS) {
            MinuteDraw draw = MinuteDraw.next(random);
            boolean regular = start >= regularOpen && start < regularClose;
            double volatility = regular ? profile.minuteVolatility() : profile.minuteVolatility() / 2;
            double close = price * StrictMath.exp(volatility * draw.returnShock());
            double presence = !regular ? EXTENDED_HOURS_PRESENCE : profile.thin() ? THIN_REGULAR_PRESENCE : 1;
            if (draw.presence() < presence) {
                double typicalVolume = profile.minuteVolume()
                        * volumeShape(start, regular, regularOpen, regularClose) / scale;
                bars.add(bar(start, price, close, volatility, typicalVolume, draw));
            }
            price = close;
        }
        return bars;
    }

    /** Intraday volume profile: a U over the regular session (heavy open and close), thin outside it. */
    private static double volumeShape(long start, boolean regular, long regularOpen, long regularClose) {
        if (!regular) {
            return 0.04;
        }
        double fromMiddle = 2.0 * (start - regularOpen) / (regularClose - regularOpen) - 1;
        return 0.6 + 2.4 * fromMiddle * fromMiddle;
    }

    private static Aggregate bar(long start, double open, double close, double volatility,
            double typicalVolume, MinuteDraw draw) {
        double high = cents(Math.max(open, close) * (1 + volatility * draw.upperWick()));
        double low = cents(Math.min(open, close) * (1 - volatility * draw.lowerWick()));
        // Rounding is monotonic, so the rounded high and low still bound the rounded open and close.
        double vwap = Math.min(high, Math.max(low, round4(low + (high - low) * (0.25 + 0.5 * draw.vwapPosition()))));
        double rawVolume = typicalVolume * StrictMath.exp(0.5 * draw.volumeShock() - 0.125);
        double volume = draw.fractionalVolume() < FRACTIONAL_VOLUME_SHARE
                ? Math.max(0.0001, round4(rawVolume))
                : Math.max(1, Math.round(rawVolume));
        long trades = Math.max(1, Math.round(volume / (60 + 80 * draw.tradeSize())));
        return new Aggregate(start, cents(open), high, low, cents(close), volume, vwap, trades);
    }

    private static double cents(double price) {
        return Math.round(price * 100) / 100.0;
    }

    private static double round4(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }

    /** Standard normal by Box–Muller; {@code 1 - nextDouble()} keeps the logarithm's argument above zero. */
    private static double gaussian(SplittableRandom random) {
        double radius = StrictMath.sqrt(-2 * StrictMath.log(1 - random.nextDouble()));
        return radius * StrictMath.cos(2 * StrictMath.PI * random.nextDouble());
    }

    /** 64-bit FNV-1a: a seed that is stable across JVMs, unlike a salted or unspecified hash. */
    static long fnv1a(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return hash;
    }

    private record Profile(double basePrice, double minuteVolatility, double minuteVolume, boolean thin) {

        /** Any other symbol: a liquid ticker priced between $20 and $500, fixed by its name. */
        static Profile defaultFor(String symbol) {
            return new Profile(20 + Math.floorMod(fnv1a(symbol), 481), 0.0008, 15_000, false);
        }

        /**
         * The day's first price: the base level moved by two slow cycles (about a year and about two
         * months long, phased by the symbol so tickers do not move in lockstep) and a small daily shock,
         * giving a drifting level within roughly ±15% of the base without generating past days.
         */
        double openingPrice(String symbol, LocalDate day, double dailyShock) {
            double phase = Math.floorMod(fnv1a("phase|" + symbol), 628) / 100.0;
            long epochDay = day.toEpochDay();
            double cycles = 0.10 * StrictMath.sin(2 * StrictMath.PI * epochDay / 365.25 + phase)
                    + 0.04 * StrictMath.sin(2 * StrictMath.PI * epochDay / 61 + 2 * phase);
            return basePrice * StrictMath.exp(cycles + 0.01 * dailyShock);
        }
    }

    /** The random draws of one minute, always all taken so that every minute consumes the same amount. */
    private record MinuteDraw(double presence, double returnShock, double upperWick, double lowerWick,
            double vwapPosition, double volumeShock, double fractionalVolume, double tradeSize) {

        static MinuteDraw next(SplittableRandom random) {
            return new MinuteDraw(random.nextDouble(), gaussian(random), random.nextDouble(), random.nextDouble(),
                    random.nextDouble(), gaussian(random), random.nextDouble(), random.nextDouble());
        }
    }
}
