-- Creates: staging.sesnsp_state_old_xlsx_wide (view), staging.sesnsp_state_old_xlsx (view)
-- Reads:   core.geo_state_lookup, raw.sesnsp_state_old_xlsx, staging.by_month,
--          staging.month_number, staging.normalize_name, staging.parse_count,
--          staging.with_crime_id
--
-- The SESNSP's old-methodology workbook (1997 - Dec 2014): no code column, so the state is
-- found by its name; cells of spaces mean "no data" and stay NULL. TOTAL AÑO was validated
-- against the months and is not carried further.
CREATE OR REPLACE VIEW staging.sesnsp_state_old_xlsx_wide AS
WITH typed AS (
    SELECT
        source.file_sha256,
        source.row_number,
        CAST(trim("AÑO") AS INTEGER) AS year,
        lookup.state_code,
        CAST(NULL AS VARCHAR) AS bien_juridico,
        trim("TIPO") AS tipo,
        trim("SUBTIPO") AS subtipo,
        trim("MODALIDAD") AS modalidad,
        staging.parse_count(COLUMNS(lambda c: staging.month_number(c) > 0))
    FROM raw.sesnsp_state_old_xlsx AS source
    JOIN core.geo_state_lookup AS lookup
      ON lookup.normalized_name = staging.normalize_name(source."ENTIDAD")
)
FROM staging.with_crime_id(typed);

CREATE OR REPLACE VIEW staging.sesnsp_state_old_xlsx AS
FROM staging.by_month(staging.sesnsp_state_old_xlsx_wide);
