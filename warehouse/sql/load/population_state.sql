-- Reads:   core.file_months, core.population_yearly, staging.population_state
--
-- Move one validated CONAPO state file from raw to core. Variables: file_sha256, dataset.
-- Idempotent: the file's rows are replaced.
DELETE FROM core.population_yearly WHERE file_sha256 = getvariable('file_sha256');
DELETE FROM core.file_months WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.population_yearly
SELECT file_sha256, vintage, geo_level, geo_code, year, sex, population_mid_year,
       population_start_year
FROM staging.population_state
WHERE file_sha256 = getvariable('file_sha256');

-- The 2010 vintage has no national row: the nation is the sum of its 32 states.
INSERT INTO core.population_yearly
SELECT file_sha256, vintage, 'national', '00', year, sex, sum(population_mid_year),
       sum(population_start_year)
FROM core.population_yearly
WHERE file_sha256 = getvariable('file_sha256') AND geo_level = 'state'
  AND NOT EXISTS (
    SELECT 1 FROM core.population_yearly p
    WHERE p.file_sha256 = getvariable('file_sha256') AND p.geo_level = 'national'
  )
GROUP BY ALL;

INSERT INTO core.file_months
SELECT file_sha256, getvariable('dataset'), vintage, make_date(year, 1, 1), count(*), count(*)
FROM core.population_yearly
WHERE file_sha256 = getvariable('file_sha256')
GROUP BY ALL;
