-- Creates: staging.sesnsp_state_old_wide (view), staging.sesnsp_state_old (view)
-- Reads:   raw.sesnsp_state_old, staging.by_month, staging.month_number, staging.parse_count,
--          staging.state_code, staging.with_crime_id
--
-- Old-methodology (CIEISP) state file, typed (a wide view, one row per file row) and in long
-- form. The file's MODALIDAD (the broadest level), TIPO and SUBTIPO keep their names; there is
-- no bien jurídico.
CREATE OR REPLACE VIEW staging.sesnsp_state_old_wide AS
WITH typed AS (
    SELECT
        file_sha256,
        row_number,
        CAST(trim("AÑO") AS INTEGER) AS year,
        staging.state_code("INEGI") AS state_code,
        CAST(NULL AS VARCHAR) AS bien_juridico,
        trim("TIPO") AS tipo,
        trim("SUBTIPO") AS subtipo,
        trim("MODALIDAD") AS modalidad,
        staging.parse_count(COLUMNS(lambda c: staging.month_number(c) > 0))
    FROM raw.sesnsp_state_old
)
FROM staging.with_crime_id(typed);

CREATE OR REPLACE VIEW staging.sesnsp_state_old AS
FROM staging.by_month(staging.sesnsp_state_old_wide);
