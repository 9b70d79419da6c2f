-- Reads:   marts.indicator_monthly, marts.victims_monthly, ops.file_intake
--
-- The two crime catalogues never mix in one number: every row of the marts comes from files
-- of its own series (methodology), and a number is never made of files of two series.
SELECT 'marts.indicator_monthly' AS table_name, m.series, m.indicator, m.geo_level, m.geo_code,
       m.month, f.file_name, f.series AS file_series
FROM marts.indicator_monthly AS m JOIN ops.file_intake AS f USING (file_sha256)
WHERE f.series IS DISTINCT FROM m.series
UNION ALL
SELECT 'marts.victims_monthly', m.series, m.indicator, m.geo_level, m.geo_code, m.month,
       f.file_name, f.series
FROM marts.victims_monthly AS m JOIN ops.file_intake AS f USING (file_sha256)
WHERE f.series IS DISTINCT FROM m.series
ORDER BY 1, 2, 3, 4, 5, 6
