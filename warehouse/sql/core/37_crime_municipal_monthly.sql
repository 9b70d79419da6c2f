-- Every municipal cut as it was published, computed from the cells stored once per value
-- (core.crime_municipal_cells): for each loaded file, each cell of its rectangle (its
-- municipalities x its crime rows x its published months) with the value of the newest
-- version written by that file or a file before it in cut order (core.cut_order). The same shape as core.crime_state_monthly. A view, so reading one cut
-- costs one ASOF join; reading every cut expands the whole history (32M rows a cut).
CREATE OR REPLACE VIEW core.municipal_file_order AS
SELECT file_sha256, series, cut_date, dataset,
       row_number() OVER (PARTITION BY series ORDER BY cut_rank) AS rank
FROM core.cut_order
WHERE dataset = 'crime_municipal';
COMMENT ON VIEW core.municipal_file_order IS 'The loaded municipal crime files of each series in cut order (core.cut_order): rank 1 is the oldest.';
COMMENT ON COLUMN core.municipal_file_order.rank IS 'Position of the file in its series, in cut order (core.cut_order): 1 is the oldest cut.';

CREATE OR REPLACE VIEW core.crime_municipal_monthly AS
WITH rectangle AS (
    SELECT f.file_sha256, f.series, f.rank, g.geo_code AS municipality_code, r.crime_id,
           fm.month
    FROM core.municipal_file_order AS f
    JOIN core.file_geos AS g USING (file_sha256)
    JOIN core.file_crime_rows AS r USING (file_sha256)
    JOIN core.file_months AS fm USING (file_sha256)
    WHERE fm.published_cells > 0
),
versions AS (
    SELECT c.series, c.municipality_code, c.crime_id, c.month, c.value, f.rank
    FROM core.crime_municipal_cells AS c
    JOIN core.municipal_file_order AS f USING (file_sha256)
)
SELECT x.file_sha256, x.series, x.municipality_code, x.crime_id, x.month, v.value
FROM rectangle AS x
ASOF LEFT JOIN versions AS v
  ON v.series = x.series AND v.municipality_code = x.municipality_code
 AND v.crime_id = x.crime_id AND v.month = x.month AND x.rank >= v.rank;
COMMENT ON VIEW core.crime_municipal_monthly IS 'Crimes per municipality, crime row and month as each loaded cut published them (file x municipality x crime row x month, published months only), rebuilt from core.crime_municipal_cells. value NULL: the cell was published empty. Filter on file_sha256 to read one cut.';
