-- series_bar_count: how many bars each series holds, with its first and last bar start, kept by
-- triggers on market_bar in the transaction of every write, whoever makes it (the ingest writer's
-- COPY and upsert, psql, a test). GET /api/v2/status and GET / are open to everyone and read this
-- small table instead of counting market_bar (a full scan of tens of millions of rows per request).
--
-- Statement-level triggers with transition tables: one aggregate of the rows a statement wrote, not
-- a row lock per bar. Writers of different tickers touch different rows here; the ingest writer
-- already serialises batches of one ticker (its advisory lock). A bar's key (ticker, timeframe, ts)
-- is never updated (a correction rewrites its values), so updates do not move counts. A delete
-- re-reads first and last of the series it touched: two probes of the primary key each.
--
-- Numbered V7, not V5/V6: those numbers are taken by migrations written at the same time elsewhere.

CREATE TABLE series_bar_count (
    ticker    ticker_symbol NOT NULL,
    timeframe timeframe     NOT NULL,
    bars      bigint        NOT NULL CHECK (bars >= 0),
    first_bar timestamptz   NULL,
    last_bar  timestamptz   NULL,
    PRIMARY KEY (ticker, timeframe)
);

CREATE FUNCTION series_bar_count_inserted() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO series_bar_count AS c (ticker, timeframe, bars, first_bar, last_bar)
    SELECT ticker, timeframe, count(*), min(ts), max(ts)
    FROM inserted_bars GROUP BY ticker, timeframe ORDER BY ticker, timeframe
    ON CONFLICT (ticker, timeframe) DO UPDATE
        SET bars = c.bars + excluded.bars,
            first_bar = least(c.first_bar, excluded.first_bar),
            last_bar = greatest(c.last_bar, excluded.last_bar);
    RETURN NULL;
END
$$;

CREATE FUNCTION series_bar_count_deleted() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    UPDATE series_bar_count c
    SET bars = c.bars - d.bars,
        first_bar = (SELECT min(ts) FROM market_bar m WHERE m.ticker = c.ticker AND m.timeframe = c.timeframe),
        last_bar = (SELECT max(ts) FROM market_bar m WHERE m.ticker = c.ticker AND m.timeframe = c.timeframe)
    FROM (SELECT ticker, timeframe, count(*) AS bars FROM deleted_bars GROUP BY ticker, timeframe) d
    WHERE c.ticker = d.ticker AND c.timeframe = d.timeframe;
    DELETE FROM series_bar_count WHERE bars = 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION series_bar_count_truncated() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM series_bar_count;
    RETURN NULL;
END
$$;

-- The triggers first: their creation locks market_bar against writes until this migration commits,
-- so the counts below and every later write's add up.
CREATE TRIGGER market_bar_counted_insert
    AFTER INSERT ON market_bar REFERENCING NEW TABLE AS inserted_bars
    FOR EACH STATEMENT EXECUTE FUNCTION series_bar_count_inserted();

CREATE TRIGGER market_bar_counted_delete
    AFTER DELETE ON market_bar REFERENCING OLD TABLE AS deleted_bars
    FOR EACH STATEMENT EXECUTE FUNCTION series_bar_count_deleted();

CREATE TRIGGER market_bar_counted_truncate
    AFTER TRUNCATE ON market_bar
    FOR EACH STATEMENT EXECUTE FUNCTION series_bar_count_truncated();

INSERT INTO series_bar_count (ticker, timeframe, bars, first_bar, last_bar)
SELECT ticker, timeframe, count(*), min(ts), max(ts) FROM market_bar GROUP BY ticker, timeframe;
