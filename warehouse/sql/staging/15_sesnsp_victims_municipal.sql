-- Creates: staging.sesnsp_victims_municipal_wide (view),
--          staging.sesnsp_victims_municipal (view)
-- Reads:   raw.sesnsp_victims_municipal, staging.by_month, staging.month_number,
--          staging.parse_count, staging.state_code, staging.with_crime_id
--
-- Municipal victims file (published since 2026), by sex and age band: typed (a wide view, one
-- row per file row) and in long form. Codes are zero-padded to the 5-digit INEGI code.
CREATE OR REPLACE VIEW staging.sesnsp_victims_municipal_wide AS
WITH typed AS (
    SELECT
        file_sha256,
        row_number,
        CAST(trim("Año") AS INTEGER) AS year,
        staging.state_code("Clave_Ent") AS state_code,
        lpad(regexp_replace(trim("Cve. Municipio"), '\.0+$', ''), 5, '0') AS municipality_code,
        trim("Municipio") AS municipality_name,
        trim("Bien jurídico afectado") AS bien_juridico,
        trim("Tipo de delito") AS tipo,
        trim("Subtipo de delito") AS subtipo,
        trim("Modalidad") AS modalidad,
        trim("Sexo") AS sex,
        trim("Rango de edad") AS age_group,
        staging.parse_count(COLUMNS(lambda c: staging.month_number(c) > 0))
    FROM raw.sesnsp_victims_municipal
)
FROM staging.with_crime_id(typed);

CREATE OR REPLACE VIEW staging.sesnsp_victims_municipal AS
FROM staging.by_month(staging.sesnsp_victims_municipal_wide);
