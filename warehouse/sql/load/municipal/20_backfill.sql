-- A backfill rebuilds the months month_from .. month_to of every municipal file that
-- publishes them, oldest cut first: their versions were deleted (seguridad.backfill.prepare),
-- and each file, staged again from its raw bytes, writes the cells of those months whose
-- value differs from the file before it, as a load in cut order does. Variables:
-- file_sha256, series, month_from, month_to.
CREATE OR REPLACE TEMP TABLE new_cells AS
SELECT i.*, c.value AS old_value, c.month IS NOT NULL AS revises
FROM staged_cells AS i
LEFT JOIN (SELECT * FROM core.crime_municipal_cells
           WHERE is_newest AND series = getvariable('series')
             AND month BETWEEN getvariable('month_from') AND getvariable('month_to')) AS c
  ON c.municipality_code = i.municipality_code AND c.crime_id = i.crime_id
 AND c.month = i.month
WHERE i.month BETWEEN getvariable('month_from') AND getvariable('month_to')
  AND (c.month IS NULL OR c.value IS DISTINCT FROM i.value);

-- the cells are written by 30_write_cells.sql, which runs next

INSERT INTO core.municipal_touched
SELECT getvariable('series'), g.geo_code, m.month
FROM core.file_geos AS g CROSS JOIN staged_months AS m
WHERE g.file_sha256 = getvariable('file_sha256')
  AND m.month BETWEEN getvariable('month_from') AND getvariable('month_to');
