-- Creates: core.current_file_months (table)
-- Grain:   core.current_file_months: dataset x series x month
-- Reads:   core.newest_file_months
--
-- For each dataset, series and month, the file whose numbers the marts use: the newest
-- publication cut that publishes the month (core.newest_file_months, core.cut_order),
-- whatever order the files arrived in, kept as it stands for this build.
CREATE OR REPLACE TABLE core.current_file_months AS
SELECT dataset, series, month, file_sha256, cut_date FROM core.newest_file_months;
COMMENT ON TABLE core.current_file_months IS 'The file (publication cut) behind each dataset x series x month in the marts: the newest cut that publishes the month.';
