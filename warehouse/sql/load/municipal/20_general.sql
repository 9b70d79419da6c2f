-- Reads:   core.crime_municipal_revised_cells, core.crime_municipal_rows, core.cut_order,
--          core.file_crime_rows, core.file_geos, core.file_months, ops.loader_municipal_touched
--
-- A municipal crime file older than some file of its series already loaded (a backfill's
-- late copy, an old cut that arrives after newer ones). What every other cut said stays what
-- it said; the file's rows go into the history in its place. For each file row, `prior` is
-- the version of the cut before this one and `later` the first version after it:
--   * no prior version: the file's row is written as a version in its place;
--   * the prior version publishes a month with another value (a revision): the file's row is
--     written as a version, and the next file after it that lists the row, if it had relied
--     on the prior version (no version of its own), gets that version written again for it;
--   * otherwise the file only adds months no cut before it published: filled into the prior.
-- Months the file publishes are filled into later versions that do not publish them (no cut
-- that reads those versions publishes such a month), so the newest version of a row always
-- holds every month published. Then the newest flags and the revisions of the rows touched
-- are derived again from the versions in cut order. Variables: file_sha256, series.
CREATE OR REPLACE TEMP TABLE file_rank AS
SELECT file_sha256, cut_rank AS rank FROM core.cut_order
WHERE dataset = 'crime_municipal' AND series = getvariable('series');

CREATE OR REPLACE TEMP TABLE this_rank AS
SELECT rank FROM file_rank WHERE file_sha256 = getvariable('file_sha256');

-- The versions of the rows this file lists, with their files' ranks.
CREATE OR REPLACE TEMP TABLE row_versions AS
SELECT v.*, r.rank
FROM core.crime_municipal_rows AS v
JOIN file_rank AS r USING (file_sha256)
SEMI JOIN staged AS s USING (municipality_code, crime_id, year)
WHERE v.series = getvariable('series');

CREATE OR REPLACE TEMP TABLE prior AS
SELECT * FROM row_versions WHERE rank < (SELECT rank FROM this_rank)
QUALIFY row_number() OVER (PARTITION BY municipality_code, crime_id, year
                           ORDER BY rank DESC) = 1;

CREATE OR REPLACE TEMP TABLE incoming AS
SELECT s.municipality_code, s.crime_id, s.year,
       s.m01, s.m02, s.m03, s.m04, s.m05, s.m06, s.m07, s.m08, s.m09, s.m10, s.m11, s.m12,
       p.m01 AS o01, p.m02 AS o02, p.m03 AS o03, p.m04 AS o04, p.m05 AS o05, p.m06 AS o06,
       p.m07 AS o07, p.m08 AS o08, p.m09 AS o09, p.m10 AS o10, p.m11 AS o11, p.m12 AS o12,
       p.year IS NOT NULL AS has_prior,
       coalesce(s.m01 <> p.m01 OR s.m02 <> p.m02 OR s.m03 <> p.m03 OR s.m04 <> p.m04
                OR s.m05 <> p.m05 OR s.m06 <> p.m06 OR s.m07 <> p.m07 OR s.m08 <> p.m08
                OR s.m09 <> p.m09 OR s.m10 <> p.m10 OR s.m11 <> p.m11 OR s.m12 <> p.m12,
                false) AS revises
FROM staged AS s
LEFT JOIN prior AS p USING (municipality_code, crime_id, year);
-- (x <> NULL is NULL: a month only one of the two publishes is no revision; OR keeps a true)

-- Rows that only add months: filled into the prior version.
UPDATE core.crime_municipal_rows AS v
SET m01 = coalesce(v.m01, i.m01), m02 = coalesce(v.m02, i.m02), m03 = coalesce(v.m03, i.m03),
    m04 = coalesce(v.m04, i.m04), m05 = coalesce(v.m05, i.m05), m06 = coalesce(v.m06, i.m06),
    m07 = coalesce(v.m07, i.m07), m08 = coalesce(v.m08, i.m08), m09 = coalesce(v.m09, i.m09),
    m10 = coalesce(v.m10, i.m10), m11 = coalesce(v.m11, i.m11), m12 = coalesce(v.m12, i.m12)
FROM (SELECT i.*, p.file_sha256 AS prior_file
      FROM incoming AS i JOIN prior AS p USING (municipality_code, crime_id, year)
      WHERE NOT i.revises) AS i
