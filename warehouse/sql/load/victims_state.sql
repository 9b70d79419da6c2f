-- Move one validated state victims file from raw to core. Variables: file_sha256, series,
-- dataset.
INSERT INTO core.victims_state_monthly
SELECT
    file_sha256,
    getvariable('series') AS series,
    state_code,
    crime_id,
    sex,
    age_group,
    month,
    value
FROM staging.victims_state
WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.file_months
SELECT file_sha256, getvariable('dataset'), getvariable('series'), month,
       count(*) AS cells, count(value) AS published_cells
FROM core.victims_state_monthly
WHERE file_sha256 = getvariable('file_sha256')
GROUP BY ALL;
