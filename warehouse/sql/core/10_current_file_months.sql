-- For each dataset, series and month, the file whose numbers the marts use: the newest
-- publication cut that publishes the month (core.cut_order), whatever order the files arrived
-- in. Whether a file is loaded or superseded follows from this (the view ops.raw_files).
CREATE OR REPLACE TABLE core.current_file_months AS
SELECT fm.dataset, fm.series, fm.month, arg_max(fm.file_sha256, o.cut_rank) AS file_sha256,
       arg_max(o.cut_date, o.cut_rank) AS cut_date
FROM core.file_months AS fm
JOIN core.cut_order AS o USING (file_sha256)
WHERE fm.published_cells > 0
GROUP BY fm.dataset, fm.series, fm.month;
COMMENT ON TABLE core.current_file_months IS 'The file (publication cut) behind each dataset x series x month in the marts: the newest cut that publishes the month.';
