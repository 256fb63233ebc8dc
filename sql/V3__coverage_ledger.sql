-- The coverage ledger and durable runs: the database, not a process, knows what the source has
-- answered for, and who is fetching what.

-- series_coverage: per fetched series (1m and 1d; 5m..4h are rolled up from 1m), the instants the
-- source has answered for and whose bars are committed. Written in the same transaction as the bars
-- of each page (BarStore), so covered means "asked, answered, stored": an answer with no bars is a
-- covered window with none (a holiday, a halt, a ticker not yet listed). What lies between the
-- backfill start and now and is not covered is a hole, and the planner fetches it (SeriesPlanner).
-- One row per series; ranges merge on write, so the value stays a handful of ranges.
CREATE TABLE series_coverage (
    ticker     ticker_symbol  NOT NULL REFERENCES ticker (symbol),
    timeframe  timeframe      NOT NULL,
    covered    tstzmultirange NOT NULL,
    updated_at timestamptz    NOT NULL DEFAULT now(),
    CONSTRAINT series_coverage_pkey PRIMARY KEY (ticker, timeframe)
);

-- An existing store: the span each fetched series holds was answered for (the old planner kept it
-- one contiguous stretch), and so were the windows the source confirmed empty.
INSERT INTO series_coverage (ticker, timeframe, covered)
SELECT ticker, timeframe, range_agg(answered)
FROM (SELECT ticker, timeframe, tstzrange(min(ts), max(ts), '[]') AS answered
      FROM market_bar WHERE timeframe IN ('1m', '1d') GROUP BY ticker, timeframe
      UNION ALL
      SELECT ticker, timeframe, tstzrange(window_from, window_to) FROM confirmed_empty) AS spans
GROUP BY ticker, timeframe;

-- The ledger says what confirmed_empty guessed (a run's end assumed "missing" meant "the source has
-- none", even when the bars were lost by a failed write).
DROP TABLE confirmed_empty;

-- Durable runs: a RUNNING run belongs to the process named by owner for as long as that process
-- renews lease_until. A run whose lease ran out (its process died, or lost the database for longer
-- than the lease) is closed by the next plan of any instance, and its series is planned again.
-- Runs left RUNNING by a version without leases are closed here: nothing renews them.
UPDATE ingestion_run SET status = 'FAILED', finished_at = now(),
                         error = 'interrupted: the app stopped during this run; its series resumes from the store'
WHERE status = 'RUNNING';

ALTER TABLE ingestion_run
    ADD COLUMN owner       text        NULL,
    ADD COLUMN lease_until timestamptz NULL,
    ADD CONSTRAINT ingestion_run_running_has_lease
        CHECK (status <> 'RUNNING' OR (owner IS NOT NULL AND lease_until IS NOT NULL));

-- At most one open run per series, whoever opens it: a second one is refused by the database.
CREATE UNIQUE INDEX ingestion_run_one_open_per_series ON ingestion_run (ticker, timeframe)
    WHERE status = 'RUNNING';
