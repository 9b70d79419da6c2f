-- Reads:   core.file_months, core.program_spending, staging.program_spending
--
-- Move one validated program-spending file from raw to core (idempotent). Variables:
-- file_sha256, dataset.
DELETE FROM core.program_spending WHERE file_sha256 = getvariable('file_sha256');
DELETE FROM core.file_months WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.program_spending
SELECT file_sha256, row_number, program, fiscal_year, state_code, municipality_code,
       polygon_id, polygon_name, component, amount_mxn, beneficiaries
FROM staging.program_spending
WHERE file_sha256 = getvariable('file_sha256');

-- One "month" per program and fiscal year, so a newer file for the same program replaces
-- an older one year by year (the series is the program).
INSERT INTO core.file_months
SELECT file_sha256, getvariable('dataset'), program, make_date(fiscal_year, 1, 1), count(*),
       count(*)
FROM core.program_spending
WHERE file_sha256 = getvariable('file_sha256')
GROUP BY ALL;
