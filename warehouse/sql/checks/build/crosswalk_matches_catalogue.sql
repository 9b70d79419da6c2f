-- Reads:   core.crime_catalogue, core.crime_crosswalk, ops.file_intake
--
-- Every crosswalk rule (schemas/reference/crime_crosswalk.csv) matches at least one row of
-- the crime catalogue of its series, once a state crime file of that series (which lists the
-- whole catalogue; a victims file or a slice lists only some crimes) is loaded: a rule that
-- matches nothing is a typo that silently drops crimes from an indicator.
SELECT cw.indicator, cw.series, cw.bien_juridico, cw.tipo, cw.subtipo, cw.modalidad
FROM core.crime_crosswalk AS cw
WHERE cw.series IN (SELECT series FROM ops.file_intake WHERE dataset = 'crime_state'
                    AND intake = 'accepted')
  AND NOT EXISTS (
    SELECT 1 FROM core.crime_catalogue AS c WHERE c.series = cw.series
      AND coalesce(c.bien_juridico, '') LIKE cw.bien_juridico AND c.tipo LIKE cw.tipo
      AND c.subtipo LIKE cw.subtipo AND c.modalidad LIKE cw.modalidad)
ORDER BY cw.series, cw.indicator
