-- Reads:   core.crime_catalogue
--
-- outliers.sql for a municipal crime file, over the rows it just wrote (the temp table
-- `written_rows`, made by warehouse/sql/load/municipal/20_*.sql: the months whose value the
-- file published first or revised, the others NULL): for each municipality and crime row,
-- the largest month against the mean of the file's other months of the row, summed a year
-- (a stored row) at a time instead of a cell at a time. Flagged when it is more than 20 times
-- that mean and at least 50.
WITH per_year AS (
    SELECT municipality_code, crime_id, is_newest, year, list_max(v) AS top,
           list_position(v, list_max(v)) AS top_month_no, list_sum(v) AS total,
           length(list_filter(v, lambda x: x IS NOT NULL)) AS n
    FROM (SELECT *, [m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12] AS v
          FROM written_rows)
),
rows_of_file AS (
    SELECT municipality_code, crime_id, is_newest, max(top) AS top,
           arg_max(make_date(year, top_month_no, 1), top) AS top_month,
           (sum(total) - max(top)) / (sum(n) - 1) AS mean_of_others, sum(n) AS months
    FROM per_year
    WHERE n > 0
    GROUP BY ALL
    HAVING sum(n) >= 3
)
SELECT r.*, c.tipo, c.subtipo, c.modalidad
FROM rows_of_file AS r
JOIN core.crime_catalogue AS c USING (crime_id)
WHERE r.top >= 50 AND r.top > 20 * greatest(r.mean_of_others, 1)
ORDER BY r.top DESC
LIMIT 1000;
