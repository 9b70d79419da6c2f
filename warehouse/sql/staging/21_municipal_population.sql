-- Creates: staging.municipal_population (view)
-- Reads:   raw.municipal_population
--
-- Municipal population, one row per municipality and year.
CREATE OR REPLACE VIEW staging.municipal_population AS
WITH source AS (
    SELECT * EXCLUDE (row_number, "Entidad", "Municipio") FROM raw.municipal_population
),
unpivoted AS (
    UNPIVOT source ON COLUMNS('^\d{4}$') INTO NAME year VALUE population
)
SELECT
    file_sha256,
    'conapo_municipal' AS vintage,
    'municipality' AS geo_level,
    lpad(trim("CVE"), 5, '0') AS geo_code,
    CAST(year AS INTEGER) AS year,
    'total' AS sex,
    CAST(trim(population) AS BIGINT) AS population_mid_year,
    CAST(NULL AS BIGINT) AS population_start_year
FROM unpivoted;
