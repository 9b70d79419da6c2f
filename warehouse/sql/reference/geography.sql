-- Creates: core.geo_state (table), core.geo_state_name_variant (table),
--          core.geo_state_lookup (table), core.geo_group (table),
--          core.geo_group_member (table), core.municipal_group_reference (table),
--          core.municipality_catalogue (table), core.municipal_unattributed_rule (table)
-- Grain:   core.geo_state: state_code
-- Grain:   core.geo_state_name_variant: state_code x variant
-- Grain:   core.geo_state_lookup: normalized_name
-- Grain:   core.geo_group: group_key
-- Grain:   core.geo_group_member: group_key x state_code
-- Grain:   core.municipal_group_reference: group_key x municipality_code
-- Grain:   core.municipality_catalogue: municipality_code
-- Grain:   core.municipal_unattributed_rule: rule x value
-- Reads:   staging.normalize_name
--
-- Geography as data (schemas/reference/*.csv): the 32 states, the spellings the files use,
-- and the groups reports can ask for (northern border, operating regions).
CREATE OR REPLACE TABLE core.geo_state AS
WITH source AS (
    SELECT * FROM read_csv(getvariable('reference_dir') || '/states.csv', header = true,
                           all_varchar = true)
)
SELECT state_code, state_name, short_name, abbreviation, name_en,
       coalesce(article_es, '') AS article_es, coalesce(article_en, '') AS article_en
FROM source;
COMMENT ON TABLE core.geo_state IS 'The 32 states: INEGI code, name as texts write it (INEGI''s official name but for the Estado de México), everyday name, abbreviation, English name, and the article a sentence puts before the name in Spanish and English.';

CREATE OR REPLACE TABLE core.geo_state_name_variant AS
SELECT state_code, variant, seen_in
FROM read_csv(getvariable('reference_dir') || '/state_name_variants.csv', header = true,
              all_varchar = true);
COMMENT ON TABLE core.geo_state_name_variant IS 'Spellings of state names found in the source files, matched without regard to case or accents.';

CREATE OR REPLACE TABLE core.geo_state_lookup AS
SELECT DISTINCT staging.normalize_name(name) AS normalized_name, state_code
FROM (
    SELECT state_code, state_name AS name FROM core.geo_state
    UNION ALL SELECT state_code, short_name FROM core.geo_state
    UNION ALL SELECT state_code, variant FROM core.geo_state_name_variant
);
COMMENT ON TABLE core.geo_state_lookup IS 'Normalized state name or variant -> INEGI code, for files that name states without a code.';

CREATE OR REPLACE TABLE core.geo_group AS
SELECT group_key, kind, name_es, name_en, description
FROM read_csv(getvariable('reference_dir') || '/geo_groups.csv', header = true,
              all_varchar = true);
COMMENT ON TABLE core.geo_group IS 'Groups of states: the northern border and the five operating regions of the federal security strategy (2013).';

CREATE OR REPLACE TABLE core.geo_group_member AS
SELECT group_key, state_code
FROM read_csv(getvariable('reference_dir') || '/geo_group_members.csv', header = true,
              all_varchar = true);

-- Groups of municipalities defined as data (schemas/reference/municipal_groups.csv); the
-- municipalities each prevention program funds become groups too (core step).
CREATE OR REPLACE TABLE core.municipal_group_reference AS
SELECT group_key, name_es, name_en, municipality_code, note
FROM read_csv(getvariable('reference_dir') || '/municipal_groups.csv', header = true,
              all_varchar = true);
COMMENT ON TABLE core.municipal_group_reference IS 'User-defined groups of municipalities, one row per member (schemas/reference/municipal_groups.csv).';

-- INEGI's catalogue of municipalities (schemas/reference/municipalities.csv, origin in its
-- README) and the SESNSP's ways of writing crimes of no single municipality
-- (municipal_unattributed.csv): together they attribute each code a municipal file uses, at
-- every build (core.municipal_attribution), so a catalogue row added later attributes the
-- rows already loaded without reloading them.
CREATE OR REPLACE TABLE core.municipality_catalogue AS
SELECT municipality_code, state_code, municipality_name
FROM read_csv(getvariable('reference_dir') || '/municipalities.csv', header = true,
              all_varchar = true);
COMMENT ON TABLE core.municipality_catalogue IS 'INEGI''s catalogue of municipalities (schemas/reference/municipalities.csv): 5-digit code, state, current name.';

CREATE OR REPLACE TABLE core.municipal_unattributed_rule AS
SELECT rule, CASE WHEN rule = 'code_suffix' THEN value ELSE staging.normalize_name(value) END
           AS value, kind, note
FROM read_csv(getvariable('reference_dir') || '/municipal_unattributed.csv', header = true,
              all_varchar = true);
COMMENT ON TABLE core.municipal_unattributed_rule IS 'How the municipal files write crimes of no single municipality (schemas/reference/municipal_unattributed.csv): a code ending (999), a name (No especificado, Otros municipios) or a name''s first word (Distrito); names normalized.';
