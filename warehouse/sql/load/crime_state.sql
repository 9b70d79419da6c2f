-- Move one validated state crime file from raw to core. Variables: file_sha256, series, dataset.
INSERT INTO core.crime_catalogue
WITH rows_of_file AS (
    SELECT DISTINCT bien_juridico, tipo, subtipo, modalidad
    FROM staging.crime_state
    WHERE file_sha256 = getvariable('file_sha256')
),
with_id AS (
    SELECT staging.crime_id(getvariable('series'), bien_juridico, tipo, subtipo, modalidad)
               AS crime_id,
           getvariable('series') AS series, bien_juridico, tipo, subtipo, modalidad,
           subtipo LIKE 'Tentativa de %' OR modalidad LIKE 'Tentativa de %' AS is_attempt
    FROM rows_of_file
)
SELECT * FROM with_id
WHERE crime_id NOT IN (SELECT crime_id FROM core.crime_catalogue);

INSERT INTO core.crime_state_monthly
SELECT
    file_sha256,
    getvariable('series') AS series,
    state_code,
    staging.crime_id(getvariable('series'), bien_juridico, tipo, subtipo, modalidad) AS crime_id,
    month,
    value
FROM staging.crime_state
WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.file_months
SELECT file_sha256, getvariable('dataset'), getvariable('series'), month,
       count(*) AS cells, count(value) AS published_cells
FROM core.crime_state_monthly
WHERE file_sha256 = getvariable('file_sha256')
GROUP BY ALL;
