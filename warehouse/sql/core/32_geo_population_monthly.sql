-- Creates: core.geo_population_monthly (table), core.population_chosen (table)
-- Grain:   core.geo_population_monthly: vintage x geo_level x geo_code x sex x month
-- Grain:   core.population_chosen: geo_level x geo_code x sex x month
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

-- The population rates divide by, for the build's vintage (core.population_for): its rows where
-- it has the geography, else the municipal projections. Chosen once here, where the population
-- changes (this file runs again only then, seguridad/warehouse/incremental.py), instead of in
-- every mart and comparison that joins it: choosing it over the 1.7 million rows of the shipped
-- data cost ~0.5 s each time. Sorted by geography, so a lookup of a few reads a few blocks.
CREATE OR REPLACE TABLE core.population_chosen AS
SELECT getvariable('population_vintage') AS chosen_for, *
FROM core.geo_population_monthly
WHERE vintage IN (getvariable('population_vintage'), 'conapo_municipal')
QUALIFY row_number() OVER (PARTITION BY geo_level, geo_code, sex, month
                           ORDER BY vintage = getvariable('population_vintage') DESC) = 1
ORDER BY geo_level, geo_code, sex, month;
COMMENT ON TABLE core.population_chosen IS 'core.geo_population_monthly as the build''s population vintage (chosen_for) gives it to rates: that vintage''s rows where it has the geography, else the municipal projections (core.population_for).';
COMMENT ON COLUMN core.population_chosen.chosen_for IS 'The population vintage of the build (SEGURIDAD_POPULATION_VINTAGE) these rows were chosen for.';
