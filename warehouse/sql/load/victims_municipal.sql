-- Reads:   core.victims_municipal_monthly, staging.victims_municipal
--
-- Move one validated municipal victims file from raw to core, for the months month_from .. month_to (the
-- whole file when it is ingested, a backfill's range when it is rebuilt). What is there is
-- replaced, so loading the same months twice gives the same rows. file_months.sql follows.
-- Variables: file_sha256, series, month_from, month_to.
DELETE FROM core.victims_municipal_monthly
WHERE file_sha256 = getvariable('file_sha256')
  AND month BETWEEN getvariable('month_from') AND getvariable('month_to');

INSERT INTO core.victims_municipal_monthly
SELECT file_sha256, getvariable('series') AS series, municipality_code, crime_id, sex, age_group, month, value
FROM staging.victims_municipal
WHERE file_sha256 = getvariable('file_sha256')
  AND month BETWEEN getvariable('month_from') AND getvariable('month_to');
