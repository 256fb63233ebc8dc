package tickertape.market;

/** Which part of the US equities trading day an instant falls in, on America/New_York time. */
public enum MarketSession {
    /** Pre-market, 04:00–09:30 ET on a trading day. */
    PRE,
    /** Regular session, 09:30–16:00 ET (13:00 on early-close days). */
    REGULAR,
    /** After-hours, 16:00–20:00 ET (13:00–17:00 on early-close days). */
    AFTER,
    /** Outside the extended session, or a weekend or exchange holiday. */
    CLOSED
}
