-- Creates: core.crime_indicator_map (table)
-- Grain:   core.crime_indicator_map: indicator x series x crime_id
-- Reads:   core.crime_catalogue, core.crime_crosswalk
--
-- Which catalogue rows make up each indicator, from the crosswalk rules.
CREATE OR REPLACE TABLE core.crime_indicator_map AS
SELECT DISTINCT cw.indicator, c.series, c.crime_id, c.is_attempt
FROM core.crime_catalogue AS c
JOIN core.crime_crosswalk AS cw
  ON cw.series = c.series
 AND coalesce(c.bien_juridico, '') LIKE cw.bien_juridico
 AND c.tipo LIKE cw.tipo
 AND c.subtipo LIKE cw.subtipo
 AND c.modalidad LIKE cw.modalidad;
COMMENT ON TABLE core.crime_indicator_map IS 'indicator x series x crime_id, the crosswalk applied to the catalogue; attempt rows are marked.';
