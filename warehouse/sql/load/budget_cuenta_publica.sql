-- Reads:   core.budget_yearly, core.file_months, staging.cuenta_publica_programatica
--
-- Move one validated Cuenta Pública file from raw to core: every program of the file, not
-- only those seguridad follows (following one more is a reference row, not a reload).
-- Idempotent. Variables: file_sha256, dataset, series.
DELETE FROM core.budget_yearly WHERE file_sha256 = getvariable('file_sha256');
DELETE FROM core.file_months WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.budget_yearly BY NAME
SELECT file_sha256, row_number, fiscal_year, entity, ramo, subramo, ramo_name, program_code,
       program_name, stage, current_pesos, pensions_pesos, investment_pesos, amount_pesos,
       block
FROM staging.cuenta_publica_programatica
WHERE file_sha256 = getvariable('file_sha256');

-- One "month" per fiscal year (its January), so that a later edition of a year's Cuenta
-- Pública supersedes the earlier one, year by year, as a newer SESNSP cut does.
INSERT INTO core.file_months
SELECT file_sha256, getvariable('dataset'), getvariable('series'), make_date(fiscal_year, 1, 1),
       count(*), count(amount_pesos)
FROM core.budget_yearly
WHERE file_sha256 = getvariable('file_sha256')
GROUP BY ALL;
