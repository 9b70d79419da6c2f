-- Reads:   core.crime_catalogue, staging.catalogue_rows
--
-- Add the crime rows of one file to the series' catalogue. Variables: file_sha256, series.
INSERT INTO core.crime_catalogue
WITH rows_of_file AS (
    SELECT DISTINCT crime_id, bien_juridico, tipo, subtipo, modalidad
    FROM staging.catalogue_rows
    WHERE file_sha256 = getvariable('file_sha256')
)
SELECT crime_id, getvariable('series') AS series, bien_juridico, tipo, subtipo, modalidad,
       subtipo LIKE 'Tentativa de %' OR modalidad LIKE 'Tentativa de %' AS is_attempt
FROM rows_of_file
WHERE crime_id NOT IN (SELECT crime_id FROM core.crime_catalogue);
