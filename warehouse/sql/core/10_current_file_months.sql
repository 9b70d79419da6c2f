-- For each dataset, series and month, the file whose numbers the marts use: the newest
-- publication cut that publishes the month, whatever order the files arrived in (on equal
-- cuts, the one loaded last). Then each loaded file is marked loaded or superseded.
CREATE OR REPLACE TABLE core.current_file_months AS
WITH candidates AS (
    SELECT fm.dataset, fm.series, fm.month, fm.file_sha256, rf.cut_date, rf.loaded_at
    FROM core.file_months AS fm
    JOIN ops.raw_files AS rf USING (file_sha256)
    WHERE fm.published_cells > 0 AND rf.status IN ('loaded', 'superseded')
),
ranked AS (
    SELECT *,
           row_number() OVER (PARTITION BY dataset, series, month
                              ORDER BY cut_date DESC NULLS LAST, loaded_at DESC, file_sha256)
               AS preference
    FROM candidates
)
SELECT dataset, series, month, file_sha256, cut_date
FROM ranked
WHERE preference = 1;
COMMENT ON TABLE core.current_file_months IS 'The file (publication cut) behind each dataset x series x month in the marts: the newest cut that publishes the month.';

UPDATE ops.raw_files AS rf
SET status = new.status,
    status_reason = new.reason,
    updated_at = now()
FROM (
    SELECT file_sha256,
           CASE WHEN file_sha256 IN (SELECT file_sha256 FROM core.current_file_months)
                THEN 'loaded' ELSE 'superseded' END AS status,
           CASE WHEN file_sha256 IN (SELECT file_sha256 FROM core.current_file_months)
                THEN NULL ELSE 'every month it publishes is published by a newer cut' END
               AS reason
    FROM ops.raw_files
    WHERE status IN ('loaded', 'superseded')
      AND file_sha256 IN (SELECT file_sha256 FROM core.file_months)
) AS new
WHERE rf.file_sha256 = new.file_sha256 AND rf.status <> new.status;
