-- Defines: core.victims_by_file
-- Reads:   core.crime_indicator_map, core.file_months, core.geo_member,
--          core.victims_municipal_monthly, core.victims_state_monthly
--
-- Victims of one indicator, sex and age band, by month and geography, as each loaded victims
-- file (publication cut) gives them: the victims twin of core.indicator_by_file, so that
-- "what the data said on a date" (core.newest_cut with p_as_of: check-claims and
-- `report compare --as-of`) reads victims exactly as it reads crimes. States add up to the
-- nation and the groups (core.geo_member); municipalities stand alone. Only the months a
-- file publishes. p_sex / p_age_group 'Total' add up the published categories.
--
--   SELECT * FROM core.victims_by_file('homicidio_doloso') WHERE geo_level = 'national';
CREATE OR REPLACE MACRO core.victims_by_file(p_indicator, p_sex := 'Total',
                                             p_age_group := 'Total') AS TABLE
WITH published AS (
    SELECT file_sha256, month FROM core.file_months WHERE published_cells > 0
),
crime_rows AS (
    SELECT series, crime_id, is_attempt FROM core.crime_indicator_map
    WHERE indicator = p_indicator
),
cells AS (
    SELECT f.file_sha256, f.series, f.month, 'state' AS place_level, f.state_code AS place,
           f.value, m.is_attempt
    FROM core.victims_state_monthly AS f
    JOIN published AS p USING (file_sha256, month)
    JOIN crime_rows AS m USING (series, crime_id)
    WHERE (p_sex = 'Total' OR f.sex = p_sex) AND (p_age_group = 'Total' OR f.age_group = p_age_group)
    UNION ALL
    SELECT f.file_sha256, f.series, f.month, 'municipality', f.municipality_code, f.value,
           m.is_attempt
    FROM core.victims_municipal_monthly AS f
    JOIN published AS p USING (file_sha256, month)
    JOIN crime_rows AS m USING (series, crime_id)
    WHERE (p_sex = 'Total' OR f.sex = p_sex) AND (p_age_group = 'Total' OR f.age_group = p_age_group)
),
places AS (
    SELECT file_sha256, series, month, place_level, place,
           sum(value) FILTER (WHERE NOT is_attempt) AS value,
           sum(value) FILTER (WHERE is_attempt) AS attempts,
           count(*) AS cells, count(value) AS reported_cells
    FROM cells
    GROUP BY ALL
)
SELECT s.file_sha256, s.series, gm.geo_level, gm.geo_code, p_indicator AS indicator,
       p_sex AS sex, p_age_group AS age_group, s.month,
       CAST(sum(s.value) AS BIGINT) AS value, CAST(sum(s.attempts) AS BIGINT) AS attempts,
       CAST(sum(s.cells) AS BIGINT) AS cells,
       CAST(sum(s.reported_cells) AS BIGINT) AS reported_cells
FROM places AS s
JOIN core.geo_member AS gm ON s.place_level = 'state' AND gm.state_code = s.place
GROUP BY ALL
UNION ALL
SELECT file_sha256, series, 'municipality', place, p_indicator, p_sex, p_age_group, month,
       CAST(value AS BIGINT), CAST(attempts AS BIGINT), cells, reported_cells
FROM places
WHERE place_level = 'municipality';
