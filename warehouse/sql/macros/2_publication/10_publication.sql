-- Defines: core.publication_date, core.newest_cut
-- Reads:   core.cut_order, core.publication_calendar
--
-- When figures become public, and the one choice of "the newest cut": every question of
-- the kind "what did the data say on a date" (check-claims, --as-of) goes through these.

-- The day the figures of month p_month of a dataset came out (the cut of that month); NULL for
-- datasets without a publication calendar (projections, budgets). Pass qualified columns
-- (f.dataset): a bare `dataset` would bind to the calendar's own column inside the subquery.
CREATE OR REPLACE MACRO core.publication_date(p_dataset, p_month) AS (
    SELECT CAST(date_trunc('month', CAST(p_month AS DATE)) + to_months(c.months_after) AS DATE)
           + (c."day" - 1)
    FROM core.publication_calendar AS c
    WHERE c.dataset = p_dataset
);

-- For each series x geography x indicator x month of a table of values by file (the shape of
-- core.indicator_by_file), the value of the newest publication cut (core.cut_order). With p_as_of, only cuts published by that date count: the data as it stood
-- then. Adds the cut and the day it was published.
CREATE OR REPLACE MACRO core.newest_cut(p_table, p_as_of := NULL) AS TABLE
SELECT t.*, o.cut_date, core.publication_date(o.dataset, o.cut_date) AS published_on
FROM query_table(p_table) AS t
JOIN core.cut_order AS o USING (file_sha256)
WHERE p_as_of IS NULL OR core.publication_date(o.dataset, o.cut_date) <= p_as_of
QUALIFY row_number() OVER (
    PARTITION BY t.series, t.geo_level, t.geo_code, t.indicator, t.month
    ORDER BY o.cut_rank DESC) = 1;
