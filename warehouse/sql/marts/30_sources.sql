-- Provenance for every number: the raw files behind the marts and what each contributes.
CREATE OR REPLACE VIEW marts.sources AS
SELECT c.dataset, c.series, rf.file_name, rf.landing_path, c.file_sha256, c.cut_date,
       min(c.month) AS first_month, max(c.month) AS last_month, count(*) AS months
FROM core.current_file_months AS c
JOIN ops.raw_files AS rf USING (file_sha256)
GROUP BY ALL
ORDER BY c.dataset, c.series, first_month;
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
