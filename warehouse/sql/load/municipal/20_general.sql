-- A municipal crime file older than some file of its series already loaded (a backfill, a
-- late copy of an old cut). The newest values do not change; the file's values go into the
-- history where they differ from the cut before it, and the cut after it keeps what it said:
-- where it had relied on the value this file now revises, that value is written again for it.
-- Variables: file_sha256, series, cut (this file's cut).
-- The files of the series in cut order (this one included: its cut is recorded already).
CREATE OR REPLACE TEMP TABLE file_rank AS
SELECT file_sha256, cut_rank AS rank FROM core.cut_order
WHERE dataset = 'crime_municipal' AND series = getvariable('series');

CREATE OR REPLACE TEMP TABLE this_rank AS
SELECT rank FROM file_rank WHERE file_sha256 = getvariable('file_sha256');

CREATE OR REPLACE TEMP TABLE incoming AS SELECT * FROM staged_cells;

-- What the cut before this one said of each of its cells.
CREATE OR REPLACE TEMP TABLE prior AS
SELECT c.municipality_code, c.crime_id, c.month, c.value
FROM core.crime_municipal_cells AS c
JOIN file_rank AS r USING (file_sha256)
SEMI JOIN incoming AS i USING (municipality_code, crime_id, month)
WHERE c.series = getvariable('series') AND r.rank < (SELECT rank FROM this_rank)
QUALIFY row_number() OVER (PARTITION BY c.municipality_code, c.crime_id, c.month
                           ORDER BY r.rank DESC) = 1;

CREATE OR REPLACE TEMP TABLE new_cells AS
SELECT i.*, p.value AS prior_value, p.month IS NOT NULL AS has_prior
FROM incoming AS i
LEFT JOIN prior AS p USING (municipality_code, crime_id, month)
WHERE p.month IS NULL OR p.value IS DISTINCT FROM i.value;

-- For each cell this file revises: the next version after it, and the next file after it
-- that covers the cell. If that file comes first, it said the prior value: write it again.
CREATE OR REPLACE TEMP TABLE restored AS
WITH later_files AS (
    SELECT r.file_sha256, r.rank FROM file_rank AS r
    WHERE r.rank > (SELECT rank FROM this_rank)
),
next_cover AS (
    SELECT n.municipality_code, n.crime_id, n.month, arg_min(f.file_sha256, f.rank) AS file,
           min(f.rank) AS rank
    FROM new_cells AS n
    JOIN core.file_months AS fm ON fm.month = n.month AND fm.published_cells > 0
    JOIN later_files AS f ON f.file_sha256 = fm.file_sha256
    JOIN core.file_geos AS g ON g.file_sha256 = f.file_sha256
                            AND g.geo_code = n.municipality_code
    JOIN core.file_crime_rows AS cr ON cr.file_sha256 = f.file_sha256
                                   AND cr.crime_id = n.crime_id
    WHERE n.has_prior
    GROUP BY ALL
),
next_version AS (
    SELECT c.municipality_code, c.crime_id, c.month, min(r.rank) AS rank
    FROM core.crime_municipal_cells AS c
    JOIN later_files AS r USING (file_sha256)
    SEMI JOIN new_cells AS n USING (municipality_code, crime_id, month)
    WHERE c.series = getvariable('series')
    GROUP BY ALL
)
SELECT n.municipality_code, n.crime_id, n.month, n.prior_value AS value, nc.file
FROM new_cells AS n
JOIN next_cover AS nc USING (municipality_code, crime_id, month)
LEFT JOIN next_version AS nv USING (municipality_code, crime_id, month)
WHERE nv.rank IS NULL OR nv.rank > nc.rank;

INSERT INTO core.crime_municipal_cells
SELECT getvariable('series'), municipality_code, crime_id, month, value,
       getvariable('file_sha256'), false
FROM new_cells;
INSERT INTO core.crime_municipal_cells
SELECT getvariable('series'), municipality_code, crime_id, month, value, file, false
FROM restored;

-- The newest value of every cell touched: the version of the newest file.
CREATE OR REPLACE TEMP TABLE touched_cells AS
SELECT DISTINCT municipality_code, crime_id, month FROM new_cells;
UPDATE core.crime_municipal_cells AS c SET is_newest = ranked.newest
FROM (
    SELECT c2.municipality_code, c2.crime_id, c2.month, c2.file_sha256,
           r.rank = max(r.rank) OVER (PARTITION BY c2.municipality_code, c2.crime_id,
                                                   c2.month) AS newest
    FROM core.crime_municipal_cells AS c2
    JOIN file_rank AS r USING (file_sha256)
    SEMI JOIN touched_cells AS t USING (municipality_code, crime_id, month)
    WHERE c2.series = getvariable('series')
) AS ranked
WHERE c.series = getvariable('series') AND c.municipality_code = ranked.municipality_code
  AND c.crime_id = ranked.crime_id AND c.month = ranked.month
  AND c.file_sha256 = ranked.file_sha256 AND c.is_newest IS DISTINCT FROM ranked.newest;

-- The revisions of the cells touched, again from their versions in cut order.
DELETE FROM core.crime_municipal_revised_cells AS v
USING touched_cells AS t
WHERE v.series = getvariable('series') AND v.municipality_code = t.municipality_code
  AND v.crime_id = t.crime_id AND v.month = t.month;
INSERT INTO core.crime_municipal_revised_cells
SELECT getvariable('series'), municipality_code, crime_id, month, old_value, value, file_sha256
FROM (
    SELECT c.municipality_code, c.crime_id, c.month, c.value, c.file_sha256,
           lag(c.value) OVER w AS old_value, lag(c.file_sha256) OVER w AS previous
    FROM core.crime_municipal_cells AS c
    JOIN file_rank AS r USING (file_sha256)
    SEMI JOIN touched_cells AS t USING (municipality_code, crime_id, month)
    WHERE c.series = getvariable('series')
    WINDOW w AS (PARTITION BY c.municipality_code, c.crime_id, c.month ORDER BY r.rank)
)
WHERE previous IS NOT NULL AND value IS DISTINCT FROM old_value;

-- The fingerprints no longer say what the newest cells are for these rows: the next cut
-- loaded in order compares their cells one by one.
DELETE FROM core.crime_municipal_row_hashes AS h
USING (SELECT DISTINCT municipality_code, crime_id, year(month) AS year FROM touched_cells) AS t
WHERE h.series = getvariable('series') AND h.municipality_code = t.municipality_code
  AND h.crime_id = t.crime_id AND h.year = t.year;

-- Every place and month the file covers: which file gives each indicator may change.
INSERT INTO core.municipal_touched
SELECT getvariable('series'), g.geo_code, m.month
FROM core.file_geos AS g CROSS JOIN staged_months AS m
WHERE g.file_sha256 = getvariable('file_sha256');