WHERE v.series = getvariable('series') AND v.file_sha256 = i.prior_file
  AND v.municipality_code = i.municipality_code AND v.crime_id = i.crime_id
  AND v.year = i.year;

-- For each revised row: the next file after this one that lists the row; if no version
-- comes before that file, it had relied on the prior version: written again for it.
CREATE OR REPLACE TEMP TABLE restored AS
WITH later_files AS (
    SELECT file_sha256, rank FROM file_rank WHERE rank > (SELECT rank FROM this_rank)
),
next_cover AS (
    SELECT i.municipality_code, i.crime_id, i.year, arg_min(f.file_sha256, f.rank) AS file,
           min(f.rank) AS rank
    FROM incoming AS i
    JOIN (SELECT DISTINCT file_sha256, year(month) AS year FROM core.file_months
          WHERE published_cells > 0) AS fm ON fm.year = i.year
    JOIN later_files AS f ON f.file_sha256 = fm.file_sha256
    JOIN core.file_geos AS g ON g.file_sha256 = f.file_sha256
                            AND g.geo_code = i.municipality_code
    JOIN core.file_crime_rows AS cr ON cr.file_sha256 = f.file_sha256
                                   AND cr.crime_id = i.crime_id
    WHERE i.revises
    GROUP BY ALL
),
next_version AS (
    SELECT municipality_code, crime_id, year, min(rank) AS rank
    FROM row_versions WHERE rank > (SELECT rank FROM this_rank)
    GROUP BY ALL
)
SELECT i.municipality_code, i.crime_id, i.year,
       coalesce(i.o01, i.m01) AS m01, coalesce(i.o02, i.m02) AS m02,
       coalesce(i.o03, i.m03) AS m03, coalesce(i.o04, i.m04) AS m04,
       coalesce(i.o05, i.m05) AS m05, coalesce(i.o06, i.m06) AS m06,
       coalesce(i.o07, i.m07) AS m07, coalesce(i.o08, i.m08) AS m08,
       coalesce(i.o09, i.m09) AS m09, coalesce(i.o10, i.m10) AS m10,
       coalesce(i.o11, i.m11) AS m11, coalesce(i.o12, i.m12) AS m12, nc.file
FROM incoming AS i
JOIN next_cover AS nc USING (municipality_code, crime_id, year)
LEFT JOIN next_version AS nv USING (municipality_code, crime_id, year)
WHERE i.revises AND (nv.rank IS NULL OR nv.rank > nc.rank);

-- The months this file publishes, filled into the later versions that do not publish them.
UPDATE core.crime_municipal_rows AS v
SET m01 = coalesce(v.m01, i.m01), m02 = coalesce(v.m02, i.m02), m03 = coalesce(v.m03, i.m03),
    m04 = coalesce(v.m04, i.m04), m05 = coalesce(v.m05, i.m05), m06 = coalesce(v.m06, i.m06),
    m07 = coalesce(v.m07, i.m07), m08 = coalesce(v.m08, i.m08), m09 = coalesce(v.m09, i.m09),
    m10 = coalesce(v.m10, i.m10), m11 = coalesce(v.m11, i.m11), m12 = coalesce(v.m12, i.m12)
FROM (SELECT i.*, l.file_sha256 AS later_file
      FROM incoming AS i
      JOIN row_versions AS l USING (municipality_code, crime_id, year)
      WHERE l.rank > (SELECT rank FROM this_rank)
        AND ((i.m01 IS NOT NULL AND l.m01 IS NULL) OR (i.m02 IS NOT NULL AND l.m02 IS NULL)
          OR (i.m03 IS NOT NULL AND l.m03 IS NULL) OR (i.m04 IS NOT NULL AND l.m04 IS NULL)
          OR (i.m05 IS NOT NULL AND l.m05 IS NULL) OR (i.m06 IS NOT NULL AND l.m06 IS NULL)
          OR (i.m07 IS NOT NULL AND l.m07 IS NULL) OR (i.m08 IS NOT NULL AND l.m08 IS NULL)
          OR (i.m09 IS NOT NULL AND l.m09 IS NULL) OR (i.m10 IS NOT NULL AND l.m10 IS NULL)
          OR (i.m11 IS NOT NULL AND l.m11 IS NULL) OR (i.m12 IS NOT NULL AND l.m12 IS NULL))
     ) AS i
