-- tickertape schema, version 1.
--
-- Applied by Flyway (locations=filesystem:sql) in one transaction. Released migrations never
-- change: put every later change in a new V<n>__<what>.sql.
--
-- Conventions:
--   * natural keys wherever the data has one; bigint identity ids only for things that are events
--     or documents (runs, dead letters, models, predictions, trades, keys);
--   * every timestamp is timestamptz (stored as UTC instants); dates only where a calendar date
--     is meant (ticker.backfill_from);
--   * bar prices and volume are double precision (the source sends IEEE doubles, volume is
--     fractional, no money is computed on them); cash and trade amounts are numeric(20,6);
--   * double precision accepts NaN and +/-Infinity and in PostgreSQL NaN compares greater than
--     everything, so a check such as "x > 0" alone lets NaN through: value checks add
--     "x < 'Infinity'", which rejects both;
--   * no triggers: the writer sets updated_at (bulk bar upserts must not pay for a trigger);
--   * ON DELETE is RESTRICT unless said otherwise: tickers, models and portfolios are retired
--     (active=false, status='retired'), never deleted, so history is never removed by a cascade.

-- Bar timeframes. One domain, so that adding a timeframe later is one ALTER DOMAIN instead of a
-- CHECK per table. COLLATE "C": byte-wise comparison, cheaper in the large primary-key indexes.
-- (Domains are sent to clients as their base type, text.)
CREATE DOMAIN timeframe AS text COLLATE "C"
    CHECK (VALUE IN ('1m', '5m', '15m', '1h', '4h', '1d'));

-- Ticker symbols: upper case, 1 to 10 characters of A-Z 0-9 . - and starting with a letter or
-- digit (BRK.B, BF-B). Polygon's prefixed symbols (I:SPX, X:BTCUSD) would need a new migration.
CREATE DOMAIN ticker_symbol AS text COLLATE "C"
    CHECK (VALUE ~ '^[A-Z0-9][A-Z0-9.-]{0,9}$');


-- ticker: one row per symbol listed in routes/tickers.camel.yaml, kept in step with the YAML by
-- the application; it exists for foreign keys and status. A ticker removed from the YAML is set
-- active = false, never deleted (its bars stay). backfill_from null = use the configured default.
CREATE TABLE ticker (
    symbol        ticker_symbol PRIMARY KEY,
    active        boolean       NOT NULL DEFAULT true,
    added_at      timestamptz   NOT NULL DEFAULT now(),
    backfill_from date          NULL,
    updated_at    timestamptz   NOT NULL DEFAULT now()
);


