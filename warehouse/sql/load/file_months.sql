-- Reads:   core.file_months
--
-- Which months a SESNSP file covers and publishes, from what its load step just wrote to its
-- core table (the format's core_table): cells, and cells with a value (published_cells).
-- Variables: file_sha256, dataset, series, core_table, month_from, month_to.
DELETE FROM core.file_months
WHERE file_sha256 = getvariable('file_sha256')
  AND month BETWEEN getvariable('month_from') AND getvariable('month_to');

INSERT INTO core.file_months
SELECT file_sha256, getvariable('dataset'), getvariable('series'), month,
       count(*) AS cells, count(value) AS published_cells
FROM query_table(getvariable('core_table'))
WHERE file_sha256 = getvariable('file_sha256')
  AND month BETWEEN getvariable('month_from') AND getvariable('month_to')
GROUP BY ALL;
