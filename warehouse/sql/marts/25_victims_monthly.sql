-- Creates: marts.victims_monthly (table), marts.measure_monthly (view)
-- Grain:   marts.victims_monthly: series x geo_level x geo_code x indicator x sex x age_group x month
-- Grain:   marts.measure_monthly: measure x series x geo_level x geo_code x indicator x sex x age_group x month
-- Reads:   core.crime_indicator_map, core.current_file_months, core.geo_member,
--          core.victims_municipal_monthly, core.victims_state_monthly, core.with_population,
--          marts.geo, marts.indicator_monthly, marts.population_sex
--
-- Victims by month, geography, indicator, sex and age band, from the newest cut of each month.
-- 'Total' rows add up sexes and/or age bands; rates divide by the population of the victims'
-- sex (women, men, everyone) and exist only for all ages.
CREATE OR REPLACE TEMP VIEW victims_values AS
WITH current_facts AS (
    SELECT f.series, f.month, 'state' AS place_level, f.state_code AS place, f.crime_id, f.sex,
           f.age_group, f.value, f.file_sha256, c.cut_date
    FROM core.victims_state_monthly AS f
    JOIN core.current_file_months AS c USING (file_sha256, month)
    UNION ALL
    SELECT f.series, f.month, 'municipality', f.municipality_code, f.crime_id, f.sex,
           f.age_group, f.value, f.file_sha256, c.cut_date
    FROM core.victims_municipal_monthly AS f
    JOIN core.current_file_months AS c USING (file_sha256, month)
),
place_values AS (
    SELECT f.series, f.month, f.place_level, f.place, m.indicator,
           CASE WHEN grouping(f.sex) = 1 THEN 'Total' ELSE f.sex END AS sex,
           CASE WHEN grouping(f.age_group) = 1 THEN 'Total' ELSE f.age_group END AS age_group,
           sum(f.value) FILTER (WHERE NOT m.is_attempt) AS value,
           sum(f.value) FILTER (WHERE m.is_attempt) AS attempts,
           count(*) AS cells,
           count(f.value) AS reported_cells,
           any_value(f.cut_date) AS cut_date,
           any_value(f.file_sha256) AS file_sha256
    FROM current_facts AS f
    JOIN core.crime_indicator_map AS m USING (series, crime_id)
    GROUP BY GROUPING SETS (
        (f.series, f.month, f.place_level, f.place, m.indicator, f.sex, f.age_group),
        (f.series, f.month, f.place_level, f.place, m.indicator, f.sex),
        (f.series, f.month, f.place_level, f.place, m.indicator, f.age_group),
        (f.series, f.month, f.place_level, f.place, m.indicator)
    )
),
geo_values AS (
    -- States add up to the nation and the groups; municipalities stand alone.
    SELECT gm.geo_level, gm.geo_code, s.series, s.month, s.indicator, s.sex, s.age_group,
           CAST(sum(s.value) AS BIGINT) AS value,
           CAST(sum(s.attempts) AS BIGINT) AS attempts,
           sum(s.cells) AS cells,
           sum(s.reported_cells) AS reported_cells,
           count(*) AS states,
           any_value(s.cut_date) AS cut_date,
           any_value(s.file_sha256) AS file_sha256
    FROM place_values AS s
    JOIN core.geo_member AS gm ON s.place_level = 'state' AND gm.state_code = s.place
    GROUP BY ALL
    UNION ALL
    SELECT 'municipality', place, series, month, indicator, sex, age_group,
           CAST(value AS BIGINT), CAST(attempts AS BIGINT), cells, reported_cells, 1,
           cut_date, file_sha256
    FROM place_values
    WHERE place_level = 'municipality'
)
-- The population of the victims' sex, for all ages only (municipal population is not split
-- by sex: only all-victims rates for municipalities).
SELECT *, CASE WHEN age_group = 'Total' THEN marts.population_sex(sex) END AS population_sex
FROM geo_values;

CREATE OR REPLACE TABLE marts.victims_monthly AS
SELECT
    v.month,
    v.series,
    v.geo_level,
    v.geo_code,
    g.geo_name,
    v.indicator,
    v.sex,
    v.age_group,
    v.value,
    v.attempts,
    v.reported_cells < v.cells AS has_missing_cells,
    v.population,
    v.population_vintage,
    v.rate_per_100k,
    v.cut_date,
    v.file_sha256
FROM core.with_population('victims_values', getvariable('population_vintage')) AS v
JOIN marts.geo AS g USING (geo_level, geo_code)
ORDER BY v.series, v.indicator, v.geo_level, v.geo_code, v.sex, v.age_group, v.month;
DROP VIEW victims_values;

COMMENT ON TABLE marts.victims_monthly IS 'Victims (not investigation files) of the crimes that have them, by month, geography (national, state, group from the state files; municipality from the municipal victims files, since 2026), indicator, sex and age band, from the newest cut of each month. sex and age_group ''Total'' add up the published categories. Months not yet published are absent, never zero.';
COMMENT ON COLUMN marts.victims_monthly.sex IS 'Hombre, Mujer, No identificado, or Total.';
COMMENT ON COLUMN marts.victims_monthly.age_group IS 'Age band as published (Menores de edad (0-17), Adultos (18 y más), No especificado, No identificado), or Total.';
COMMENT ON COLUMN marts.victims_monthly.value IS 'Number of victims in the month.';
COMMENT ON COLUMN marts.victims_monthly.attempts IS 'Victims of attempts (2026 catalogue), not in value; NULL where the catalogue has no attempt rows.';
COMMENT ON COLUMN marts.victims_monthly.population IS 'Population of the victims'' sex (everyone for Total) in the geography and month; only for age_group Total.';
COMMENT ON COLUMN marts.victims_monthly.rate_per_100k IS 'Annualised victims per 100,000 people of that sex (marts.rate_per_100k).';
COMMENT ON COLUMN marts.victims_monthly.cut_date IS 'Publication cut of the file the value comes from.';
COMMENT ON COLUMN marts.victims_monthly.file_sha256 IS 'sha256 of the raw file the value comes from.';

-- Crimes and victims in one shape, for the comparison engine.
CREATE OR REPLACE VIEW marts.measure_monthly AS
SELECT 'crimes' AS measure, month, series, geo_level, geo_code, geo_name, indicator,
       'Total' AS sex, 'Total' AS age_group, value, attempts, has_missing_cells, cut_date,
       file_sha256
FROM marts.indicator_monthly
UNION ALL
SELECT 'victims', month, series, geo_level, geo_code, geo_name, indicator, sex, age_group,
       value, attempts, has_missing_cells, cut_date, file_sha256
FROM marts.victims_monthly;
COMMENT ON VIEW marts.measure_monthly IS 'marts.indicator_monthly (measure crimes) and marts.victims_monthly (measure victims) in one shape.';
