-- Reads:   marts.victims_monthly
--
-- Victims add up to their categories: in marts.victims_monthly the Total x Total row of a
-- place, month and indicator equals the sum of its sexes (all ages), of its age groups (both
-- sexes) and of its sex x age cells, wherever those are published.
WITH parts AS (
    SELECT month, series, geo_level, geo_code, indicator,
           any_value(value) FILTER (WHERE sex = 'Total' AND age_group = 'Total') AS total,
           sum(value) FILTER (WHERE sex <> 'Total' AND age_group = 'Total') AS by_sex,
           sum(value) FILTER (WHERE sex = 'Total' AND age_group <> 'Total') AS by_age,
           sum(value) FILTER (WHERE sex <> 'Total' AND age_group <> 'Total') AS by_sex_age
    FROM marts.victims_monthly
    GROUP BY ALL
)
SELECT * FROM parts
WHERE total IS DISTINCT FROM by_sex AND by_sex IS NOT NULL
   OR total IS DISTINCT FROM by_age AND by_age IS NOT NULL
   OR total IS DISTINCT FROM by_sex_age AND by_sex_age IS NOT NULL
ORDER BY month, series, geo_level, geo_code, indicator
