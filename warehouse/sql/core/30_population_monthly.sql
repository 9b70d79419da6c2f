-- Creates: core.population_monthly (table)
-- Grain:   core.population_monthly: vintage x geo_level x geo_code x sex x month
-- Reads:   core.current_population_years, core.population_yearly
--
-- Monthly population by straight-line interpolation between mid-year (1 July) figures,
-- evaluated at the middle of each month; the first and last segments are extended to cover
-- January-June of the first year and July-December of the last.
CREATE OR REPLACE TABLE core.population_monthly AS
WITH current_years AS (
    SELECT p.vintage, p.geo_level, p.geo_code, p.sex, p.year,
           p.population_mid_year AS population
    FROM core.population_yearly AS p
    JOIN core.current_population_years AS c
      ON c.vintage = p.vintage AND c.month = make_date(p.year, 1, 1)
     AND c.file_sha256 = p.file_sha256
),
segments AS (
    SELECT vintage, geo_level, geo_code, sex, year, population,
           lead(population) OVER w AS next_population,
           lag(population) OVER w AS previous_population
    FROM current_years
    WINDOW w AS (PARTITION BY vintage, geo_level, geo_code, sex ORDER BY year)
),
months AS (
    SELECT s.*, m AS month_number, make_date(s.year, m, 1) AS month,
           (m - 0.5) / 12.0 - 0.5 AS offset_years  -- mid-month minus mid-year, in years
    FROM segments AS s, range(1, 13) AS r(m)
)
SELECT
    vintage,
    geo_level,
    geo_code,
    sex,
    month,
    -- Fixed-point, so sums over states are exact and identical from build to build.
    CAST(CASE
        WHEN offset_years >= 0 AND next_population IS NOT NULL
            THEN population + (next_population - population) * offset_years
        WHEN offset_years < 0 AND previous_population IS NOT NULL
            THEN population + (population - previous_population) * offset_years
        WHEN next_population IS NOT NULL
            THEN population + (next_population - population) * offset_years
        ELSE population + (population - previous_population) * offset_years
    END AS DECIMAL(18, 4)) AS population
FROM months;
COMMENT ON TABLE core.population_monthly IS 'Population per month (vintage x geography x sex: total, female, male), interpolated linearly between mid-year figures at mid-month.';
