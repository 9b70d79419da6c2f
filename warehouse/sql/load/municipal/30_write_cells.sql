-- Write the temp table `new_cells` (a file's cells whose value differs from the newest, with
-- the value they replace) as the newest versions of the series, after 20_in_order.sql or
-- 20_backfill.sql: the replaced versions stay, no longer newest, and each revision is
-- recorded. Variables: series, file_sha256.
UPDATE core.crime_municipal_cells AS c SET is_newest = false
FROM new_cells AS n
WHERE c.is_newest AND c.series = getvariable('series')
  AND c.municipality_code = n.municipality_code AND c.crime_id = n.crime_id
  AND c.month = n.month;

INSERT INTO core.crime_municipal_cells
SELECT getvariable('series'), municipality_code, crime_id, month, value,
       getvariable('file_sha256'), true
FROM new_cells;

INSERT INTO core.crime_municipal_revised_cells
SELECT getvariable('series'), municipality_code, crime_id, month, old_value, value,
       getvariable('file_sha256')
FROM new_cells WHERE revises;
