-- Move one validated municipal crime file from raw to core. Variables: file_sha256, series,
-- dataset.
INSERT INTO core.crime_municipal_monthly
SELECT
    file_sha256,
    getvariable('series') AS series,
    municipality_code,
    crime_id,
    month,
    value
FROM staging.crime_municipal
WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.municipality_name
SELECT DISTINCT file_sha256, municipality_code, state_code, municipality_name
FROM staging.sesnsp_municipal_nm_wide
WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.file_months
SELECT file_sha256, getvariable('dataset'), getvariable('series'), month,
       count(*) AS cells, count(value) AS published_cells
FROM core.crime_municipal_monthly
WHERE file_sha256 = getvariable('file_sha256')
GROUP BY ALL;
