-- Optional: move market_bar onto TimescaleDB. NOT a Flyway migration and not run by default
-- (Flyway reads only sql/V*.sql; this file sits in a subdirectory with no V prefix).
--
-- When: once the store holds more than ~100M bars or a few hundred GB, and range scans of cold
-- history (ML training reads, quality checks over years) dominate. Below that, the plain table with
-- its (ticker, timeframe, ts) primary key is simpler and fast enough.
--
-- What it does (every step is idempotent, so the script can be re-run):
--   1. turns market_bar into a hypertable partitioned on ts in 7-day chunks, moving existing rows;
--   2. enables native compression segmented by (ticker, timeframe), ordered by ts desc, with a
--      policy compressing chunks older than 30 days;
--   3. creates one continuous aggregate, market_bar_daily_coverage (bars per series and New York
--      trading day), which the quality/coverage queries can read instead of scanning cold chunks,
--      with a refresh policy, and fills it.
--
-- How: needs TimescaleDB 2.13+ installed on the server (shared_preload_libraries = 'timescaledb')
-- and V1 applied. Stop the writers (the application) first: converting a populated table locks it
-- and copies every row. Then run, WITHOUT -1/--single-transaction (CALL refresh_continuous_aggregate
-- cannot run inside a transaction block):
--     psql "$DATABASE_URL" -f sql/timescaledb/timescaledb.sql
-- Best run after the initial backfill: bulk inserts into compressed chunks work but are slower.
--
-- Caveats:
--   * Every unique index of a hypertable must include the time column. market_bar's only one, the
--     primary key (ticker, timeframe, ts), does; keep it that way in later migrations.
--   * No foreign key may point at a hypertable. None points at market_bar (its own FK to ticker is
--     allowed); keep it that way.
--   * Upserts (INSERT ... ON CONFLICT DO UPDATE) into compressed chunks work (2.11+) but decompress
--     the affected segment; late corrections normally touch only the last days, which stay
--     uncompressed for 30 days.
--   * V7's triggers keeping series_bar_count use transition tables, which TimescaleDB refuses on a
--     hypertable: this script does not handle them yet (drop them first, and the status counts stop
--     moving; issue 13).
--   * Later migrations that ALTER market_bar must be valid on a hypertable too (most ALTER TABLE
--     forms are; changing columns of a compressed hypertable has restrictions).

\set ON_ERROR_STOP on

CREATE EXTENSION IF NOT EXISTS timescaledb;

-- 1. Hypertable. 7-day chunks: 1m bars dominate (at most 960 per ticker and trading day with
-- extended hours, ~1240 with all six timeframes), so a chunk holds up to ~4800 1m bars per series
-- (good compression batches) and, for 500 tickers, ~3M rows: well under a gigabyte with its index,
-- so the chunk being written stays in memory. create_default_indexes => false: the primary key already leads
-- every query; the default extra index on ts alone would only slow the upserts.
SELECT create_hypertable(
           'market_bar',
           by_range('ts', INTERVAL '7 days'),
           create_default_indexes => false,
           if_not_exists          => true,
           migrate_data           => true);

-- 2. Compression. Segmenting by (ticker, timeframe) stores each series' bars of a chunk together
-- and makes "ticker = ? AND timeframe = ?" skip other segments; ordering by ts desc serves the
-- newest-first reads. ALTER TABLE ... SET (timescaledb.compress ...) fails on a hypertable that
-- already has compressed chunks, hence the guard.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1
                     FROM timescaledb_information.hypertables
                    WHERE hypertable_schema = current_schema()
                      AND hypertable_name = 'market_bar'
                      AND compression_enabled) THEN
        ALTER TABLE market_bar SET (
            timescaledb.compress,
            timescaledb.compress_segmentby = 'ticker, timeframe',
            timescaledb.compress_orderby   = 'ts DESC');
    END IF;
END
$$;

SELECT add_compression_policy('market_bar', compress_after => INTERVAL '30 days', if_not_exists => true);

-- 3. Continuous aggregate: coverage per series and trading day (day boundaries in New York time,
-- like Polygon's day bars). It answers "how many bars, first/last bar, volume per day" for the
-- quality endpoint without decompressing history. Real-time (materialized_only = false): days not
-- yet materialized are computed from the raw rows at query time.
-- No continuous aggregates for the derived timeframes (5m ... 1d): those bars are stored in
-- market_bar itself (from the source or rolled up by the application), so an aggregate would
-- duplicate them.
CREATE MATERIALIZED VIEW IF NOT EXISTS market_bar_daily_coverage
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT ticker,
       timeframe,
       time_bucket(INTERVAL '1 day', ts, 'America/New_York') AS day_start,
       count(*)        AS bars,
       min(ts)         AS first_ts,
       max(ts)         AS last_ts,
       sum(volume)     AS volume,
       max(updated_at) AS last_updated_at
  FROM market_bar
 GROUP BY ticker, timeframe, day_start
WITH NO DATA;

-- Refresh hourly everything up to an hour ago. start_offset => NULL: no lower bound, so a backfill
-- of old history is picked up too; only the days actually changed are recomputed.
SELECT add_continuous_aggregate_policy('market_bar_daily_coverage',
           start_offset      => NULL,
           end_offset        => INTERVAL '1 hour',
           schedule_interval => INTERVAL '1 hour',
           if_not_exists     => true);

-- Fill it now (on a large store this reads all of market_bar once; later runs only do what changed).
CALL refresh_continuous_aggregate('market_bar_daily_coverage', NULL, NULL);
