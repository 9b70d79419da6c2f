-- Move one validated state crime file from raw to core. Variables: file_sha256, series, dataset.
INSERT INTO core.crime_state_monthly
SELECT
    file_sha256,
    getvariable('series') AS series,
    state_code,
    crime_id,
    month,
    value
FROM staging.crime_state
WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.file_months
SELECT file_sha256, getvariable('dataset'), getvariable('series'), month,
       count(*) AS cells, count(value) AS published_cells
FROM core.crime_state_monthly
WHERE file_sha256 = getvariable('file_sha256')
GROUP BY ALL;