-- market_bar: OHLCV bars, one row per (ticker, timeframe, bar start). 1m bars come from the
-- source; the other timeframes come from the source or are rolled up from 1m (source says which).
-- Written only by batched upserts on the natural key; re-ingesting a window changes nothing if the
-- upsert ends with "WHERE (market_bar.open, ...) IS DISTINCT FROM (excluded.open, ...)".
-- Indexes: the primary key (ticker, timeframe, ts) is the only one and serves every query:
--   latest bar (backward scan, LIMIT 1), ts range, min(ts)/max(ts) (one index probe each) and
--   count(*) (index-only scan). No other index: each one would slow every bulk upsert.
-- Storage: fillfactor stays 100. Rows are appended in time order and almost never updated; the
--   few updates (late corrections, the still-open derived bar) hit the newest pages only, so
--   reserving free space on every page would cost ~10% of the table for nothing. The autovacuum
--   settings keep the visibility map (index-only count) and planner statistics current on an
--   insert-mostly table of hundreds of millions of rows (defaults wait for 20%/10% new rows).
-- Value checks mirror the application's bar validation; a bar failing them is rejected by the
-- application before the upsert (a failing row would abort the whole batch).
CREATE TABLE market_bar (
    ticker     ticker_symbol    NOT NULL REFERENCES ticker (symbol),
    timeframe  timeframe        NOT NULL,
    ts         timestamptz      NOT NULL,   -- bar start
    open       double precision NOT NULL,
    high       double precision NOT NULL,
    low        double precision NOT NULL,
    close      double precision NOT NULL,
    volume     double precision NOT NULL,
    vwap       double precision NULL,
    trades     bigint           NULL,
    source     text             NOT NULL DEFAULT 'polygon',
    updated_at timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT market_bar_pkey PRIMARY KEY (ticker, timeframe, ts),
    CONSTRAINT market_bar_prices_positive CHECK (
        open  > 0 AND open  < 'Infinity' AND
        high  > 0 AND high  < 'Infinity' AND
        low   > 0 AND low   < 'Infinity' AND
        close > 0 AND close < 'Infinity'),
    CONSTRAINT market_bar_high_is_highest CHECK (high >= greatest(open, close)),
    CONSTRAINT market_bar_low_is_lowest   CHECK (low  <= least(open, close)),
    CONSTRAINT market_bar_volume_valid    CHECK (volume >= 0 AND volume < 'Infinity'),
    CONSTRAINT market_bar_vwap_valid      CHECK (vwap IS NULL OR (vwap > 0 AND vwap < 'Infinity')),
    CONSTRAINT market_bar_trades_valid    CHECK (trades IS NULL OR trades >= 0),
    CONSTRAINT market_bar_source_valid    CHECK (char_length(source) BETWEEN 1 AND 32)
) WITH (
    fillfactor = 100,
    autovacuum_vacuum_insert_scale_factor = 0.02,
    autovacuum_vacuum_scale_factor = 0.05,
    autovacuum_analyze_scale_factor = 0.02
);


