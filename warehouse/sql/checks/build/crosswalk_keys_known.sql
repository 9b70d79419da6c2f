-- Reads:   core.crime_crosswalk, core.indicator, core.series
--
-- Every crosswalk rule names a known indicator (schemas/reference/indicators.csv) and a known
-- series (schemas/reference/series.csv): a misspelt key would build an indicator nobody can
-- ask for, or drop crimes from the one meant.
SELECT cw.indicator, cw.series, cw.tipo, cw.subtipo,
       CASE WHEN i.indicator IS NULL THEN 'unknown indicator' ELSE 'unknown series' END AS problem
FROM core.crime_crosswalk AS cw
LEFT JOIN core.indicator AS i USING (indicator)
LEFT JOIN core.series AS s USING (series)
WHERE i.indicator IS NULL OR s.series IS NULL
ORDER BY cw.indicator, cw.series
