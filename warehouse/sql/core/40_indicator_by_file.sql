-- Creates: core.indicator_by_file (table)
-- Grain:   core.indicator_by_file: file_sha256 x geo_level x geo_code x indicator x month
-- Reads:   core.crime_indicator_map, core.crime_state_monthly, core.file_months,
--          core.geo_member
--
-- Every indicator by month and geography as each loaded file (publication cut) gives it,
-- for the months that file publishes. The marts take the current cut of each month from here;
-- marts.revisions compares consecutive cuts.
CREATE OR REPLACE TABLE core.indicator_by_file AS
WITH published AS (
    SELECT file_sha256, month FROM core.file_months WHERE published_cells > 0
),
state_values AS (
    SELECT f.file_sha256, f.series, f.month, f.state_code, m.indicator,
           sum(f.value) FILTER (WHERE NOT m.is_attempt) AS value,
           sum(f.value) FILTER (WHERE m.is_attempt) AS attempts,
           count(*) AS cells,
           count(f.value) AS reported_cells
    FROM core.crime_state_monthly AS f
    JOIN published AS p USING (file_sha256, month)
    JOIN core.crime_indicator_map AS m USING (series, crime_id)
    GROUP BY ALL
)
SELECT
    s.file_sha256,
    s.series,
    gm.geo_level,
    gm.geo_code,
    s.indicator,
    s.month,
    CAST(sum(s.value) AS BIGINT) AS value,
    CAST(sum(s.attempts) AS BIGINT) AS attempts,
    CAST(sum(s.cells) AS BIGINT) AS cells,
    CAST(sum(s.reported_cells) AS BIGINT) AS reported_cells,
    count(*) AS states
FROM state_values AS s
JOIN core.geo_member AS gm USING (state_code)
GROUP BY ALL;
COMMENT ON TABLE core.indicator_by_file IS 'Indicator x month x geography (nation, states, groups) as each loaded state file gives it (every cut, published months only). Municipal figures are stored a row per version (core.crime_municipal_rows) and summed in core.municipal_indicator_newest.';
