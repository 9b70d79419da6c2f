-- Reads:   core.crime_indicator_map, core.file_crime_rows, core.file_geos, core.file_months,
--          core.indicator_expected_rows, core.municipal_file_order,
--          core.municipal_indicator_newest, ops.loader_municipal_new_files,
--          ops.loader_municipal_touched
--
-- Municipal indicators of the marts, for the municipalities and months in the temp table
-- `touched` (those the loads since the last build changed; all of them when the crosswalk
-- changed), whose rows (versions of core.crime_municipal_versions, a year each) the temp view
-- `scope` holds (seguridad.warehouse.build.municipal_indicators makes both). Each indicator of a
-- municipality and month is given as the newest file that lists every crime row of the
-- indicator gives it: a newer slice (a state, a few crimes) never mixes into the totals of an
-- older, fuller file, and every number is one file's. Usually that file is the newest of all
-- for the place and month, and its values are the newest rows'; otherwise its values are
-- read from the history of each row.

CREATE OR REPLACE TEMP TABLE municipal_files AS
SELECT file_sha256, series, cut_date, rank FROM core.municipal_file_order;

CREATE OR REPLACE TEMP TABLE file_indicators AS
WITH present AS (
    SELECT r.file_sha256, f.series, m.indicator, count(*) AS rows
    FROM core.file_crime_rows AS r
    JOIN municipal_files AS f USING (file_sha256)
    JOIN core.crime_indicator_map AS m ON m.series = f.series AND m.crime_id = r.crime_id
    GROUP BY ALL
)
SELECT p.file_sha256, p.indicator
FROM present AS p
JOIN core.indicator_expected_rows AS e USING (series, indicator)
WHERE p.rows = e.expected_rows;

-- The places and months to look at: those whose values changed (`touched`), and those a file
-- loaded in order since the last build now publishes (their values stand, their source is
-- that file).
CREATE OR REPLACE TEMP TABLE restated AS
SELECT DISTINCT f.series, g.geo_code AS municipality_code, fm.month
FROM ops.loader_municipal_new_files AS n
JOIN municipal_files AS f USING (file_sha256)
JOIN core.file_geos AS g USING (file_sha256)
JOIN core.file_months AS fm USING (file_sha256)
WHERE fm.published_cells > 0
EXCEPT SELECT series, municipality_code, month FROM touched;

CREATE OR REPLACE TEMP TABLE covering AS
SELECT t.series, t.municipality_code, t.month, f.file_sha256, f.rank, f.cut_date
FROM (SELECT * FROM touched UNION ALL SELECT * FROM restated) AS t
JOIN core.file_months AS fm
  ON fm.series = t.series AND fm.month = t.month AND fm.published_cells > 0
 AND fm.dataset = 'crime_municipal'
JOIN core.file_geos AS g ON g.file_sha256 = fm.file_sha256 AND g.geo_code = t.municipality_code
JOIN municipal_files AS f ON f.file_sha256 = fm.file_sha256;

CREATE OR REPLACE TEMP TABLE indicator_file AS
WITH newest AS (
    SELECT series, municipality_code, month, max(rank) AS newest_rank
    FROM covering GROUP BY ALL
)
SELECT c.series, c.municipality_code, c.month, i.indicator,
       arg_max(c.file_sha256, c.rank) AS file_sha256, max(c.rank) AS rank,
       arg_max(c.cut_date, c.rank) AS cut_date, any_value(n.newest_rank) AS newest_rank
FROM covering AS c
JOIN file_indicators AS i USING (file_sha256)
JOIN newest AS n USING (series, municipality_code, month)
GROUP BY ALL;

DELETE FROM core.municipal_indicator_newest AS n
USING touched AS t
WHERE n.series = t.series AND n.municipality_code = t.municipality_code AND n.month = t.month;

