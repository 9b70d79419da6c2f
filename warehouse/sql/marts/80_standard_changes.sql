-- Creates: marts.standard_changes (table)
-- Grain:   marts.standard_changes: preset x series x indicator x geo_level x geo_code
-- Reads:   marts.compare_windows, marts.contribution_pp, marts.preset_windows,
--          marts.series_coverage
--
-- The standard comparisons at the last published month of each crime series: the month
-- against the one before (mom) and the same month a year before (yoy), year to date (ytd) and
-- the last 12 months against the 12 before (r12), for every indicator, nationally, by state
-- and by group, with the population vintage of the build. Only windows fully published are
-- kept. contribution_pp: a state's change as percentage points of the national change (the
-- states' contributions add up to the national pct_change). The nightly report and the
-- Prefect artifacts are drawn from this table.
CREATE OR REPLACE TABLE marts.standard_changes AS
WITH windows AS (
    SELECT c.series, w.*
    FROM marts.series_coverage AS c,
         (VALUES ('mom', 1), ('yoy', 2), ('ytd', 3), ('r12', 4)) AS p(preset, position),
         LATERAL marts.preset_windows(p.preset, c.last_month) AS w
),
changes AS (
    SELECT w.preset, x.current_series AS series, x.indicator, x.geo_level, x.geo_code,
           x.geo_name, w.current_start, w.current_end, w.baseline_start, w.baseline_end,
           x.current_value, x.baseline_value, x.abs_change, x.pct_change, x.current_rate,
           x.baseline_rate, x.rate_pct_change,
           getvariable('population_vintage') AS population_vintage, x.has_missing_cells,
           x.cut_date, x.file_sha256s
    FROM windows AS w,
         LATERAL marts.compare_windows(NULL, w.series, w.current_start, w.current_end,
                                       w.series, w.baseline_start, w.baseline_end,
                                       p_vintage := getvariable('population_vintage')) AS x
    WHERE x.geo_level IN ('national', 'state', 'group')
      AND x.current_months_published = x.current_months_expected
      AND x.baseline_months_published = x.baseline_months_expected
)
SELECT s.preset, s.series, s.indicator, s.geo_level, s.geo_code, s.geo_name, s.current_start,
       s.current_end, s.baseline_start, s.baseline_end, s.current_value, s.baseline_value,
       s.abs_change, s.pct_change,
       CASE WHEN s.geo_level = 'state' THEN marts.contribution_pp(s.abs_change, n.baseline_value)
       END AS contribution_pp,
       s.current_rate, s.baseline_rate, s.rate_pct_change, s.population_vintage,
       s.has_missing_cells, s.cut_date, s.file_sha256s
FROM changes AS s
LEFT JOIN changes AS n
  ON n.geo_level = 'national' AND n.preset = s.preset AND n.series = s.series
 AND n.indicator = s.indicator;

COMMENT ON TABLE marts.standard_changes IS 'Standard comparisons (mom, yoy, ytd, r12) at the last published month of each crime series, for every indicator, nationally, by state and by group, computed with marts.compare_windows at build time. Only windows fully published are listed.';
COMMENT ON COLUMN marts.standard_changes.preset IS 'mom: month vs month before; yoy: month vs same month a year before; ytd: January to the last month vs the same months a year before; r12: last 12 months vs the 12 before.';
COMMENT ON COLUMN marts.standard_changes.contribution_pp IS 'For states: the state''s change as percentage points of the national change (state rows add up to the national pct_change).';
COMMENT ON COLUMN marts.standard_changes.rate_pct_change IS 'Percent change of the annualised rate per 100,000.';
COMMENT ON COLUMN marts.standard_changes.file_sha256s IS 'sha256 of the raw files behind both windows.';