-- ingestion_run: one row per ingestion (the IngestionLog): what was asked, what came back, how
-- it ended. ticker/timeframe/window are null for runs that span several. The window is
-- [window_from, window_to). finished_at is set exactly when the run leaves RUNNING; a run left
-- RUNNING by a crash is closed (FAILED) at the next start. requested counts bars expected or
-- windows requested, depending on the trigger.
-- Indexes: (started_at desc, id desc) for "recent runs" (keyset paging); a partial index on
-- RUNNING rows for "running runs"; (ticker, timeframe, started_at desc) for "last run per series".
CREATE TABLE ingestion_run (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trigger     text          NOT NULL
                CHECK (trigger IN ('backfill', 'refresh', 'manual', 'replay', 'repair')),
    ticker      ticker_symbol NULL REFERENCES ticker (symbol),
    timeframe   timeframe     NULL,
    window_from timestamptz   NULL,
    window_to   timestamptz   NULL,
    status      text          NOT NULL DEFAULT 'RUNNING'
                CHECK (status IN ('RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'NOT_AUTHORIZED')),
    requested   integer       NOT NULL DEFAULT 0 CHECK (requested >= 0),
    received    integer       NOT NULL DEFAULT 0 CHECK (received  >= 0),
    inserted    integer       NOT NULL DEFAULT 0 CHECK (inserted  >= 0),
    updated     integer       NOT NULL DEFAULT 0 CHECK (updated   >= 0),
    rejected    integer       NOT NULL DEFAULT 0 CHECK (rejected  >= 0),
    api_calls   integer       NOT NULL DEFAULT 0 CHECK (api_calls >= 0),
    retries     integer       NOT NULL DEFAULT 0 CHECK (retries   >= 0),
    error       text          NULL,
    started_at  timestamptz   NOT NULL DEFAULT now(),
    finished_at timestamptz   NULL,
    CONSTRAINT ingestion_run_window_ordered
        CHECK (window_from IS NULL OR window_to IS NULL OR window_from <= window_to),
    CONSTRAINT ingestion_run_finished_iff_not_running
        CHECK ((status = 'RUNNING') = (finished_at IS NULL)),
    CONSTRAINT ingestion_run_finished_after_start
        CHECK (finished_at IS NULL OR finished_at >= started_at)
);

CREATE INDEX ingestion_run_recent_idx  ON ingestion_run (started_at DESC, id DESC);
CREATE INDEX ingestion_run_running_idx ON ingestion_run (started_at) WHERE status = 'RUNNING';
CREATE INDEX ingestion_run_series_idx  ON ingestion_run (ticker, timeframe, started_at DESC);


-- dead_letter: Polygon requests that failed for good (after the last retry, or at once for
-- 400/401/403), parked for inspection and replay. request is the method and URL WITHOUT the API
-- key (the key travels in the Authorization header; the check below refuses a URL carrying one).
-- ticker and timeframe are plain text without foreign key or format check on purpose: writing a
-- dead letter must never fail, whatever the failed request was. replayed_at / replay_run_id are set
-- when a replay is started.
-- Indexes: (created_at desc, id desc) for "newest first"; a partial index for "not yet replayed".
CREATE TABLE dead_letter (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    route         text        NOT NULL,
    run_id        bigint      NULL REFERENCES ingestion_run (id) ON DELETE SET NULL,
    ticker        text        COLLATE "C" NULL,
    timeframe     text        COLLATE "C" NULL,
    request       text        NOT NULL,
    http_status   integer     NULL CHECK (http_status BETWEEN 100 AND 599),
    error         text        NOT NULL,
    attempts      integer     NOT NULL CHECK (attempts >= 1),
    created_at    timestamptz NOT NULL DEFAULT now(),
    replayed_at   timestamptz NULL,
    replay_run_id bigint      NULL REFERENCES ingestion_run (id) ON DELETE SET NULL,
    CONSTRAINT dead_letter_request_without_key CHECK (request !~* '(apikey|api_key)='),
    CONSTRAINT dead_letter_replay_run_needs_replayed_at
        CHECK (replay_run_id IS NULL OR replayed_at IS NOT NULL)
);

CREATE INDEX dead_letter_recent_idx  ON dead_letter (created_at DESC, id DESC);
CREATE INDEX dead_letter_pending_idx ON dead_letter (created_at DESC, id DESC) WHERE replayed_at IS NULL;


-- confirmed_empty: windows for which the source answered "no results" although the exchange
-- calendar expects bars (holidays, halts, thin tickers), so the gap planner does not ask again.
-- Window is [window_from, window_to). The primary key serves "confirmed windows of a series
-- overlapping [from, to)" (index range on window_from < to, filter on window_to > from).
CREATE TABLE confirmed_empty (
    ticker       ticker_symbol NOT NULL REFERENCES ticker (symbol),
    timeframe    timeframe     NOT NULL,
    window_from  timestamptz   NOT NULL,
    window_to    timestamptz   NOT NULL,
    confirmed_at timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT confirmed_empty_pkey PRIMARY KEY (ticker, timeframe, window_from),
    CONSTRAINT confirmed_empty_window_ordered CHECK (window_from < window_to)
);


-- feature: ML features, one value per (series, bar start, feature name), written idempotently by
-- the ML service (upsert on the key). A feature that cannot be computed (warm-up) has no row, so
-- value must be finite (NaN/Infinity cannot be written as JSON anyway).
-- Indexes: the primary key serves "ticker, timeframe, ts range" and, with name in the key, also
-- "... and name = X" (name is tested inside the index). Add (ticker, timeframe, name, ts) only if
-- single-feature reads over long ranges of many features turn out to dominate.
CREATE TABLE feature (
    ticker     ticker_symbol    NOT NULL REFERENCES ticker (symbol),
    timeframe  timeframe        NOT NULL,
    ts         timestamptz      NOT NULL,
    name       text             COLLATE "C" NOT NULL CHECK (char_length(name) BETWEEN 1 AND 128),
    value      double precision NOT NULL CHECK (value > '-Infinity' AND value < 'Infinity'),
    updated_at timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT feature_pkey PRIMARY KEY (ticker, timeframe, ts, name)
);


-- model: ML model metadata registered by the ML service; (name, version) is the natural key,
-- params/metrics are free-form JSON objects. A model is retired, never deleted (predictions and
-- their accuracy keep pointing at it). Small table: no index besides the keys.
CREATE TABLE model (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text        NOT NULL CHECK (char_length(name)    BETWEEN 1 AND 128),
    version    text        NOT NULL CHECK (char_length(version) BETWEEN 1 AND 64),
    kind       text        NOT NULL CHECK (char_length(kind)    BETWEEN 1 AND 64),
    params     jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params)  = 'object'),
    metrics    jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metrics) = 'object'),
    status     text        NOT NULL DEFAULT 'training'
               CHECK (status IN ('training', 'active', 'retired')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT model_name_version_key UNIQUE (name, version)
);