-- the indicator's file is the newest for the place and month: the newest rows, summed by
-- year, a column a month, then one row a month
INSERT INTO core.municipal_indicator_newest
WITH yearly AS (
    SELECT c.series, c.municipality_code, m.indicator, c.year,
           CAST(sum(c.m01) FILTER (WHERE NOT m.is_attempt) AS BIGINT) AS v01,
           CAST(sum(c.m01) FILTER (WHERE m.is_attempt) AS BIGINT) AS a01, count(c.m01) AS n01,
           CAST(sum(c.m02) FILTER (WHERE NOT m.is_attempt) AS BIGINT) AS v02,
           CAST(sum(c.m02) FILTER (WHERE m.is_attempt) AS BIGINT) AS a02, count(c.m02) AS n02,
           CAST(sum(c.m03) FILTER (WHERE NOT m.is_attempt) AS BIGINT) AS v03,
           CAST(sum(c.m03) FILTER (WHERE m.is_attempt) AS BIGINT) AS a03, count(c.m03) AS n03,
           CAST(sum(c.m04) FILTER (WHERE NOT m.is_attempt) AS BIGINT) AS v04,
           CAST(sum(c.m04) FILTER (WHERE m.is_attempt) AS BIGINT) AS a04, count(c.m04) AS n04,
           CAST(sum(c.m05) FILTER (WHERE NOT m.is_attempt) AS BIGINT) AS v05,
           CAST(sum(c.m05) FILTER (WHERE m.is_attempt) AS BIGINT) AS a05, count(c.m05) AS n05,
           CAST(sum(c.m06) FILTER (WHERE NOT m.is_attempt) AS BIGINT) AS v06,
           CAST(sum(c.m06) FILTER (WHERE m.is_attempt) AS BIGINT) AS a06, count(c.m06) AS n06,
           CAST(sum(c.m07) FILTER (WHERE NOT m.is_attempt) AS BIGINT) AS v07,
           CAST(sum(c.m07) FILTER (WHERE m.is_attempt) AS BIGINT) AS a07, count(c.m07) AS n07,
           CAST(sum(c.m08) FILTER (WHERE NOT m.is_attempt) AS BIGINT) AS v08,
           CAST(sum(c.m08) FILTER (WHERE m.is_attempt) AS BIGINT) AS a08, count(c.m08) AS n08,
           CAST(sum(c.m09) FILTER (WHERE NOT m.is_attempt) AS BIGINT) AS v09,
           CAST(sum(c.m09) FILTER (WHERE m.is_attempt) AS BIGINT) AS a09, count(c.m09) AS n09,
           CAST(sum(c.m10) FILTER (WHERE NOT m.is_attempt) AS BIGINT) AS v10,
           CAST(sum(c.m10) FILTER (WHERE m.is_attempt) AS BIGINT) AS a10, count(c.m10) AS n10,
           CAST(sum(c.m11) FILTER (WHERE NOT m.is_attempt) AS BIGINT) AS v11,
           CAST(sum(c.m11) FILTER (WHERE m.is_attempt) AS BIGINT) AS a11, count(c.m11) AS n11,
           CAST(sum(c.m12) FILTER (WHERE NOT m.is_attempt) AS BIGINT) AS v12,
           CAST(sum(c.m12) FILTER (WHERE m.is_attempt) AS BIGINT) AS a12, count(c.m12) AS n12
    FROM scope AS c
    JOIN core.crime_indicator_map AS m USING (series, crime_id)
    WHERE c.is_newest
    GROUP BY ALL
),
monthly AS (
    SELECT series, municipality_code, indicator, make_date(year, month_no, 1) AS month,
           v[month_no] AS value, a[month_no] AS attempts, n[month_no] AS cells
    FROM (
        SELECT *, unnest(range(1, 13)) AS month_no,
               [v01, v02, v03, v04, v05, v06, v07, v08, v09, v10, v11, v12] AS v,
               [a01, a02, a03, a04, a05, a06, a07, a08, a09, a10, a11, a12] AS a,
               [n01, n02, n03, n04, n05, n06, n07, n08, n09, n10, n11, n12] AS n
        FROM yearly
    )
    WHERE n[month_no] > 0
)
SELECT s.series, s.municipality_code, s.indicator, s.month, s.value, s.attempts, s.cells,
       s.cells, i.file_sha256, i.cut_date
FROM monthly AS s
SEMI JOIN touched AS t USING (series, municipality_code, month)
JOIN indicator_file AS i USING (series, municipality_code, month, indicator)
WHERE i.rank = i.newest_rank;

-- an older file's indicator (a newer file covers only part of the place's crime rows):
-- each row as that file gave it, its version up to that file
INSERT INTO core.municipal_indicator_newest
WITH as_of AS (
    SELECT i.series, i.municipality_code, i.month, i.indicator, i.file_sha256 AS of_file,
           i.cut_date AS of_cut, c.crime_id,
           [c.m01, c.m02, c.m03, c.m04, c.m05, c.m06, c.m07, c.m08, c.m09, c.m10, c.m11,
            c.m12][month(i.month)] AS value
    FROM indicator_file AS i
    JOIN scope AS c
      ON c.series = i.series AND c.municipality_code = i.municipality_code
     AND c.year = year(i.month) AND c.rank <= i.rank
    WHERE i.rank < i.newest_rank
    QUALIFY row_number() OVER (PARTITION BY i.series, i.municipality_code, i.month,
                                            i.indicator, c.crime_id ORDER BY c.rank DESC) = 1
),
cells AS (
    SELECT a.*, m.is_attempt
    FROM as_of AS a
    JOIN core.crime_indicator_map AS m
      ON m.series = a.series AND m.crime_id = a.crime_id AND m.indicator = a.indicator
    WHERE a.value IS NOT NULL
)
SELECT series, municipality_code, indicator, month,
       CAST(sum(value) FILTER (WHERE NOT is_attempt) AS BIGINT),
       CAST(sum(value) FILTER (WHERE is_attempt) AS BIGINT),
       count(*), count(value), any_value(of_file), any_value(of_cut)
FROM cells
GROUP BY ALL;

-- restated places and months: the same values, now from the newest file. Rewritten as a
-- delete and an insert, not an UPDATE: a monthly cut restates every place and month it
-- publishes (~3M rows), and DuckDB keeps an UPDATE's old values in memory (it ran out of
-- memory there), while a table, a delete and an insert spill to disk.
CREATE OR REPLACE TEMP TABLE restated_rows AS
SELECT n.* EXCLUDE (file_sha256, cut_date), i.file_sha256, i.cut_date
FROM core.municipal_indicator_newest AS n
JOIN (SELECT f.* FROM indicator_file AS f
      SEMI JOIN restated AS r USING (series, municipality_code, month)) AS i
  ON n.series = i.series AND n.municipality_code = i.municipality_code
 AND n.month = i.month AND n.indicator = i.indicator AND n.file_sha256 <> i.file_sha256;

DELETE FROM core.municipal_indicator_newest AS n
USING restated_rows AS r
WHERE n.series = r.series AND n.municipality_code = r.municipality_code
  AND n.month = r.month AND n.indicator = r.indicator;

INSERT INTO core.municipal_indicator_newest BY NAME SELECT * FROM restated_rows;

DROP TABLE restated_rows;

DELETE FROM ops.loader_municipal_touched;
DELETE FROM ops.loader_municipal_new_files;
DROP TABLE touched;
