-- Creates: staging.sesnsp_state_nm_wide (view), staging.sesnsp_state_nm (view)
-- Reads:   raw.sesnsp_state_nm, staging.by_month, staging.month_number, staging.parse_count,
--          staging.state_code, staging.with_crime_id
--
-- New-methodology (and 2026-catalogue) state file, typed (a wide view, one row per file row) and
-- in long form: one row per state, crime row and month. Empty cells stay NULL (unpublished),
-- apart from zeros.
CREATE OR REPLACE VIEW staging.sesnsp_state_nm_wide AS
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
        staging.parse_count(COLUMNS(lambda c: staging.month_number(c) > 0))
    FROM raw.sesnsp_state_nm
)
FROM staging.with_crime_id(typed);

CREATE OR REPLACE VIEW staging.sesnsp_state_nm AS
FROM staging.by_month(staging.sesnsp_state_nm_wide);