-- prediction: what a model predicted at bar ts of a series for horizon bars ahead. The unique key
-- on (model_id, ticker, timeframe, ts, horizon) makes writes idempotent (upsert). At least one of
-- direction/return/price must be given.
-- Indexes: the unique key's index is the only one. Its columns are ordered (model_id, ticker, ts,
-- timeframe, horizon) so that it serves both queries without a second index on a large table:
--   accuracy of a model on a ticker over a ts window: model_id = ? AND ticker = ? AND ts range;
--   latest predictions of a ticker: for each active model (small table), backward scan of
--   (model_id, ticker) for max(ts), e.g.
--     SELECT p.* FROM model m
--     CROSS JOIN LATERAL (SELECT max(ts) AS ts FROM prediction
--                         WHERE model_id = m.id AND ticker = :t) l
--     JOIN prediction p ON p.model_id = m.id AND p.ticker = :t AND p.ts = l.ts
--     WHERE m.status = 'active';
CREATE TABLE prediction (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model_id            bigint           NOT NULL REFERENCES model (id),
    ticker              ticker_symbol    NOT NULL REFERENCES ticker (symbol),
    timeframe           timeframe        NOT NULL,
    ts                  timestamptz      NOT NULL,   -- the bar the prediction is made at
    horizon             integer          NOT NULL CHECK (horizon > 0),   -- bars ahead
    predicted_direction smallint         NULL CHECK (predicted_direction IN (-1, 0, 1)),
    predicted_return    double precision NULL
                        CHECK (predicted_return > '-Infinity' AND predicted_return < 'Infinity'),
    predicted_price     double precision NULL
                        CHECK (predicted_price > 0 AND predicted_price < 'Infinity'),
    confidence          double precision NULL CHECK (confidence BETWEEN 0 AND 1),
    created_at          timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT prediction_natural_key UNIQUE (model_id, ticker, ts, timeframe, horizon),
    CONSTRAINT prediction_predicts_something
        CHECK (num_nonnulls(predicted_direction, predicted_return, predicted_price) > 0)
);


-- portfolio: the bot's paper account. cash and realised P&L are numeric (exact money). Long-only
-- without margin, so cash may not go negative: a buy the cash cannot pay for fails. One row,
-- 'default', is created here with 100000 of cash.
CREATE TABLE portfolio (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text          NOT NULL UNIQUE CHECK (char_length(name) BETWEEN 1 AND 64),
    cash         numeric(20,6) NOT NULL CHECK (cash >= 0),
    realised_pnl numeric(20,6) NOT NULL DEFAULT 0,
    created_at   timestamptz   NOT NULL DEFAULT now(),
    updated_at   timestamptz   NOT NULL DEFAULT now()
);

INSERT INTO portfolio (name, cash) VALUES ('default', 100000);


-- position: current holding per portfolio and ticker, maintained in the same transaction as each
-- trade (not recomputed from trades on read). Long-only: qty never below zero, so a sell larger
-- than the holding fails. A closed position keeps its row (qty 0) for its realised P&L.
-- The primary key serves "positions of a portfolio".
CREATE TABLE position (
    portfolio_id bigint        NOT NULL REFERENCES portfolio (id),
    ticker       ticker_symbol NOT NULL REFERENCES ticker (symbol),
    qty          numeric(20,6) NOT NULL CHECK (qty >= 0),
    avg_cost     numeric(20,6) NOT NULL CHECK (avg_cost >= 0),
    realised_pnl numeric(20,6) NOT NULL DEFAULT 0,
    updated_at   timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT position_pkey PRIMARY KEY (portfolio_id, ticker)
);


