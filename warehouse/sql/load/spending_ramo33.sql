-- Reads:   core.file_months, core.spending_yearly, staging.ramo33_state
--
-- Move one validated Ramo 33 file from raw to core (idempotent). Variables: file_sha256,
-- dataset, series.
DELETE FROM core.spending_yearly WHERE file_sha256 = getvariable('file_sha256');
DELETE FROM core.file_months WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.spending_yearly
SELECT file_sha256, row_number, source, program, fiscal_year, geo_level, geo_code, amount_mxn
FROM staging.ramo33_state
WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.file_months
SELECT file_sha256, getvariable('dataset'), getvariable('series'), make_date(fiscal_year, 1, 1),
       count(*), count(amount_mxn)
FROM core.spending_yearly
WHERE file_sha256 = getvariable('file_sha256')
GROUP BY ALL;
