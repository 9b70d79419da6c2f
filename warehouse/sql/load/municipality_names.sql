-- Reads:   core.municipality_name, staging.municipality_names
--
-- The municipality names a municipal SESNSP file writes, kept per file. Variables: file_sha256.
DELETE FROM core.municipality_name WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.municipality_name
SELECT DISTINCT file_sha256, municipality_code, state_code, municipality_name
FROM staging.municipality_names
WHERE file_sha256 = getvariable('file_sha256');
