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
    sum(s.cells) AS cells,
    sum(s.reported_cells) AS reported_cells,
    count(*) AS states
FROM state_values AS s
JOIN core.geo_member AS gm USING (state_code)
GROUP BY ALL

UNION ALL

-- Municipal files give municipality rows only (state totals come from the state files), and
-- only for the indicators the file covers completely.
SELECT
    f.file_sha256,
    f.series,
    'municipality' AS geo_level,
    f.municipality_code AS geo_code,
    m.indicator,
    f.month,
    CAST(sum(f.value) FILTER (WHERE NOT m.is_attempt) AS BIGINT) AS value,
    CAST(sum(f.value) FILTER (WHERE m.is_attempt) AS BIGINT) AS attempts,
    count(*) AS cells,
    count(f.value) AS reported_cells,
    1 AS states
FROM core.crime_municipal_monthly AS f
JOIN published AS p USING (file_sha256, month)
JOIN core.crime_indicator_map AS m USING (series, crime_id)
JOIN core.file_indicator_coverage AS cov
  ON cov.file_sha256 = f.file_sha256 AND cov.indicator = m.indicator AND cov.complete
GROUP BY ALL;
COMMENT ON TABLE core.indicator_by_file IS 'Indicator x month x geography as each loaded file gives it (every cut, published months only).';
