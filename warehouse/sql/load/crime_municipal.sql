-- Move one validated municipal crime file from raw to core, for the months month_from .. month_to (the
-- whole file when it is ingested, a backfill's range when it is rebuilt). What is there is
-- replaced, so loading the same months twice gives the same rows.
-- Variables: file_sha256, series, dataset, month_from, month_to.
DELETE FROM core.crime_municipal_monthly
WHERE file_sha256 = getvariable('file_sha256')
  AND month BETWEEN getvariable('month_from') AND getvariable('month_to');

INSERT INTO core.crime_municipal_monthly
SELECT
    file_sha256,
    getvariable('series') AS series,
    municipality_code,
    crime_id,
    month,
    value
FROM staging.crime_municipal
WHERE file_sha256 = getvariable('file_sha256')
  AND month BETWEEN getvariable('month_from') AND getvariable('month_to');

DELETE FROM core.municipality_name WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.municipality_name
SELECT DISTINCT file_sha256, municipality_code, state_code, municipality_name
FROM staging.sesnsp_municipal_nm_wide
WHERE file_sha256 = getvariable('file_sha256');

DELETE FROM core.file_months
WHERE file_sha256 = getvariable('file_sha256')
  AND month BETWEEN getvariable('month_from') AND getvariable('month_to');

INSERT INTO core.file_months
SELECT file_sha256, getvariable('dataset'), getvariable('series'), month,
       count(*) AS cells, count(value) AS published_cells
FROM core.crime_municipal_monthly
WHERE file_sha256 = getvariable('file_sha256')
  AND month BETWEEN getvariable('month_from') AND getvariable('month_to')
GROUP BY ALL;