-- trade: fills recorded by the bot. client_order_id (chosen by the bot) makes the POST idempotent:
-- a retried request hits the unique key instead of trading twice. prediction_id links the trade to
-- the prediction that motivated it; it is cleared, not cascaded, if predictions are pruned.
-- Indexes: (ticker, executed_at) and (portfolio_id, executed_at) for the two listings; a partial
-- index on prediction_id so that pruning predictions does not scan trades.
CREATE TABLE trade (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_order_id text          NOT NULL UNIQUE
                    CHECK (char_length(client_order_id) BETWEEN 1 AND 128),
    portfolio_id    bigint        NOT NULL REFERENCES portfolio (id),
    ticker          ticker_symbol NOT NULL REFERENCES ticker (symbol),
    side            text          NOT NULL CHECK (side IN ('buy', 'sell')),
    qty             numeric(20,6) NOT NULL CHECK (qty > 0),
    price           numeric(20,6) NOT NULL CHECK (price > 0),
    fee             numeric(20,6) NOT NULL DEFAULT 0 CHECK (fee >= 0),
    executed_at     timestamptz   NOT NULL,
    prediction_id   bigint        NULL REFERENCES prediction (id) ON DELETE SET NULL,
    created_at      timestamptz   NOT NULL DEFAULT now()
);

CREATE INDEX trade_ticker_executed_idx    ON trade (ticker, executed_at);
CREATE INDEX trade_portfolio_executed_idx ON trade (portfolio_id, executed_at);
CREATE INDEX trade_prediction_idx         ON trade (prediction_id) WHERE prediction_id IS NOT NULL;


-- api_key: REST API keys (tt_<role>_<random>). The key itself is never stored: key_hash is the
-- SHA-256 of the whole key (32 bytes), prefix its first characters for display and lookup in the
-- CLI. requests_per_minute null = the role's default limit. Revoked keys stay for audit.
-- The unique index on key_hash serves the per-request lookup "key_hash = ? AND revoked_at IS NULL"
-- (one row at most; revoked_at is checked on that row). The application should update last_used_at
-- at most about once a minute per key, not on every request.
CREATE TABLE api_key (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    prefix              text        COLLATE "C" NOT NULL UNIQUE
                        CHECK (char_length(prefix) BETWEEN 4 AND 32),
    key_hash            bytea       NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    name                text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 128),
    role                text        NOT NULL CHECK (role IN ('bot', 'ml', 'ops')),
    requests_per_minute integer     NULL CHECK (requests_per_minute > 0),
    created_at          timestamptz NOT NULL DEFAULT now(),
    last_used_at        timestamptz NULL,
    revoked_at          timestamptz NULL
);


-- rate_limit_bucket: Bucket4j token-bucket state shared by all instances
-- (bucket4j_jdk17-postgresql, PostgreSQLadvisoryLockBasedProxyManager). Bucket4j's default table
-- name is "bucket", but the builder lets it be set, so this table has a name that says what it
-- holds: configure Bucket4jPostgreSQL.advisoryLockBasedBuilder(ds).table("rate_limit_bucket")
-- (and, to be explicit, .idColumn("id").stateColumn("state")). Columns are Bucket4j's defaults:
-- id bigint key (PrimaryKeyMapper.LONG), state bytea (serialized bucket). expires_at (epoch ms)
-- and explicit_lock (advisory lock id) are the extra columns Bucket4j writes when expiration
-- (expirationAfterWrite + removeExpired) is enabled; null and unused otherwise.
-- Every request rewrites a row: fillfactor 70 leaves room on each page for HOT updates, and
-- there is deliberately no index on expires_at (an indexed column that changes on every write
-- would prevent HOT updates; the occasional expiry sweep can scan this small table).
CREATE TABLE rate_limit_bucket (
    id            bigint PRIMARY KEY,
    state         bytea,
    expires_at    bigint,
    explicit_lock bigint
) WITH (fillfactor = 70);
