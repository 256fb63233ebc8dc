-- Corporate actions: bars are stored raw (fetched with adjusted=false) and adjusted on read with the
-- split table, as zipline and LEAN do: the source's adjustment is retroactive, so adjusted bars kept
-- as fetched go wrong at the next split (docs/POLYGON.md, "Corporate actions").

-- split: each ticker's splits as the source lists them (/v3/reference/splits). From execution_date
-- on, split_from old shares became split_to new ones: 5:1 is a 1-for-5 reverse split, 1:2 a 2-for-1
-- forward split. Reads adjust a bar that started before execution_date (New York) by
-- split_from/split_to (prices multiplied, volume divided), once the execution date has come: a split
-- announced ahead is stored and changes nothing until then. One row per ticker and date: the source
-- has listed a split twice before, and applying it twice would be wrong by its factor.
CREATE TABLE split (
    ticker         ticker_symbol    NOT NULL REFERENCES ticker (symbol),
    execution_date date             NOT NULL,
    split_from     double precision NOT NULL,
    split_to       double precision NOT NULL,
    source_id      text             NULL,   -- the source's id of the split, for tracing
    fetched_at     timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT split_pkey PRIMARY KEY (ticker, execution_date),
    CONSTRAINT split_ratio_positive CHECK (split_from > 0 AND split_from < 'Infinity'
        AND split_to > 0 AND split_to < 'Infinity')
);

-- split_check: when each ticker's splits were last fetched, and which instance is fetching them now
-- (claimed_until: a lease, so one instance fetches and a dead instance's claim runs out). A failed
-- fetch keeps its claim until the retry is due, so a standing fault cannot spend the budget.
CREATE TABLE split_check (
    ticker        ticker_symbol NOT NULL REFERENCES ticker (symbol),
    checked_at    timestamptz   NULL,   -- the last complete fetch (every page stored)
    claimed_until timestamptz   NULL,
    error         text          NULL,   -- why the last fetch failed, until one succeeds
    CONSTRAINT split_check_pkey PRIMARY KEY (ticker)
);

-- Every change to the split table is announced on channel split_changed (payload: the ticker, or
-- 'all'), whoever makes it, so every instance drops the adjustments it keeps in memory: a cached
-- adjusted page must not outlive a split. The table is tiny and rarely written: a statement trigger
-- costs nothing.
CREATE FUNCTION split_notify_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('split_changed', 'all');
    RETURN NULL;
END
$$;

CREATE TRIGGER split_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON split
    FOR EACH STATEMENT
    EXECUTE FUNCTION split_notify_change();

-- A store filled before this migration holds bars as adjusted=true returned them on the day they
-- were fetched. adjusted_held keeps the windows of each fetched series whose stored bars are such
-- adjusted bars; they are no longer covered, so the planner refetches them raw in the background
-- within the budget, and the writer takes each window out of adjusted_held in the transaction that
-- stores its raw bars. Until then reads serve those bars as before (as stored).
ALTER TABLE series_coverage
    ADD COLUMN adjusted_held tstzmultirange NOT NULL DEFAULT '{}'::tstzmultirange;

UPDATE series_coverage
SET adjusted_held = covered,
    covered = '{}'::tstzmultirange;
