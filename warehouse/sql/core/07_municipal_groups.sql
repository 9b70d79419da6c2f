-- Creates: core.geo_municipal_group (table), core.geo_municipal_group_member (table)
-- Grain:   core.geo_municipal_group: group_key
-- Grain:   core.geo_municipal_group_member: group_key x municipality_code
-- Reads:   core.municipal_group_reference, core.program_spending
--
-- Groups made of municipalities: the user-defined ones, and one per prevention program with
-- the municipalities it funded ('programa_<program>'). Usable as --geo KEY.
CREATE OR REPLACE TABLE core.geo_municipal_group AS
SELECT DISTINCT group_key, name_es, name_en, 'municipalities' AS kind,
       'User-defined group of municipalities (schemas/reference/municipal_groups.csv).'
           AS description
FROM core.municipal_group_reference
UNION ALL
SELECT DISTINCT 'programa_' || program, 'Municipios del programa ' || program,
       'Municipalities funded by ' || program, 'program',
       'The municipalities where the program ' || program || ' spent (core.program_spending).'
FROM core.program_spending;
COMMENT ON TABLE core.geo_municipal_group IS 'Groups of municipalities: user-defined (kind municipalities) and the municipalities each prevention program funded (kind program).';

CREATE OR REPLACE TABLE core.geo_municipal_group_member AS
SELECT DISTINCT group_key, municipality_code FROM core.municipal_group_reference
UNION
SELECT DISTINCT 'programa_' || program, municipality_code FROM core.program_spending;
COMMENT ON TABLE core.geo_municipal_group_member IS 'The municipalities of each group of municipalities.';
