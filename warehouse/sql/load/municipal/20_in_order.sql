-- Reads:   core.crime_municipal_revised_cells, core.crime_municipal_rows,
--          ops.loader_municipal_new_files, ops.loader_municipal_touched
--
-- A municipal crime file newer than every file of its series already loaded (the monthly
-- case), or, in a backfill, each file again in cut order over the years the backfill
-- rebuilds (month_from .. month_to: whole years). Each file row is compared with the newest
-- version of its row:
--   * new: no version yet, written as the first;
--   * revised (a month both publish, with another value): written as a new version, whole
--     (the months the file does not publish keep the newest's values), and the version it
--     replaces stays, no longer newest: what earlier cuts said is kept;
--   * extended (only months the newest version does not publish, the cut's new month): filled
--     into the newest version, since no earlier cut published them;
--   * the same: nothing.
-- Variables: file_sha256, series, month_from, month_to.
CREATE OR REPLACE TEMP TABLE changed_rows AS
WITH compared AS (
    SELECT s.municipality_code, s.crime_id, s.year,
           s.m01, s.m02, s.m03, s.m04, s.m05, s.m06, s.m07, s.m08, s.m09, s.m10, s.m11, s.m12,
           n.m01 AS o01, n.m02 AS o02, n.m03 AS o03, n.m04 AS o04, n.m05 AS o05,
           n.m06 AS o06, n.m07 AS o07, n.m08 AS o08, n.m09 AS o09, n.m10 AS o10,
           n.m11 AS o11, n.m12 AS o12, n.year IS NOT NULL AS known
    FROM staged AS s
    LEFT JOIN (SELECT * FROM core.crime_municipal_rows
               WHERE is_newest AND series = getvariable('series')) AS n
      ON n.municipality_code = s.municipality_code AND n.crime_id = s.crime_id
     AND n.year = s.year
    WHERE s.year BETWEEN year(getvariable('month_from')) AND year(getvariable('month_to'))
)
SELECT *,
       known AND (s01 OR s02 OR s03 OR s04 OR s05 OR s06 OR s07 OR s08 OR s09 OR s10 OR s11
                  OR s12) AS revises
FROM (
    SELECT *,
           coalesce(m01 <> o01, false) AS s01, coalesce(m02 <> o02, false) AS s02,
           coalesce(m03 <> o03, false) AS s03, coalesce(m04 <> o04, false) AS s04,
           coalesce(m05 <> o05, false) AS s05, coalesce(m06 <> o06, false) AS s06,
           coalesce(m07 <> o07, false) AS s07, coalesce(m08 <> o08, false) AS s08,
           coalesce(m09 <> o09, false) AS s09, coalesce(m10 <> o10, false) AS s10,
           coalesce(m11 <> o11, false) AS s11, coalesce(m12 <> o12, false) AS s12
    FROM compared
    WHERE NOT known
       OR (m01 IS NOT NULL AND m01 IS DISTINCT FROM o01)
       OR (m02 IS NOT NULL AND m02 IS DISTINCT FROM o02)
       OR (m03 IS NOT NULL AND m03 IS DISTINCT FROM o03)
       OR (m04 IS NOT NULL AND m04 IS DISTINCT FROM o04)
       OR (m05 IS NOT NULL AND m05 IS DISTINCT FROM o05)
       OR (m06 IS NOT NULL AND m06 IS DISTINCT FROM o06)
       OR (m07 IS NOT NULL AND m07 IS DISTINCT FROM o07)
       OR (m08 IS NOT NULL AND m08 IS DISTINCT FROM o08)
       OR (m09 IS NOT NULL AND m09 IS DISTINCT FROM o09)
       OR (m10 IS NOT NULL AND m10 IS DISTINCT FROM o10)
       OR (m11 IS NOT NULL AND m11 IS DISTINCT FROM o11)
       OR (m12 IS NOT NULL AND m12 IS DISTINCT FROM o12)
);

-- Extended rows: the new months filled into the newest version.
UPDATE core.crime_municipal_rows AS r
SET m01 = coalesce(c.m01, r.m01), m02 = coalesce(c.m02, r.m02), m03 = coalesce(c.m03, r.m03),
    m04 = coalesce(c.m04, r.m04), m05 = coalesce(c.m05, r.m05), m06 = coalesce(c.m06, r.m06),
    m07 = coalesce(c.m07, r.m07), m08 = coalesce(c.m08, r.m08), m09 = coalesce(c.m09, r.m09),
    m10 = coalesce(c.m10, r.m10), m11 = coalesce(c.m11, r.m11), m12 = coalesce(c.m12, r.m12)
FROM (SELECT * FROM changed_rows WHERE known AND NOT revises) AS c
WHERE r.is_newest AND r.series = getvariable('series')
  AND r.municipality_code = c.municipality_code AND r.crime_id = c.crime_id
  AND r.year = c.year;

-- Revised rows: the version they replace is no longer the newest.
UPDATE core.crime_municipal_rows AS r SET is_newest = false
FROM (SELECT * FROM changed_rows WHERE revises) AS c
WHERE r.is_newest AND r.series = getvariable('series')
  AND r.municipality_code = c.municipality_code AND r.crime_id = c.crime_id
  AND r.year = c.year;

INSERT INTO core.crime_municipal_rows
SELECT getvariable('series'), municipality_code, crime_id, year,
       coalesce(m01, o01), coalesce(m02, o02), coalesce(m03, o03), coalesce(m04, o04),
       coalesce(m05, o05), coalesce(m06, o06), coalesce(m07, o07), coalesce(m08, o08),
       coalesce(m09, o09), coalesce(m10, o10), coalesce(m11, o11), coalesce(m12, o12),
       getvariable('file_sha256'), true
FROM changed_rows
WHERE NOT known OR revises;

-- Each revised month: its value before and after.
INSERT INTO core.crime_municipal_revised_cells
SELECT getvariable('series'), municipality_code, crime_id, make_date(year, month_no, 1),
       old_value, new_value, getvariable('file_sha256')
FROM (
    SELECT municipality_code, crime_id, year, unnest(range(1, 13)) AS month_no,
           unnest([o01, o02, o03, o04, o05, o06, o07, o08, o09, o10, o11, o12]) AS old_value,
           unnest([m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12]) AS new_value,
           unnest([s01, s02, s03, s04, s05, s06, s07, s08, s09, s10, s11, s12]) AS revised
    FROM changed_rows WHERE revises
)
WHERE revised;

-- The places and months whose values changed (revised or first published); for the rest the
-- file becomes the newest to publish them, which the build records (ops.loader_municipal_new_files).
INSERT INTO ops.loader_municipal_touched
SELECT DISTINCT getvariable('series'), municipality_code, make_date(year, month_no, 1)
FROM (
    SELECT municipality_code, year, unnest(range(1, 13)) AS month_no,
           unnest([m01 IS NOT NULL AND m01 IS DISTINCT FROM o01,
                   m02 IS NOT NULL AND m02 IS DISTINCT FROM o02,
                   m03 IS NOT NULL AND m03 IS DISTINCT FROM o03,
                   m04 IS NOT NULL AND m04 IS DISTINCT FROM o04,
                   m05 IS NOT NULL AND m05 IS DISTINCT FROM o05,
                   m06 IS NOT NULL AND m06 IS DISTINCT FROM o06,
                   m07 IS NOT NULL AND m07 IS DISTINCT FROM o07,
                   m08 IS NOT NULL AND m08 IS DISTINCT FROM o08,
                   m09 IS NOT NULL AND m09 IS DISTINCT FROM o09,
                   m10 IS NOT NULL AND m10 IS DISTINCT FROM o10,
                   m11 IS NOT NULL AND m11 IS DISTINCT FROM o11,
                   m12 IS NOT NULL AND m12 IS DISTINCT FROM o12]) AS changed
    FROM changed_rows
)
WHERE changed;
INSERT INTO ops.loader_municipal_new_files VALUES (getvariable('file_sha256'));

-- What the file wrote (warehouse/sql/checks/outliers_municipal.sql): the months it published
-- first or revised.
CREATE OR REPLACE TEMP TABLE written_rows AS
SELECT municipality_code, crime_id, year,
       CASE WHEN m01 IS DISTINCT FROM o01 THEN m01 END AS m01,
       CASE WHEN m02 IS DISTINCT FROM o02 THEN m02 END AS m02,
       CASE WHEN m03 IS DISTINCT FROM o03 THEN m03 END AS m03,
       CASE WHEN m04 IS DISTINCT FROM o04 THEN m04 END AS m04,
       CASE WHEN m05 IS DISTINCT FROM o05 THEN m05 END AS m05,
       CASE WHEN m06 IS DISTINCT FROM o06 THEN m06 END AS m06,
       CASE WHEN m07 IS DISTINCT FROM o07 THEN m07 END AS m07,
       CASE WHEN m08 IS DISTINCT FROM o08 THEN m08 END AS m08,
       CASE WHEN m09 IS DISTINCT FROM o09 THEN m09 END AS m09,
       CASE WHEN m10 IS DISTINCT FROM o10 THEN m10 END AS m10,
       CASE WHEN m11 IS DISTINCT FROM o11 THEN m11 END AS m11,
       CASE WHEN m12 IS DISTINCT FROM o12 THEN m12 END AS m12,
       true AS is_newest
FROM changed_rows;

