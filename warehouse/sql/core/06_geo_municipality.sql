-- Creates: core.geo_municipality (table), core.municipal_attribution (table)
-- Grain:   core.geo_municipality: municipality_code
-- Grain:   core.municipal_attribution: municipality_code x state_code
-- Reads:   core.cut_order, core.municipal_unattributed_rule, core.municipality_catalogue,
--          core.municipality_name, staging.normalize_name
--
-- Municipalities: 5-digit INEGI code, state and name. Names come from the municipal
-- population file where it is loaded (accents, official spelling), else from INEGI's
-- catalogue (a municipality created after the projections), else from the newest municipal
-- crime file.
CREATE OR REPLACE TABLE core.geo_municipality AS
WITH named AS (
    SELECT n.municipality_code, n.state_code, n.name, o.dataset, o.cut_rank
    FROM core.municipality_name AS n
    JOIN core.cut_order AS o USING (file_sha256)
),
seen AS (
    SELECT
        municipality_code,
        any_value(state_code) AS state_code,
        first(name ORDER BY dataset = 'population_municipal' DESC, cut_rank DESC) AS name,
        bool_or(dataset = 'population_municipal') AS has_projection
    FROM named
    GROUP BY municipality_code
)
SELECT s.municipality_code, s.state_code,
       CASE WHEN s.has_projection THEN s.name ELSE coalesce(c.municipality_name, s.name) END
           AS name
FROM seen AS s
LEFT JOIN core.municipality_catalogue AS c USING (municipality_code);
COMMENT ON TABLE core.geo_municipality IS 'Municipalities seen in the loaded files: INEGI code, state, name.';

-- What each code a municipal file uses stands for, decided at every build from the reference
-- data (so a catalogue row added later attributes rows already loaded, with no reload):
--   municipality  a municipality of INEGI's catalogue;
--   unattributed  crimes of no single municipality, as the files write them ('No
--                 especificado', 'Otros municipios', the state code + 999, a judicial
--                 district): they count in the state's total, in no municipality, in no
--                 municipal ranking (schemas/reference/municipal_unattributed.csv);
--   unknown       a code INEGI's catalogue does not list (yet): its rows load under their
--                 state, flagged, warned about at ingest.
-- The name a crime file writes decides 'unattributed' (a district can carry a real code).
CREATE OR REPLACE TABLE core.municipal_attribution AS
WITH file_names AS (
    SELECT n.municipality_code,
           any_value(n.state_code) AS state_code,
           first(n.name ORDER BY o.cut_rank DESC) AS name_in_file
    FROM core.municipality_name AS n
    JOIN core.cut_order AS o USING (file_sha256)
    WHERE o.dataset IN ('crime_municipal', 'victims_municipal')
    GROUP BY n.municipality_code
),
unattributed AS (
    SELECT f.municipality_code, min(r.kind) AS kind
    FROM file_names AS f
    JOIN core.municipal_unattributed_rule AS r
      ON (r.rule = 'code_suffix' AND right(f.municipality_code, 3) = r.value)
      OR (r.rule = 'name' AND staging.normalize_name(f.name_in_file) = r.value)
      OR (r.rule = 'name_prefix' AND (staging.normalize_name(f.name_in_file) = r.value
          OR starts_with(staging.normalize_name(f.name_in_file), r.value || ' ')))
    GROUP BY f.municipality_code
)
SELECT f.municipality_code, f.state_code, f.name_in_file,
       CASE WHEN u.municipality_code IS NOT NULL THEN 'unattributed'
            WHEN c.municipality_code IS NOT NULL THEN 'municipality'
            ELSE 'unknown' END AS attribution,
       u.kind AS unattributed_kind
FROM file_names AS f
LEFT JOIN unattributed AS u USING (municipality_code)
LEFT JOIN core.municipality_catalogue AS c USING (municipality_code);
COMMENT ON TABLE core.municipal_attribution IS 'Each municipality code the municipal files use, and what it stands for: municipality (INEGI''s catalogue), unattributed (crimes of no single municipality: No especificado, Otros municipios, a 999 code, a district; they count in the state only) or unknown (a code the catalogue does not list yet: loaded under its state, flagged). Decided at every build from schemas/reference/, so a new catalogue row attributes rows already loaded.';
COMMENT ON COLUMN core.municipal_attribution.name_in_file IS 'The name the newest municipal file writes for the code.';
COMMENT ON COLUMN core.municipal_attribution.attribution IS 'municipality, unattributed or unknown (see the table''s description).';
COMMENT ON COLUMN core.municipal_attribution.unattributed_kind IS 'For unattributed codes: unspecified (no municipality identified) or district (several municipalities reported together).';
