-- polygon_admission: the one Polygon request budget of every instance on this database. Each request
-- (retries included) is admitted by PolygonBudget in one short transaction under an advisory lock:
-- it counts the admissions of the last budget window and inserts its own only if there are fewer than
-- the plan allows; otherwise it waits, holding no connection, until the oldest leaves the window.
-- Admission times are the database server's clock, so instances' clocks need not agree. Rows older
-- than the window are deleted by the admissions themselves: the table holds about one window's worth.
CREATE TABLE polygon_admission (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    admitted_at timestamptz NOT NULL
);
CREATE INDEX polygon_admission_admitted_at ON polygon_admission (admitted_at);
