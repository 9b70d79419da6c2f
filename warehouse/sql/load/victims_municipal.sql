-- Move one validated municipal victims file from raw to core. Variables: file_sha256,
-- series, dataset.
INSERT INTO core.victims_municipal_monthly
SELECT file_sha256, getvariable('series') AS series, municipality_code, crime_id, sex,
       age_group, month, value
FROM staging.victims_municipal
WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.municipality_name
SELECT DISTINCT file_sha256, municipality_code, state_code, municipality_name
FROM staging.sesnsp_victims_municipal_wide
WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.file_months
SELECT file_sha256, getvariable('dataset'), getvariable('series'), month,
       count(*) AS cells, count(value) AS published_cells
FROM core.victims_municipal_monthly
WHERE file_sha256 = getvariable('file_sha256')
GROUP BY ALL;
