-- Whether a municipal file holds every crime row an indicator is made of. Some files are
-- slices (a state, a few crimes): an indicator they only partly cover is left out of the marts
-- for that file rather than undercounted. The expected rows are those the state files of the
-- same series list (or, without them, every municipal file of the series).
CREATE OR REPLACE TABLE core.file_indicator_coverage AS
WITH municipal_files AS (
    SELECT DISTINCT file_sha256, series FROM core.file_months WHERE dataset = 'crime_municipal'
),
file_rows AS (
    SELECT DISTINCT file_sha256, crime_id FROM core.crime_municipal_monthly
),
reference_rows AS (
    SELECT DISTINCT series, crime_id FROM core.crime_state_monthly
),
expected AS (
    SELECT m.indicator, m.series, m.crime_id
    FROM core.crime_indicator_map AS m
    WHERE m.crime_id IN (SELECT crime_id FROM reference_rows)
       OR m.series NOT IN (SELECT series FROM reference_rows)
)
SELECT f.file_sha256, e.indicator, count(*) AS expected_rows,
       count(fr.crime_id) AS present_rows, count(*) = count(fr.crime_id) AS complete
FROM municipal_files AS f
JOIN expected AS e USING (series)
LEFT JOIN file_rows AS fr ON fr.file_sha256 = f.file_sha256 AND fr.crime_id = e.crime_id
GROUP BY ALL;
COMMENT ON TABLE core.file_indicator_coverage IS 'For each municipal file and indicator: crime rows expected, present, and whether the file covers the indicator completely.';
