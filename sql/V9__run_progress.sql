-- What a RUNNING run's progress is computed from, stored with the counters its owner writes through
-- after every page, so any instance answers GET /api/v2/data/ingest/{id} and /ingest/status alike
-- (tickertape.ingest.IngestionRunViews), not only the process fetching the run.
--
-- newest_first: the run fetches its window from window_to back to window_from (a backfill whose
--   newest days matter first), from window_from forward when false.
-- reached_bar: the start of the farthest bar the run's pages have reached from the end it starts at;
--   null until a page with bars arrives. Runs opened before this migration have it null (and
--   newest_first false): a RUNNING one shows progress 0 until it ends.
ALTER TABLE ingestion_run
    ADD COLUMN newest_first boolean     NOT NULL DEFAULT false,
    ADD COLUMN reached_bar  timestamptz NULL;
