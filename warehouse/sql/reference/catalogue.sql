-- Creates: core.series (table), core.indicator (table), core.crime_crosswalk (table),
--          core.series_break (table), core.ramo33_fund (table), core.report_threshold (table),
--          core.reconciliation_tolerance (table)
-- Grain:   core.series: series
-- Grain:   core.indicator: indicator
-- Grain:   core.crime_crosswalk: indicator x series x bien_juridico x tipo x subtipo x modalidad
-- Grain:   core.series_break: from_series x to_series x indicator
-- Grain:   core.ramo33_fund: column
-- Grain:   core.report_threshold: setting
-- Grain:   core.reconciliation_tolerance: indicator
-- Reads:   nothing of the warehouse
--
-- The crime side of the reference data: methodologies (series), indicators, and the crosswalk
-- that says which catalogue rows make up each indicator. New indicators are rows here.
CREATE OR REPLACE TABLE core.series AS
SELECT series, CAST(rank AS INTEGER) AS rank, name_es, name_en, words_es, words_en,
       CAST(first_year AS INTEGER) AS first_year, CAST(last_year AS INTEGER) AS last_year,
       description, CAST(strptime(closed_cut, '%Y-%m') AS DATE) AS closed_cut, closed_note
FROM read_csv(getvariable('reference_dir') || '/series.csv', header = true, all_varchar = true);
COMMENT ON TABLE core.series IS 'Methodologies (crime catalogues). Numbers from different series are never added together.';
COMMENT ON COLUMN core.series.closed_cut IS 'The last cut of a closed series (first day of its month): the SESNSP publishes it no more, and that cut completes it (a closed series is complete, never stale). NULL while the series is published.';
COMMENT ON COLUMN core.series.closed_note IS 'Why and how the series closed.';

CREATE OR REPLACE TABLE core.indicator AS
SELECT indicator, label_es, label_en, unit, description
FROM read_csv(getvariable('reference_dir') || '/indicators.csv', header = true,
              all_varchar = true);
COMMENT ON TABLE core.indicator IS 'Indicator keys with labels and definitions (schemas/reference/indicators.csv).';

CREATE OR REPLACE TABLE core.crime_crosswalk AS
SELECT indicator, series, bien_juridico, tipo, subtipo, modalidad, note
FROM read_csv(getvariable('reference_dir') || '/crime_crosswalk.csv', header = true,
              all_varchar = true);
COMMENT ON TABLE core.crime_crosswalk IS 'Rules (SQL LIKE patterns, % = any) mapping each catalogue''s rows to indicator keys (schemas/reference/crime_crosswalk.csv).';

CREATE OR REPLACE TABLE core.series_break AS
SELECT from_series, to_series, indicator, comparability, note, note_es
FROM read_csv(getvariable('reference_dir') || '/series_breaks.csv', header = true,
              all_varchar = true);
COMMENT ON TABLE core.series_break IS 'How comparable each indicator is across a methodology break (comparable, partial, not_comparable), with the reason. A comparison across a break is refused unless asked for, then flagged.';

CREATE OR REPLACE TABLE core.ramo33_fund AS
SELECT "column", program, label_es, note
FROM read_csv(getvariable('reference_dir') || '/ramo33_funds.csv', header = true,
              all_varchar = true);
COMMENT ON TABLE core.ramo33_fund IS 'The Ramo 33 funds: the column of the source file, the program key seguridad uses (fasp for the public-security fund), its name.';


CREATE OR REPLACE TABLE core.report_threshold AS
SELECT setting, CAST(value AS INTEGER) AS value, description
FROM read_csv(getvariable('reference_dir') || '/report_thresholds.csv', header = true,
              all_varchar = true);
COMMENT ON TABLE core.report_threshold IS 'Numbers the reports judge a figure by (schemas/reference/report_thresholds.csv): low_count, under which a count is flagged in rankings and maps.';
COMMENT ON COLUMN core.report_threshold.setting IS 'Which threshold: low_count.';
COMMENT ON COLUMN core.report_threshold.value IS 'The threshold, a whole number (low_count: a count under it is flagged).';

-- How far a state's municipal file may sum from its state file before the build warns
-- (marts.state_municipal_reconciliation, issue 22).
CREATE OR REPLACE TABLE core.reconciliation_tolerance AS
SELECT indicator, CAST(tolerance_pct AS DOUBLE) AS tolerance_pct, note
FROM read_csv(getvariable('reference_dir') || '/reconciliation_tolerance.csv', header = true,
              all_varchar = true);
COMMENT ON TABLE core.reconciliation_tolerance IS 'Tolerance (percent of the state total, per year and indicator; * for the rest) beyond which a state''s municipal file and its state file disagree enough for the build to warn (schemas/reference/reconciliation_tolerance.csv).';
