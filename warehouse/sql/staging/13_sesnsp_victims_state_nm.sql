-- Creates: staging.sesnsp_victims_state_nm_wide (view), staging.sesnsp_victims_state_nm (view)
-- Reads:   raw.sesnsp_victims_state_nm, staging.by_month, staging.month_number,
--          staging.parse_count, staging.state_code, staging.with_crime_id
--
-- Victims by state, sex and age band (new methodology), typed (a wide view, one row per file
-- row) and in long form.
CREATE OR REPLACE VIEW staging.sesnsp_victims_state_nm_wide AS
WITH typed AS (
    SELECT
        file_sha256,
        row_number,
        CAST(trim("Año") AS INTEGER) AS year,
        staging.state_code("Clave_Ent") AS state_code,
        trim("Bien jurídico afectado") AS bien_juridico,
        trim("Tipo de delito") AS tipo,
        trim("Subtipo de delito") AS subtipo,
        trim("Modalidad") AS modalidad,
        trim("Sexo") AS sex,
        trim("Rango de edad") AS age_group,
        staging.parse_count(COLUMNS(lambda c: staging.month_number(c) > 0))
    FROM raw.sesnsp_victims_state_nm
)
FROM staging.with_crime_id(typed);

CREATE OR REPLACE VIEW staging.sesnsp_victims_state_nm AS
FROM staging.by_month(staging.sesnsp_victims_state_nm_wide);
