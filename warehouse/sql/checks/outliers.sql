-- Reads:   core.crime_catalogue
--
-- Values far outside their own series, in the file just loaded (variables file_sha256,
-- core_table): for each place and crime row (and sex and age band for victims), the largest
-- month against the mean of the file's other months of the same row. Flagged when it is more
-- than 20 times that mean and at least 50: loaded, warned about (ops.data_warnings), never
-- silently trusted.
WITH cells AS (
    SELECT * EXCLUDE (file_sha256, series)
    FROM query_table(getvariable('core_table'))
    WHERE file_sha256 = getvariable('file_sha256') AND value IS NOT NULL
),
rows_of_file AS (
    SELECT COLUMNS(lambda c: c NOT IN ('month', 'value')),
           max(value) AS top, arg_max(month, value) AS top_month,
           (sum(value) - max(value)) / (count(*) - 1) AS mean_of_others, count(*) AS months
    FROM cells
    GROUP BY ALL
    HAVING count(*) >= 3
)
SELECT r.*, c.tipo, c.subtipo, c.modalidad
FROM rows_of_file AS r
JOIN core.crime_catalogue AS c USING (crime_id)
WHERE r.top >= 50 AND r.top > 20 * greatest(r.mean_of_others, 1)
ORDER BY r.top DESC
LIMIT 1000;
