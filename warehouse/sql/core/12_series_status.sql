-- Creates: core.series_status (view)
-- Grain:   core.series_status: dataset x series
-- Reads:   core.cut_order, core.publication_calendar, core.series
--
-- Whether each dataset's series is complete, current or behind, as the loaded files stand
-- now (a view: `seguridad status` and the nightly report read it live). A closed series
-- (schemas/reference/series.csv closed_cut: the 2015-2025 series since January 2026, the
-- old methodology since December 2017) is complete once its last cut is loaded, and never
-- stale however old that cut is; an open one is behind when the publication calendar says a
-- newer cut is out.
CREATE OR REPLACE VIEW core.series_status AS
WITH newest AS (
    SELECT dataset, series, max(cut_date) AS newest_cut
    FROM core.cut_order
    WHERE cut_date IS NOT NULL
    GROUP BY ALL
),
expected AS (
    -- the newest cut the calendar says is out today
    SELECT dataset,
           CAST(date_trunc('month', current_date - ("day" - 1)) - to_months(months_after)
                AS DATE) AS expected_cut
    FROM core.publication_calendar
)
SELECT n.dataset, n.series, n.newest_cut, s.closed_cut, e.expected_cut,
       CASE WHEN s.closed_cut IS NOT NULL AND n.newest_cut >= s.closed_cut THEN 'complete'
            WHEN s.closed_cut IS NOT NULL THEN 'closed_incomplete'
            WHEN e.expected_cut IS NOT NULL AND n.newest_cut < e.expected_cut THEN 'behind'
            ELSE 'current' END AS state
FROM newest AS n
JOIN core.series AS s USING (series)
LEFT JOIN expected AS e USING (dataset);
COMMENT ON VIEW core.series_status IS 'Each dataset x series with monthly cuts: its newest loaded cut and its state: complete (a closed series whose last cut is loaded: never stale), closed_incomplete (closed, its last cut not loaded yet), current, or behind (open, and the publication calendar says a newer cut is out: expected_cut).';
COMMENT ON COLUMN core.series_status.newest_cut IS 'The newest publication cut loaded for the dataset and series.';
COMMENT ON COLUMN core.series_status.expected_cut IS 'The newest cut the publication calendar says is out today (schemas/reference/publication_calendar.csv); NULL for datasets without one.';
COMMENT ON COLUMN core.series_status.state IS 'complete, closed_incomplete, current or behind (see the view).';
