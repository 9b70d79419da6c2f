-- Municipal indicators of the marts, for the municipalities and months in the temp table
-- `touched` (those the loads since the last build changed; all of them when the crosswalk
-- changed), whose cells the temp view `scope` holds (seguridad.warehouse.municipal_indicators
-- makes both). Each indicator of a municipality and month is given as the newest file that
-- lists every crime row of the indicator gives it: a newer slice (a state, a few crimes)
-- never mixes into the totals of an older, fuller file, and every number is one file's.
-- Usually that file is the newest of all for the place and month, and its values are the
-- newest cells; otherwise its values are read from the history of each cell.

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
FROM core.municipal_new_files AS n
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

-- the indicator's file is the newest for the place and month: the newest cells
INSERT INTO core.municipal_indicator_newest
WITH sums AS (
    SELECT c.series, c.municipality_code, m.indicator, c.month,
           CAST(sum(c.value) FILTER (WHERE NOT m.is_attempt) AS BIGINT) AS value,
           CAST(sum(c.value) FILTER (WHERE m.is_attempt) AS BIGINT) AS attempts,
           count(*) AS cells, count(c.value) AS reported_cells
    FROM scope AS c
    JOIN core.crime_indicator_map AS m USING (series, crime_id)
    WHERE c.is_newest
    GROUP BY ALL
)
SELECT s.series, s.municipality_code, s.indicator, s.month, s.value, s.attempts, s.cells,
       s.reported_cells, i.file_sha256, i.cut_date
FROM sums AS s
JOIN indicator_file AS i USING (series, municipality_code, month, indicator)
WHERE i.rank = i.newest_rank;

-- an older file's indicator (a newer file covers only part of the place's crime rows):
-- each cell as that file gave it, its version up to that file
INSERT INTO core.municipal_indicator_newest
WITH as_of AS (
    SELECT i.series, i.municipality_code, i.month, i.indicator, i.file_sha256 AS of_file,
           i.cut_date AS of_cut, c.crime_id, c.value, m.is_attempt
    FROM indicator_file AS i
    JOIN scope AS c
      ON c.series = i.series AND c.municipality_code = i.municipality_code
     AND c.month = i.month
    JOIN municipal_files AS f ON f.file_sha256 = c.file_sha256 AND f.rank <= i.rank
    JOIN core.crime_indicator_map AS m
      ON m.series = c.series AND m.crime_id = c.crime_id AND m.indicator = i.indicator
    WHERE i.rank < i.newest_rank
    QUALIFY row_number() OVER (PARTITION BY i.series, i.municipality_code, i.month,
                                            i.indicator, c.crime_id ORDER BY f.rank DESC) = 1
)
SELECT series, municipality_code, indicator, month,
       CAST(sum(value) FILTER (WHERE NOT is_attempt) AS BIGINT),
       CAST(sum(value) FILTER (WHERE is_attempt) AS BIGINT),
       count(*), count(value), any_value(of_file), any_value(of_cut)
FROM as_of
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

DELETE FROM core.municipal_touched;
DELETE FROM core.municipal_new_files;
DROP TABLE touched;
