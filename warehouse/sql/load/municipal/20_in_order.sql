-- A municipal crime file newer than every file of its series already loaded (the monthly
-- case): only the rows whose fingerprint changed are unpacked into cells, and only the
-- cells whose value differs from the newest are written. The values they replace stay, no
-- longer newest: what earlier cuts said is kept.
CREATE OR REPLACE TEMP TABLE changed_rows AS
SELECT s.*, hash(s.m01, s.m02, s.m03, s.m04, s.m05, s.m06, s.m07, s.m08, s.m09, s.m10, s.m11,
                  s.m12) AS row_hash
FROM staged AS s
LEFT JOIN core.crime_municipal_row_hashes AS h
  ON h.series = getvariable('series') AND h.municipality_code = s.municipality_code
 AND h.crime_id = s.crime_id AND h.year = s.year
WHERE h.row_hash IS DISTINCT FROM
      hash(s.m01, s.m02, s.m03, s.m04, s.m05, s.m06, s.m07, s.m08, s.m09, s.m10, s.m11, s.m12);

CREATE OR REPLACE TEMP TABLE new_cells AS
WITH incoming AS (
    SELECT municipality_code, crime_id,
           make_date(year, CAST(right(name, 2) AS INTEGER), 1) AS month, value
    FROM changed_rows UNPIVOT (value FOR name IN (m01, m02, m03, m04, m05, m06, m07, m08, m09,
                                                    m10, m11, m12))
)
SELECT i.*, c.value AS old_value, c.month IS NOT NULL AS revises
FROM incoming AS i
LEFT JOIN (SELECT * FROM core.crime_municipal_cells
           WHERE is_newest AND series = getvariable('series')) AS c
  ON c.municipality_code = i.municipality_code AND c.crime_id = i.crime_id
 AND c.month = i.month
WHERE c.month IS NULL OR c.value IS DISTINCT FROM i.value;

-- the cells are written by 30_write_cells.sql, which runs next

DELETE FROM core.crime_municipal_row_hashes AS h
USING changed_rows AS r
WHERE h.series = getvariable('series') AND h.municipality_code = r.municipality_code
  AND h.crime_id = r.crime_id AND h.year = r.year;
INSERT INTO core.crime_municipal_row_hashes
SELECT getvariable('series'), municipality_code, crime_id, year, row_hash FROM changed_rows;

-- The places and months whose values changed; for the rest the file becomes the newest to
-- publish them, which the build records (core.municipal_new_files).
INSERT INTO core.municipal_touched
SELECT DISTINCT getvariable('series'), municipality_code, month FROM new_cells;
INSERT INTO core.municipal_new_files VALUES (getvariable('file_sha256'));
