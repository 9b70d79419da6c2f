-- Creates: marts.geo (table), marts.geo_member (view)
-- Grain:   marts.geo: geo_level x geo_code
-- Grain:   marts.geo_member: geo_level x geo_code x state_code
-- Reads:   core.geo_group, core.geo_group_member, core.geo_member, core.geo_municipal_group,
--          core.geo_municipal_group_member, core.geo_municipality, core.geo_state,
--          core.municipal_attribution
--
-- Every geography a report can name: the nation, the 32 states and the groups of states.
-- Municipalities are the catalogue's and the codes INEGI has not listed yet (flagged
-- unknown); rows of no single municipality ('No especificado', a district) are no geography:
-- they count in their state only (core.municipal_attribution).
CREATE OR REPLACE TABLE marts.geo AS
SELECT 'national' AS geo_level, '00' AS geo_code, 'Nacional' AS geo_name, 'Nacional' AS short_name,
       CAST(NULL AS VARCHAR) AS kind, 32 AS member_count, CAST(NULL AS VARCHAR) AS attribution,
       'National' AS geo_name_en
UNION ALL
SELECT 'state', state_code, state_name, short_name, NULL, 1, NULL, name_en FROM core.geo_state
UNION ALL
SELECT 'group', g.group_key, g.name_es, g.name_es, g.kind, count(m.state_code), NULL, g.name_en
FROM core.geo_group AS g
JOIN core.geo_group_member AS m USING (group_key)
GROUP BY ALL
UNION ALL
SELECT 'municipality', m.municipality_code, m.name || ', ' || s.short_name, m.name, NULL, NULL,
       coalesce(a.attribution, 'municipality'), m.name || ', ' || s.name_en
FROM core.geo_municipality AS m
JOIN core.geo_state AS s USING (state_code)
LEFT JOIN core.municipal_attribution AS a USING (municipality_code)
WHERE a.attribution IS DISTINCT FROM 'unattributed'
UNION ALL
SELECT 'group', g.group_key, g.name_es, g.name_es, g.kind, count(m.municipality_code), NULL,
       g.name_en
FROM core.geo_municipal_group AS g
JOIN core.geo_municipal_group_member AS m USING (group_key)
GROUP BY ALL;
COMMENT ON TABLE marts.geo IS 'Geographies: geo_level national (geo_code 00), state (01-32, INEGI), group (a key such as frontera_norte or a region) or municipality (5-digit INEGI code). Rows of no single municipality (No especificado, a 999 code, a district) are not geographies: they count in their state''s total only (marts.state_municipal_reconciliation shows them).';
COMMENT ON COLUMN marts.geo.attribution IS 'For municipalities: municipality (in INEGI''s catalogue) or unknown (a code the catalogue does not list yet: its figures load, flagged; no population, so no rate). NULL for other levels.';

CREATE OR REPLACE VIEW marts.geo_member AS SELECT * FROM core.geo_member;
COMMENT ON VIEW marts.geo_member IS 'The states that make up each geography (a state is its own member).';
