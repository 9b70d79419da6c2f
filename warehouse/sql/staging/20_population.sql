-- Creates: staging.conapo_2010_state (view), staging.conapo_2023_state (view)
-- Reads:   raw.conapo_2010_state, raw.conapo_2023_state, staging.state_code
--
-- Both CONAPO state vintages in one shape: vintage, geography, year, sex, population.
CREATE OR REPLACE VIEW staging.conapo_2010_state AS
WITH source AS (
    SELECT * FROM raw.conapo_2010_state
),
renamed AS (
    SELECT
        file_sha256,
        CAST(trim("Year") AS INTEGER) AS year,
        staging.state_code("StateCode") AS state_code,
        CAST(trim("Total") AS BIGINT) AS total,
        CAST(trim("Females") AS BIGINT) AS female,
        CAST(trim("Males") AS BIGINT) AS male
    FROM source
)
SELECT file_sha256, 'conapo_2010' AS vintage, 'state' AS geo_level, state_code AS geo_code, year,
       sex, population_mid_year, CAST(NULL AS BIGINT) AS population_start_year
FROM renamed UNPIVOT (population_mid_year FOR sex IN (total, female, male));

CREATE OR REPLACE VIEW staging.conapo_2023_state AS
WITH source AS (
    SELECT * FROM raw.conapo_2023_state
),
renamed AS (
    SELECT
        file_sha256,
        CAST(trim(n_year) AS INTEGER) AS year,
        staging.state_code(cve_ent) AS state_code,
        CASE trim(genero) WHEN 'Total' THEN 'total' WHEN 'Mujeres' THEN 'female'
                          WHEN 'Hombres' THEN 'male' END AS sex,
        CAST(trim(pob_mid_year) AS BIGINT) AS population_mid_year,
        CAST(trim(pob_start_year) AS BIGINT) AS population_start_year
    FROM source
)
SELECT file_sha256, 'conapo_2023' AS vintage,
       CASE WHEN state_code = '00' THEN 'national' ELSE 'state' END AS geo_level,
       state_code AS geo_code, year, sex, population_mid_year, population_start_year
FROM renamed;
