-- Defines: core.population_for, core.with_population
-- Reads:   core.geo_population_monthly, core.population_chosen, marts.days_in_month,
--          marts.days_in_year, marts.rate_per_100k
--
-- Population for rates: the vintage a geography uses, and the one join of monthly values to
-- the population their rates divide by.

-- The vintage a geography's rates use: the chosen one where it has that geography, else the
-- municipal projections (municipalities and groups of them). The build's vintage was chosen
-- once, in core.population_chosen (core/32_geo_population_monthly.sql); another vintage (a
-- comparison's --vintage) is chosen here, the same way.
CREATE OR REPLACE MACRO core.population_for(p_vintage) AS TABLE
SELECT * EXCLUDE (chosen_for) FROM core.population_chosen WHERE chosen_for = p_vintage
UNION ALL
SELECT * FROM core.geo_population_monthly
WHERE vintage IN (p_vintage, 'conapo_municipal')
  AND p_vintage IS DISTINCT FROM (SELECT any_value(chosen_for) FROM core.population_chosen)
QUALIFY row_number() OVER (PARTITION BY geo_level, geo_code, sex, month
                           ORDER BY vintage = p_vintage DESC) = 1;

-- The one join of monthly values to the population their rates divide by, and its one guard.
-- p_values: a table or view with geo_level, geo_code, month, value, states (how many states,
-- or municipalities, the value adds up) and population_sex ('total', 'female', 'male', see
-- marts.population_sex; NULL for a row no population fits, such as one age band). The
-- population is p_vintage's (the municipal projections for municipalities and their groups,
-- core.population_for), and only where it adds up as many members as the value does: a
-- group whose value lacks a member has no population, so no rate. Adds population,
-- population_vintage and rate_per_100k (annualised, marts.rate_per_100k).
CREATE OR REPLACE MACRO core.with_population(p_values, p_vintage) AS TABLE
SELECT v.* EXCLUDE (population_sex),
       CAST(p.population AS BIGINT) AS population, p.vintage AS population_vintage,
       marts.rate_per_100k(v.value, p.population, marts.days_in_month(v.month),
                           marts.days_in_year(v.month)) AS rate_per_100k
FROM query_table(p_values) AS v
LEFT JOIN core.population_for(p_vintage) AS p
  ON p.geo_level = v.geo_level AND p.geo_code = v.geo_code AND p.month = v.month
 AND p.sex = v.population_sex AND p.members = v.states;
