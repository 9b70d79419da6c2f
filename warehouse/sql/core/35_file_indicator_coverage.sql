-- Creates: core.indicator_expected_rows (table)
-- Grain:   core.indicator_expected_rows: series x indicator
-- Reads:   core.crime_indicator_map, core.crime_state_monthly
--
-- The crime rows each indicator is made of in each series: what a municipal indicator must
-- hold to be published. Some municipal files are slices (a state, a few crimes): where the
-- newest cells of a municipality and month cover only part of an indicator's rows, the
-- indicator is left out of the marts rather than undercounted. The expected rows are those
-- the state files of the same series list (or, without them, every row the crosswalk maps).
CREATE OR REPLACE TABLE core.indicator_expected_rows AS
WITH reference_rows AS (
    SELECT DISTINCT series, crime_id FROM core.crime_state_monthly
)
SELECT m.series, m.indicator, count(*) AS expected_rows
FROM core.crime_indicator_map AS m
WHERE m.crime_id IN (SELECT crime_id FROM reference_rows)
   OR m.series NOT IN (SELECT series FROM reference_rows)
GROUP BY ALL;
COMMENT ON TABLE core.indicator_expected_rows IS 'How many crime rows make up each indicator in each series (the rows the state files list): a municipal indicator is published only where its newest cells cover all of them.';
