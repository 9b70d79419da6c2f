-- Creates: marts.indicator_rates (view)
-- Grain:   marts.indicator_rates: series x geo_level x geo_code x indicator x month x population_vintage
-- Reads:   core.geo_population_monthly, marts.days_in_month, marts.days_in_year,
--          marts.indicator_monthly, marts.rate_per_100k
--
-- The same monthly numbers with a rate under every population vintage: rates depend on the
-- projections chosen (CONAPO 2010 and 2023 differ by up to ~5% for a state).
CREATE OR REPLACE VIEW marts.indicator_rates AS
SELECT i.month, i.series, i.geo_level, i.geo_code, i.geo_name, i.indicator, i.value,
       p.vintage AS population_vintage, p.population,
       marts.rate_per_100k(i.value, p.population, marts.days_in_month(i.month),
                           marts.days_in_year(i.month)) AS rate_per_100k
FROM marts.indicator_monthly AS i
JOIN core.geo_population_monthly AS p
  ON p.geo_level = i.geo_level AND p.geo_code = i.geo_code AND p.month = i.month
 AND p.sex = 'total';
COMMENT ON VIEW marts.indicator_rates IS 'marts.indicator_monthly with population and annualised rate under every CONAPO vintage that covers the geography and month (one row per vintage). population_vintage says which.';
