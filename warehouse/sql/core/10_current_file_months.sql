-- Creates: core.current_file_months (table), core.current_population_years (view)
-- Grain:   core.current_file_months: dataset x series x month
-- Grain:   core.current_population_years: vintage x month
-- Reads:   core.newest_file_months
--
-- For each dataset, series and month, the file whose numbers the marts use: the newest
-- publication cut that publishes the month (core.newest_file_months, core.cut_order),
-- whatever order the files arrived in, kept as it stands for this build.
CREATE OR REPLACE TABLE core.current_file_months AS
SELECT dataset, series, month, file_sha256, cut_date FROM core.newest_file_months;
COMMENT ON TABLE core.current_file_months IS 'The file (publication cut) behind each dataset x series x month in the marts: the newest cut that publishes the month.';

-- The population files behind each vintage and year, the rows core/30 interpolates: a view of
-- their own, so a build that changed no population file gives that file the same input
-- (seguridad/warehouse/incremental.py) whatever crime cut it loaded.
CREATE OR REPLACE VIEW core.current_population_years AS
SELECT series AS vintage, month, file_sha256 FROM core.current_file_months
WHERE dataset IN ('population_state', 'population_municipal');
COMMENT ON VIEW core.current_population_years IS 'The population file (vintage) whose mid-year figures are used for each year: current_file_months of the population datasets.';
