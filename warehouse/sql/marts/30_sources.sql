-- Provenance for every number: the raw files behind the marts and what each contributes.
CREATE OR REPLACE VIEW marts.sources AS
WITH used AS (
    SELECT dataset, series, month, file_sha256, cut_date FROM core.current_file_months
    UNION  -- an older, fuller file behind the indicators a newer slice does not publish
    SELECT rf.dataset, i.series, i.month, i.file_sha256, i.cut_date
    FROM (SELECT DISTINCT series, month, file_sha256, cut_date
          FROM marts.indicator_monthly) AS i
    JOIN ops.raw_files AS rf USING (file_sha256)
)
SELECT u.dataset, u.series, rf.file_name, rf.landing_path, u.file_sha256, u.cut_date,
       min(u.month) AS first_month, max(u.month) AS last_month, count(*) AS months
FROM used AS u
JOIN ops.raw_files AS rf USING (file_sha256)
GROUP BY ALL
ORDER BY u.dataset, u.series, first_month;

-- A file whose months a newer cut publishes is superseded, unless the marts still take
-- some of its numbers (a newer file that is only a slice).
UPDATE ops.raw_files AS rf
SET status = 'loaded', status_reason = NULL, updated_at = now()
WHERE rf.status = 'superseded'
  AND rf.file_sha256 IN (SELECT DISTINCT file_sha256 FROM marts.indicator_monthly);
COMMENT ON VIEW marts.sources IS 'The raw files behind the marts: which months of which series each file provides, with its sha256 and publication cut.';

CREATE OR REPLACE VIEW marts.series_coverage AS
SELECT i.series, s.rank, s.name_es, s.name_en, min(i.month) AS first_month,
       max(i.month) AS last_month, count(DISTINCT i.month) AS months,
       max(i.cut_date) AS latest_cut
FROM marts.indicator_monthly AS i
JOIN core.series AS s USING (series)
WHERE i.geo_level = 'national' AND i.indicator = 'delitos_total'
GROUP BY ALL
ORDER BY s.rank;
COMMENT ON VIEW marts.series_coverage IS 'First and last published month of each crime series in the marts, and its newest cut.';
