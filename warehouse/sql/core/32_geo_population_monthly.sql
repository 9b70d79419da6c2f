-- Creates: core.geo_population_monthly (table)
-- Grain:   core.geo_population_monthly: vintage x geo_level x geo_code x sex x month
-- Reads:   core.geo_member, core.geo_municipal_group_member, core.population_monthly
--
-- Population of every geography a number can be given for, by vintage, sex and month: the
-- nation, groups of states and states add up their states; groups of municipalities add up
-- their municipalities. The one place rates take their denominators from.
CREATE OR REPLACE TABLE core.geo_population_monthly AS
SELECT p.vintage, gm.geo_level, gm.geo_code, p.sex, p.month,
       round(sum(p.population)) AS population, count(*) AS members
FROM core.population_monthly AS p
JOIN core.geo_member AS gm ON p.geo_level = 'state' AND p.geo_code = gm.state_code
GROUP BY ALL
UNION ALL
SELECT vintage, 'municipality', geo_code, sex, month, round(population), 1
FROM core.population_monthly
WHERE geo_level = 'municipality'
UNION ALL
SELECT p.vintage, 'group', gm.group_key, p.sex, p.month, round(sum(p.population)), count(*)
FROM core.population_monthly AS p
JOIN core.geo_municipal_group_member AS gm
  ON p.geo_level = 'municipality' AND p.geo_code = gm.municipality_code
GROUP BY ALL;
COMMENT ON TABLE core.geo_population_monthly IS 'Population by vintage, geography, sex and month, summed from states or municipalities; members says how many were added up.';
