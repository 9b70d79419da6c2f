-- Reads:   core.file_months, core.municipality_name, core.population_yearly,
--          raw.municipal_population, staging.municipal_population
--
-- Move one validated municipal population file from raw to core. Variables: file_sha256,
-- dataset.
-- Idempotent: the file's rows are replaced.
DELETE FROM core.population_yearly WHERE file_sha256 = getvariable('file_sha256');
DELETE FROM core.file_months WHERE file_sha256 = getvariable('file_sha256');
DELETE FROM core.municipality_name WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.population_yearly
SELECT file_sha256, vintage, geo_level, geo_code, year, sex, population_mid_year,
       population_start_year
FROM staging.municipal_population
WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.municipality_name
SELECT DISTINCT file_sha256, lpad(trim("CVE"), 5, '0'), left(lpad(trim("CVE"), 5, '0'), 2),
       trim("Municipio")
FROM raw.municipal_population
WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.file_months
SELECT file_sha256, getvariable('dataset'), vintage, make_date(year, 1, 1), count(*), count(*)
FROM core.population_yearly
WHERE file_sha256 = getvariable('file_sha256')
GROUP BY ALL;
