-- Creates: staging.sesnsp_municipal_nm_wide (view), staging.sesnsp_municipal_nm (view)
-- Reads:   raw.sesnsp_municipal_nm, staging.by_month, staging.month_number,
--          staging.parse_count, staging.state_code, staging.with_crime_id
--
-- Municipal file (new methodology), typed (a wide view, one row per file row) and in long form:
-- one row per municipality, crime row and month. Codes are zero-padded to the 5-digit INEGI
-- code ('1001' -> '01001').
CREATE OR REPLACE VIEW staging.sesnsp_municipal_nm_wide AS
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
        staging.parse_count(COLUMNS(lambda c: staging.month_number(c) > 0))
    FROM raw.sesnsp_municipal_nm
)
FROM staging.with_crime_id(typed);

CREATE OR REPLACE VIEW staging.sesnsp_municipal_nm AS
FROM staging.by_month(staging.sesnsp_municipal_nm_wide);