WHERE v.series = getvariable('series') AND v.file_sha256 = i.later_file
  AND v.municipality_code = i.municipality_code AND v.crime_id = i.crime_id
  AND v.year = i.year;

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
       NOT EXISTS (SELECT 1 FROM row_versions AS l
                   WHERE l.municipality_code = i.municipality_code AND l.crime_id = i.crime_id
                     AND l.year = i.year AND l.rank > (SELECT rank FROM this_rank))
           AS is_newest
FROM incoming AS i;

-- The file's own versions: rows with no prior, and revised rows (with the prior's months it
-- does not publish); then the restored versions.
INSERT INTO core.crime_municipal_rows
SELECT getvariable('series'), municipality_code, crime_id, year,
       coalesce(m01, o01), coalesce(m02, o02), coalesce(m03, o03), coalesce(m04, o04),
       coalesce(m05, o05), coalesce(m06, o06), coalesce(m07, o07), coalesce(m08, o08),
       coalesce(m09, o09), coalesce(m10, o10), coalesce(m11, o11), coalesce(m12, o12),
       getvariable('file_sha256'), false
FROM incoming
WHERE NOT has_prior OR revises;
INSERT INTO core.crime_municipal_rows
SELECT getvariable('series'), municipality_code, crime_id, year, m01, m02, m03, m04, m05, m06,
       m07, m08, m09, m10, m11, m12, file, false
FROM restored;

-- The newest version of every row touched: the version of the newest file.
CREATE OR REPLACE TEMP TABLE touched_rows AS
SELECT municipality_code, crime_id, year FROM staged;
UPDATE core.crime_municipal_rows AS v SET is_newest = ranked.newest
FROM (
    SELECT v2.municipality_code, v2.crime_id, v2.year, v2.file_sha256,
           r.rank = max(r.rank) OVER (PARTITION BY v2.municipality_code, v2.crime_id,
                                                   v2.year) AS newest
    FROM core.crime_municipal_rows AS v2
    JOIN file_rank AS r USING (file_sha256)
    SEMI JOIN touched_rows AS t USING (municipality_code, crime_id, year)
    WHERE v2.series = getvariable('series')
) AS ranked
WHERE v.series = getvariable('series') AND v.municipality_code = ranked.municipality_code
  AND v.crime_id = ranked.crime_id AND v.year = ranked.year
  AND v.file_sha256 = ranked.file_sha256 AND v.is_newest IS DISTINCT FROM ranked.newest;

-- The revisions of the rows touched, again from their versions in cut order.
DELETE FROM core.crime_municipal_revised_cells AS c
USING touched_rows AS t
WHERE c.series = getvariable('series') AND c.municipality_code = t.municipality_code
  AND c.crime_id = t.crime_id AND year(c.month) = t.year;
INSERT INTO core.crime_municipal_revised_cells
SELECT getvariable('series'), municipality_code, crime_id, make_date(year, month_no, 1),
       old_value, new_value, file_sha256
FROM (
    SELECT municipality_code, crime_id, year, file_sha256, unnest(range(1, 13)) AS month_no,
           unnest([p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12]) AS old_value,
           unnest([m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12]) AS new_value
    FROM (
        SELECT v.*, lag(m01) OVER w AS p01, lag(m02) OVER w AS p02, lag(m03) OVER w AS p03,
               lag(m04) OVER w AS p04, lag(m05) OVER w AS p05, lag(m06) OVER w AS p06,
               lag(m07) OVER w AS p07, lag(m08) OVER w AS p08, lag(m09) OVER w AS p09,
               lag(m10) OVER w AS p10, lag(m11) OVER w AS p11, lag(m12) OVER w AS p12
        FROM core.crime_municipal_rows AS v
        JOIN file_rank AS r USING (file_sha256)
        SEMI JOIN touched_rows AS t USING (municipality_code, crime_id, year)
        WHERE v.series = getvariable('series')
        WINDOW w AS (PARTITION BY v.municipality_code, v.crime_id, v.year ORDER BY r.rank)
    )
)
WHERE old_value IS NOT NULL AND new_value IS DISTINCT FROM old_value;

-- Every place and month the file covers: which file gives each indicator may change.
INSERT INTO ops.loader_municipal_touched
SELECT getvariable('series'), g.geo_code, m.month
FROM core.file_geos AS g CROSS JOIN staged_months AS m
WHERE g.file_sha256 = getvariable('file_sha256');
