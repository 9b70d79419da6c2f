-- Defines: marts.report_warnings
-- Reads:   core.crime_indicator_map, core.geo_municipal_group_member, marts.geo_member,
--          ops.data_warnings
--
-- The warnings (ops.data_warnings) that touch a report's own numbers: those of the files the
-- report reads, about a crime row of its indicator, a place it adds up and a month of one of
-- its windows (a warning with no place, crime row or month touches every one). A homicide
-- comparison for the nation names no outlier of electoral crimes, and a state's comparison no
-- warning about another state.
--   p_files      the sha256s of the files behind the numbers
--   p_indicator  the indicator (core.crime_indicator_map)
--   p_geo_level, p_geo_code  the geography (its member states, or its municipalities)
--   p_from_1 .. p_to_2       the two windows (first days of their months)
CREATE OR REPLACE MACRO marts.report_warnings(p_files, p_indicator, p_geo_level, p_geo_code,
                                              p_from_1, p_to_1, p_from_2, p_to_2) AS TABLE
WITH member_states AS (
    SELECT state_code FROM marts.geo_member
    WHERE geo_level = p_geo_level AND geo_code = p_geo_code
),
member_municipalities AS (
    SELECT p_geo_code AS municipality_code WHERE p_geo_level = 'municipality'
    UNION ALL
    SELECT municipality_code FROM core.geo_municipal_group_member
    WHERE p_geo_level = 'group' AND group_key = p_geo_code
),
indicator_rows AS (
    SELECT crime_id FROM core.crime_indicator_map WHERE indicator = p_indicator
)
SELECT w.*
FROM ops.data_warnings AS w
WHERE list_contains(p_files, w.file_sha256)
  AND (w.crime_id IS NULL OR w.crime_id IN (SELECT crime_id FROM indicator_rows))
  AND (w.geo_code IS NULL
       OR (w.geo_level = 'state' AND w.geo_code IN (SELECT state_code FROM member_states))
       OR (w.geo_level = 'municipality'
           AND w.geo_code IN (SELECT municipality_code FROM member_municipalities)))
  AND (w.month_from IS NULL
       OR (w.month_from <= CAST(p_to_1 AS DATE) AND w.month_to >= CAST(p_from_1 AS DATE))
       OR (w.month_from <= CAST(p_to_2 AS DATE) AND w.month_to >= CAST(p_from_2 AS DATE)));
