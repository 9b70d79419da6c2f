-- Creates: marts.indicator_monthly (table)
-- Grain:   marts.indicator_monthly: series x geo_level x geo_code x indicator x month
-- Reads:   core.municipal_groups_complete, core.municipal_indicator_newest, core.newest_cut,
--          core.with_population, marts.geo
--
-- The analysts' table: each indicator by month and geography, from the newest cut that
-- publishes it, with population and rate. Series are never mixed: a row belongs to one
-- methodology. The newest cut is chosen per geography and indicator, not per month alone, so
-- a newer file that covers only part of the country or of the catalogue (a slice) never
-- hides what an older, fuller file publishes.
CREATE OR REPLACE TEMP VIEW indicator_values AS
WITH state_values AS (
    SELECT * EXCLUDE (published_on) FROM core.newest_cut('core.indicator_by_file')
),
municipal_values AS (
    SELECT file_sha256, series, 'municipality' AS geo_level, municipality_code AS geo_code,
           indicator, month, value, attempts, cells, reported_cells, 1 AS states, cut_date,
           reported_cells < cells AS has_missing_cells
    FROM core.municipal_indicator_newest
),
current_values AS (
    SELECT * FROM state_values
    UNION ALL BY NAME SELECT * EXCLUDE (has_missing_cells) FROM municipal_values
),
municipal_groups AS (
    -- A group of municipalities, only in months every member publishes (the one rule:
    -- warehouse/sql/macros/3_facts/50_facts_as_of.sql).
    SELECT * EXCLUDE (has_missing_cells)
    FROM core.municipal_groups_complete('municipal_values')
),
geo_values AS (
    SELECT * FROM current_values UNION ALL BY NAME SELECT * FROM municipal_groups
)
SELECT *, 'total' AS population_sex FROM geo_values;

-- Population and rate: the build's vintage, or the municipal projections for municipalities
-- and groups of them (core.with_population, the one join and its guard).
CREATE OR REPLACE TABLE marts.indicator_monthly AS
SELECT
    v.month,
    v.series,
    v.geo_level,
    v.geo_code,
    g.geo_name,
    v.indicator,
    v.value,
    v.attempts,
    v.reported_cells < v.cells AS has_missing_cells,
    v.population,
    v.population_vintage,
    v.rate_per_100k,
    v.cut_date,
    v.file_sha256
FROM core.with_population('indicator_values', getvariable('population_vintage')) AS v
JOIN marts.geo AS g USING (geo_level, geo_code)
ORDER BY v.series, v.indicator, v.geo_level, v.geo_code, v.month;
DROP VIEW indicator_values;

COMMENT ON TABLE marts.indicator_monthly IS 'Crime indicators (carpetas de investigación) by month and geography: national, state and group rows from the state files, municipality rows from the municipal files. One row per month x series x geography x indicator, from the newest publication cut that publishes the month. Months not yet published are absent, never zero. Never add rows of different series: they are different methodologies.';
COMMENT ON COLUMN marts.indicator_monthly.month IS 'First day of the month the crimes were registered in.';
COMMENT ON COLUMN marts.indicator_monthly.series IS 'Methodology (crime catalogue): cieisp_1997 (old, 1997-2017), cnsp_2015 (new, 2015-2025), rnid_2026. See core.series.';
COMMENT ON COLUMN marts.indicator_monthly.geo_level IS 'national, state, group or municipality.';
COMMENT ON COLUMN marts.indicator_monthly.geo_code IS '00 for the nation, 01-32 (INEGI) for states, a key such as frontera_norte or noroeste for groups, the 5-digit INEGI code for municipalities (see marts.geo).';
COMMENT ON COLUMN marts.indicator_monthly.geo_name IS 'Official name of the state, or the group''s name.';
COMMENT ON COLUMN marts.indicator_monthly.indicator IS 'Indicator key (see core.indicator and core.crime_crosswalk).';
COMMENT ON COLUMN marts.indicator_monthly.value IS 'Number of carpetas de investigación in the month (sum of the crime rows the crosswalk maps to the indicator).';
COMMENT ON COLUMN marts.indicator_monthly.attempts IS 'Attempts (''Tentativa de ...'' rows) of the indicator, counted apart and not in value; NULL where the catalogue has no attempt rows (before 2026).';
COMMENT ON COLUMN marts.indicator_monthly.has_missing_cells IS 'True when some contributing cell of a published month was empty (no data): value then undercounts.';
COMMENT ON COLUMN marts.indicator_monthly.population IS 'Population of the geography in the month (CONAPO, interpolated between mid-year figures), from population_vintage.';
COMMENT ON COLUMN marts.indicator_monthly.population_vintage IS 'CONAPO projection vintage behind population and rate_per_100k (conapo_2023 by default; SEGURIDAD_POPULATION_VINTAGE changes it at build time; conapo_municipal for municipalities).';
COMMENT ON COLUMN marts.indicator_monthly.rate_per_100k IS 'Annualised rate: value x (days in the year / days in the month) / population x 100,000, so a month reads on the same scale as a year (marts.rate_per_100k).';
COMMENT ON COLUMN marts.indicator_monthly.cut_date IS 'Publication cut (last month published) of the file the value comes from.';
COMMENT ON COLUMN marts.indicator_monthly.file_sha256 IS 'sha256 of the raw file the value comes from (see ops.raw_files).';
