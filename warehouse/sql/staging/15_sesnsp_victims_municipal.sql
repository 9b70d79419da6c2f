-- Municipal victims file (published since 2026), by sex and age band: typed (a wide view,
-- one row per file row) and in long form. Codes are zero-padded to the 5-digit INEGI code.
CREATE OR REPLACE VIEW staging.sesnsp_victims_municipal_wide AS
WITH source AS (
    SELECT * FROM raw.sesnsp_victims_municipal
),
renamed AS (
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
        staging.parse_count("Enero") AS "1",
        staging.parse_count("Febrero") AS "2",
        staging.parse_count("Marzo") AS "3",
        staging.parse_count("Abril") AS "4",
        staging.parse_count("Mayo") AS "5",
        staging.parse_count("Junio") AS "6",
        staging.parse_count("Julio") AS "7",
        staging.parse_count("Agosto") AS "8",
        staging.parse_count("Septiembre") AS "9",
        staging.parse_count("Octubre") AS "10",
        staging.parse_count("Noviembre") AS "11",
        staging.parse_count("Diciembre") AS "12"
    FROM source
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
CREATE OR REPLACE VIEW staging.sesnsp_victims_municipal AS
WITH unpivoted AS (
    FROM staging.sesnsp_victims_municipal_wide UNPIVOT INCLUDE NULLS (
        value FOR month_number IN ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")
    )
)
SELECT
    file_sha256,
    row_number,
    make_date(year, CAST(month_number AS INTEGER), 1) AS month,
    state_code,
    municipality_code,
    municipality_name,
    bien_juridico,
    tipo,
    subtipo,
    modalidad,
    crime_id,
    sex,
    age_group,
    value
FROM unpivoted;
