-- Creates: core.municipal_file_order (view), core.crime_municipal_versions (view),
--          core.crime_municipal_monthly (view), core.crime_municipal_cells (view)
-- Grain:   core.municipal_file_order: file_sha256
-- Grain:   core.crime_municipal_versions: series x municipality_code x crime_id x year x file_sha256
-- Grain:   core.crime_municipal_monthly: file_sha256 x municipality_code x crime_id x month
-- Grain:   core.crime_municipal_cells: series x municipality_code x crime_id x month x file_sha256
-- Reads:   core.crime_municipal_rows, core.cut_order, core.file_crime_rows, core.file_geos,
--          core.file_months
--
-- Every municipal cut as it was published, computed from the rows stored once per version
-- (core.crime_municipal_rows): for each loaded file, each cell of its rectangle (its
-- municipalities x its crime rows x its published months) with the value of the newest
-- version written by that file or a file before it in cut order (core.cut_order). The same
-- shape as core.crime_state_monthly. A view, so reading one cut costs one ASOF join;
-- reading every cut expands the whole history (32M rows a cut).
CREATE OR REPLACE VIEW core.municipal_file_order AS
SELECT file_sha256, series, cut_date, dataset,
       row_number() OVER (PARTITION BY series ORDER BY cut_rank) AS rank
FROM core.cut_order
WHERE dataset = 'crime_municipal';
COMMENT ON VIEW core.municipal_file_order IS 'The loaded municipal crime files of each series in cut order (core.cut_order): rank 1 is the oldest.';
COMMENT ON COLUMN core.municipal_file_order.rank IS 'Position of the file in its series, in cut order (core.cut_order): 1 is the oldest cut.';

-- The versions of each municipal row with the rank of the file that wrote them.
CREATE OR REPLACE VIEW core.crime_municipal_versions AS
SELECT v.*, f.rank, f.cut_date
FROM core.crime_municipal_rows AS v
JOIN core.municipal_file_order AS f USING (file_sha256);
COMMENT ON VIEW core.crime_municipal_versions IS 'core.crime_municipal_rows with the position (rank) and cut of the file that wrote each version (core.municipal_file_order).';

CREATE OR REPLACE VIEW core.crime_municipal_monthly AS
WITH rectangle AS (
    SELECT f.file_sha256, f.series, f.rank, g.geo_code AS municipality_code, r.crime_id,
           y.year, y.months
    FROM core.municipal_file_order AS f
    JOIN core.file_geos AS g USING (file_sha256)
    JOIN core.file_crime_rows AS r USING (file_sha256)
    JOIN (SELECT file_sha256, year(month) AS year, list(month(month)) AS months
          FROM core.file_months WHERE published_cells > 0 GROUP BY ALL) AS y
      USING (file_sha256)
),
said AS (
    SELECT x.file_sha256, x.series, x.municipality_code, x.crime_id, x.year, x.months,
           [v.m01, v.m02, v.m03, v.m04, v.m05, v.m06, v.m07, v.m08, v.m09, v.m10, v.m11,
            v.m12] AS m
    FROM rectangle AS x
    ASOF LEFT JOIN core.crime_municipal_versions AS v
      ON v.series = x.series AND v.municipality_code = x.municipality_code
     AND v.crime_id = x.crime_id AND v.year = x.year AND x.rank >= v.rank
)
SELECT file_sha256, series, municipality_code, crime_id,
       make_date(year, month_no, 1) AS month, m[month_no] AS value
FROM (SELECT *, unnest(months) AS month_no FROM said);
COMMENT ON VIEW core.crime_municipal_monthly IS 'Crimes per municipality, crime row and month as each loaded cut published them (file x municipality x crime row x month, published months only), rebuilt from core.crime_municipal_rows. value NULL: the cell was published empty. Filter on file_sha256 to read one cut.';

-- The history one value per row: each municipal value a cut published that the cut before
-- it (in cut order) did not, the first publication and each revision, with the file that
-- published it, as the warehouse stored it up to schema version 5.
CREATE OR REPLACE VIEW core.crime_municipal_cells AS
WITH chained AS (
    SELECT series, municipality_code, crime_id, year, file_sha256, rank,
           [m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12] AS m,
           lag([m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12])
               OVER (PARTITION BY series, municipality_code, crime_id, year ORDER BY rank)
               AS p
    FROM core.crime_municipal_versions
),
changes AS (
    SELECT series, municipality_code, crime_id, year, file_sha256, rank, month_no,
           m[month_no] AS value
    FROM (SELECT *, unnest(range(1, 13)) AS month_no FROM chained)
    WHERE m[month_no] IS NOT NULL AND (p IS NULL OR m[month_no] IS DISTINCT FROM p[month_no])
),
ranked AS (
    SELECT *, rank = max(rank) OVER (PARTITION BY series, municipality_code, crime_id, year,
                                                  month_no) AS is_newest
    FROM changes
),
-- A month first published by a later cut is filled into the version it extends: its value
-- was published by the first file after that version's that lists the row and the month.
published_by AS (
    SELECT r.series, r.municipality_code, r.crime_id, r.year, r.month_no, r.rank,
           arg_min(f.file_sha256, f.rank) AS file_sha256
    FROM ranked AS r
    JOIN core.file_months AS fm
      ON fm.series = r.series AND fm.month = make_date(r.year, r.month_no, 1)
     AND fm.published_cells > 0 AND fm.dataset = 'crime_municipal'
    JOIN core.municipal_file_order AS f ON f.file_sha256 = fm.file_sha256 AND f.rank >= r.rank
    JOIN core.file_geos AS g ON g.file_sha256 = f.file_sha256
                            AND g.geo_code = r.municipality_code
    JOIN core.file_crime_rows AS c ON c.file_sha256 = f.file_sha256 AND c.crime_id = r.crime_id
    WHERE NOT EXISTS (SELECT 1 FROM core.file_months AS own
                      WHERE own.file_sha256 = r.file_sha256
                        AND own.month = make_date(r.year, r.month_no, 1)
                        AND own.published_cells > 0)
    GROUP BY ALL
)
SELECT r.series, r.municipality_code, r.crime_id, make_date(r.year, r.month_no, 1) AS month,
       r.value, coalesce(p.file_sha256, r.file_sha256) AS file_sha256, r.is_newest
FROM ranked AS r
LEFT JOIN published_by AS p USING (series, municipality_code, crime_id, year, month_no, rank);
COMMENT ON VIEW core.crime_municipal_cells IS 'Crimes per municipality (5-digit INEGI code), crime row and month, one row per value a cut published that the cut before it (in cut order) did not: the first publication and each revision, derived from core.crime_municipal_rows. file_sha256 is the file that published the value; is_newest marks the value of the newest cut.';
COMMENT ON COLUMN core.crime_municipal_cells.is_newest IS 'True for the version the newest cut of the series gives (what core.municipal_indicator_newest and the marts read).';
