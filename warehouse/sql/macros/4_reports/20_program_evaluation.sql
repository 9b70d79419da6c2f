-- Defines: marts.program_evaluation
-- Reads:   core.program_spending, marts.days_in_month, marts.days_in_year, marts.geo,
--          marts.indicator_monthly, marts.rate_per_100k
--
-- Did crime move differently where a prevention program spent? A difference in differences:
-- for each crime indicator, the change between two windows in the municipalities the
-- program funded, against the change in the comparable ones it did not fund (the other
-- municipalities of the same states), counting only municipalities that publish every month
-- of both windows.
--
--   SELECT * FROM marts.program_evaluation('pronapred', DATE '2012-01-01', DATE '2012-12-01',
--                                          DATE '2014-01-01', DATE '2014-12-01');
CREATE OR REPLACE MACRO marts.program_evaluation(p_program, p_before_start, p_before_end,
                                                 p_after_start, p_after_end)
AS TABLE
WITH funded AS (
    SELECT DISTINCT municipality_code FROM core.program_spending
    WHERE program = lower(p_program)
),
scope AS (
    SELECT g.geo_code AS municipality_code,
           g.geo_code IN (SELECT municipality_code FROM funded) AS is_funded
    FROM marts.geo AS g
    WHERE g.geo_level = 'municipality' AND g.attribution = 'municipality'  -- no unknown codes
      AND left(g.geo_code, 2) IN (SELECT DISTINCT left(municipality_code, 2) FROM funded)
),
windows AS (
    SELECT 'before' AS side, CAST(p_before_start AS DATE) AS first, CAST(p_before_end AS DATE)
               AS last
    UNION ALL SELECT 'after', CAST(p_after_start AS DATE), CAST(p_after_end AS DATE)
),
monthly AS (
    SELECT i.indicator, i.series, i.geo_code, s.is_funded, w.side, i.month, i.value,
           i.population
    FROM marts.indicator_monthly AS i
    JOIN scope AS s ON i.geo_level = 'municipality' AND i.geo_code = s.municipality_code
    JOIN windows AS w ON i.month BETWEEN w.first AND w.last
),
per_municipality AS (
    SELECT indicator, series, geo_code, is_funded, side, sum(value) AS value,
           avg(population) AS population, count(*) AS months, count(population) AS with_pop,
           sum(marts.days_in_month(month)) AS days, avg(marts.days_in_year(month)) AS year_days
    FROM monthly GROUP BY ALL
),
complete AS (
    -- Every month of both windows, or the municipality is left out of both sides.
    SELECT p.* FROM per_municipality AS p
    JOIN windows AS w USING (side)
    WHERE p.months = date_diff('month', w.first, w.last) + 1
    QUALIFY count(*) OVER (PARTITION BY p.indicator, p.series, p.geo_code) = 2
),
sides AS (
    SELECT indicator, series, is_funded, side, count(*) AS municipalities,
           sum(value) AS value,
           CASE WHEN sum(with_pop) = sum(months) THEN sum(population) END AS population,
           any_value(days) AS days, any_value(year_days) AS year_days
    FROM complete GROUP BY ALL
),
rated AS (
    SELECT *, marts.rate_per_100k(value, population, days, year_days) AS rate FROM sides
),
pivoted AS (
    SELECT indicator, series,
           max(municipalities) FILTER (is_funded AND side = 'after') AS funded_municipalities,
           max(value) FILTER (is_funded AND side = 'before') AS funded_before,
           max(value) FILTER (is_funded AND side = 'after') AS funded_after,
           max(rate) FILTER (is_funded AND side = 'before') AS funded_rate_before,
           max(rate) FILTER (is_funded AND side = 'after') AS funded_rate_after,
           max(municipalities) FILTER (NOT is_funded AND side = 'after')
               AS comparison_municipalities,
           max(value) FILTER (NOT is_funded AND side = 'before') AS comparison_before,
           max(value) FILTER (NOT is_funded AND side = 'after') AS comparison_after,
           max(rate) FILTER (NOT is_funded AND side = 'before') AS comparison_rate_before,
           max(rate) FILTER (NOT is_funded AND side = 'after') AS comparison_rate_after
    FROM rated GROUP BY ALL
)
SELECT
    lower(p_program) AS program,
    indicator,
    series,
    CAST(p_before_start AS DATE) AS before_start, CAST(p_before_end AS DATE) AS before_end,
    CAST(p_after_start AS DATE) AS after_start, CAST(p_after_end AS DATE) AS after_end,
    funded_municipalities, funded_before, funded_after,
    CASE WHEN funded_before > 0 THEN (funded_after - funded_before) * 100.0 / funded_before END
        AS funded_pct_change,
    funded_rate_before, funded_rate_after,
    comparison_municipalities, comparison_before, comparison_after,
    CASE WHEN comparison_before > 0
         THEN (comparison_after - comparison_before) * 100.0 / comparison_before END
        AS comparison_pct_change,
    comparison_rate_before, comparison_rate_after,
    CASE WHEN funded_before > 0 AND comparison_before > 0
         THEN (funded_after - funded_before) * 100.0 / funded_before
              - (comparison_after - comparison_before) * 100.0 / comparison_before END
        AS did_pct_points,
    (funded_rate_after - funded_rate_before) - (comparison_rate_after - comparison_rate_before)
        AS did_rate_per_100k
FROM pivoted
WHERE funded_municipalities IS NOT NULL AND comparison_municipalities IS NOT NULL
ORDER BY indicator, series;
