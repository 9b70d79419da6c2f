-- The SESNSP's old-methodology workbook (1997 - Dec 2014): no code column, so the state is
-- found by its name; cells of spaces mean "no data" and stay NULL. TOTAL AÑO was validated
-- against the months and is not carried further.
CREATE OR REPLACE VIEW staging.sesnsp_state_old_xlsx_wide AS
WITH source AS (
    SELECT * FROM raw.sesnsp_state_old_xlsx
),
renamed AS (
    SELECT
        source.file_sha256,
        source.row_number,
        CAST(trim("AÑO") AS INTEGER) AS year,
        lookup.state_code,
        CAST(NULL AS VARCHAR) AS bien_juridico,
        trim("TIPO") AS tipo,
        trim("SUBTIPO") AS subtipo,
        trim("MODALIDAD") AS modalidad,
        staging.parse_count("ENERO") AS "1",
        staging.parse_count("FEBRERO") AS "2",
        staging.parse_count("MARZO") AS "3",
        staging.parse_count("ABRIL") AS "4",
        staging.parse_count("MAYO") AS "5",
        staging.parse_count("JUNIO") AS "6",
        staging.parse_count("JULIO") AS "7",
        staging.parse_count("AGOSTO") AS "8",
        staging.parse_count("SEPTIEMBRE") AS "9",
        staging.parse_count("OCTUBRE") AS "10",
        staging.parse_count("NOVIEMBRE") AS "11",
        staging.parse_count("DICIEMBRE") AS "12"
    FROM source
    JOIN core.geo_state_lookup AS lookup
      ON lookup.normalized_name = staging.normalize_name(source."ENTIDAD")
),
identified AS (
    -- The crime row's id, once per wide row (not per month): the series is the file's.
    SELECT renamed.*,
           staging.crime_id(f.series, bien_juridico, tipo, subtipo, modalidad) AS crime_id
    FROM renamed
    JOIN ops.raw_files AS f USING (file_sha256)
)
SELECT * FROM identified;

-- The same rows in long form: one row per month, NULL where the month is not published.
CREATE OR REPLACE VIEW staging.sesnsp_state_old_xlsx AS
WITH unpivoted AS (
    FROM staging.sesnsp_state_old_xlsx_wide UNPIVOT INCLUDE NULLS (
        value FOR month_number IN ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")
    )
)
SELECT
    file_sha256,
    row_number,
    make_date(year, CAST(month_number AS INTEGER), 1) AS month,
    state_code,
    bien_juridico,
    tipo,
    subtipo,
    modalidad,
    crime_id,
    value
FROM unpivoted;
