-- Defines: core.municipal_groups_complete, core.facts_as_of
-- Reads:   core.geo_municipal_group_member, core.municipal_as_of, core.newest_cut,
--          core.victims_by_file
--
-- Facts as of a date, and the one rule for groups of municipalities.
--
--   core.municipal_groups_complete(p_values)
--       The groups of municipalities (core.geo_municipal_group_member) summed from the
--       municipality rows of the table or view named p_values, only in months every member
--       publishes: one row per group x series x indicator x month. p_values has the columns
--       file_sha256, series, geo_code (the municipality), indicator, month, value, attempts,
--       cells, reported_cells, has_missing_cells, cut_date (NULL where the caller has none);
--       a CTE of the calling query may be named (query_table finds it).
--       Read by marts.indicator_monthly (the newest cut), core.facts_as_of and check-claims.
--
--   core.facts_as_of(p_as_of, p_indicator, p_codes [, p_measure := 'crimes',
--                    p_sex := 'Total', p_age_group := 'Total', p_geo := 'marts.geo'])
--       One indicator as the cuts published by p_as_of (core.publication_date,
--       schemas/reference/publication_calendar.csv) said it, in the shape of
--       marts.measure_monthly. Grain: month x series x geography (x sex x age band).
--       p_measure 'crimes' (carpetas de investigación): the nation, states and groups of
--       states from the newest such cut (core.newest_cut over core.indicator_by_file), the
--       municipalities in p_codes from core.municipal_as_of, and their groups by
--       core.municipal_groups_complete. p_measure 'victims': every geography from the newest
--       such victims cut (core.newest_cut over core.victims_by_file) of p_sex and p_age_group;
--       p_codes is not read. p_geo names the geographies' table (marts.geo, built after this
--       macro: DuckDB binds a macro's tables when it is created, a name passed to query_table
--       when it is called). `report compare --as-of` and check-claims read it.
--
--   SELECT * FROM core.facts_as_of(DATE '2026-03-20', 'homicidio_doloso', ['14039', '14120']);

CREATE OR REPLACE MACRO core.municipal_groups_complete(p_values) AS TABLE
SELECT max(v.file_sha256) AS file_sha256, v.series, 'group' AS geo_level,
       gm.group_key AS geo_code, v.indicator, v.month,
       CAST(sum(v.value) AS BIGINT) AS value, CAST(sum(v.attempts) AS BIGINT) AS attempts,
       sum(v.cells) AS cells, sum(v.reported_cells) AS reported_cells, count(*) AS states,
       bool_or(v.has_missing_cells) AS has_missing_cells, max(v.cut_date) AS cut_date
FROM query_table(p_values) AS v
JOIN core.geo_municipal_group_member AS gm ON v.geo_code = gm.municipality_code
GROUP BY v.series, gm.group_key, v.indicator, v.month
HAVING count(*) = (SELECT count(*) FROM core.geo_municipal_group_member AS m
                   WHERE m.group_key = gm.group_key);

CREATE OR REPLACE MACRO core.facts_as_of(p_as_of, p_indicator, p_codes,
                                         p_measure := 'crimes', p_sex := 'Total',
                                         p_age_group := 'Total', p_geo := 'marts.geo')
AS TABLE
WITH states AS (
    SELECT b.month, b.series, b.geo_level, b.geo_code, b.indicator, b.value,
           b.attempts, b.reported_cells < b.cells AS has_missing_cells, b.cut_date,
           b.file_sha256
    FROM core.newest_cut('core.indicator_by_file', p_as_of := p_as_of) AS b
    WHERE b.indicator = p_indicator AND p_measure = 'crimes'
),
municipal AS (
    SELECT month, series, 'municipality' AS geo_level, municipality_code AS geo_code,
           indicator, value, CAST(NULL AS BIGINT) AS attempts, has_missing_cells,
           cut_date, file_sha256, CAST(NULL AS BIGINT) AS cells,
           CAST(NULL AS BIGINT) AS reported_cells
    FROM core.municipal_as_of(p_as_of, p_codes)
    WHERE indicator = p_indicator AND p_measure = 'crimes'
),
groups AS (
    SELECT month, series, geo_level, geo_code, indicator, value, attempts,
           has_missing_cells, cut_date, file_sha256
    FROM core.municipal_groups_complete('municipal')  -- the CTE above, by name
),
victims_by_cut AS (
    SELECT * FROM core.victims_by_file(p_indicator, p_sex := p_sex, p_age_group := p_age_group)
    WHERE p_measure = 'victims'
),
victims AS (
    SELECT 'victims' AS measure, f.month, f.series, f.geo_level, f.geo_code, f.indicator,
           f.sex, f.age_group, f.value, f.attempts,
           f.reported_cells < f.cells AS has_missing_cells, f.cut_date, f.file_sha256
    FROM core.newest_cut('victims_by_cut', p_as_of := p_as_of) AS f  -- the CTE above
)
SELECT f.measure, f.month, f.series, f.geo_level, f.geo_code, g.geo_name, f.indicator,
       f.sex, f.age_group, f.value, f.attempts, f.has_missing_cells, f.cut_date,
       f.file_sha256
FROM (SELECT 'crimes' AS measure, month, series, geo_level, geo_code, indicator,
             'Total' AS sex, 'Total' AS age_group, value, attempts, has_missing_cells,
             cut_date, file_sha256
      FROM (SELECT * FROM states
            UNION ALL SELECT * EXCLUDE (cells, reported_cells) FROM municipal
            UNION ALL SELECT * FROM groups)
      UNION ALL SELECT * FROM victims) AS f
JOIN query_table(p_geo) AS g USING (geo_level, geo_code);
