-- Creates: core.file_use (table), marts.sources (view), marts.series_coverage (view)
-- Grain:   core.file_use: dataset x series x month x file_sha256
-- Grain:   marts.sources: dataset x file_sha256
-- Grain:   marts.series_coverage: series
-- Reads:   core.current_file_months, core.series, marts.indicator_monthly, ops.file_intake
--
-- Which months of which files the marts read: the file of each dataset, series and month
-- (core.current_file_months), and an older, fuller file behind the indicators a newer slice
-- does not publish. A file none of whose months is here is superseded (ops.raw_files).
CREATE OR REPLACE TABLE core.file_use AS
SELECT dataset, series, month, file_sha256, cut_date FROM core.current_file_months
UNION
SELECT rf.dataset, i.series, i.month, i.file_sha256, i.cut_date
FROM (SELECT DISTINCT series, month, file_sha256, cut_date FROM marts.indicator_monthly) AS i
JOIN ops.file_intake AS rf USING (file_sha256);
COMMENT ON TABLE core.file_use IS 'Each dataset x series x month the marts read, and the file (publication cut) they read it from; rebuilt by every build.';

-- Provenance for every number: the raw files behind the marts and what each contributes.
CREATE OR REPLACE VIEW marts.sources AS
SELECT u.dataset, u.series, rf.file_name, rf.landing_path, u.file_sha256, u.cut_date,
       min(u.month) AS first_month, max(u.month) AS last_month, count(*) AS months
FROM core.file_use AS u
JOIN ops.file_intake AS rf USING (file_sha256)
GROUP BY ALL
ORDER BY u.dataset, u.series, first_month;
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
