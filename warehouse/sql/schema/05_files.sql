-- Creates: core.cut_order (view), core.newest_file_months (view), core.file_use (table),
--          ops.raw_files (view)
-- Grain:   core.cut_order: file_sha256
-- Grain:   core.newest_file_months: dataset x series x month
-- Grain:   core.file_use: dataset x series x month x file_sha256
-- Grain:   ops.raw_files: file_sha256
-- Reads:   core.file_months, ops.file_intake
--
-- The one order of publication cuts, and the status of each file derived from it.
--
-- Of two accepted files, the newer is the one with the later publication cut; on equal cuts
-- (a re-issue), the one loaded last; a file without a cut (a population projection, a
-- budget file without an edition in its name) comes before every file with one. Every choice of "the newest cut" in the warehouse (the marts'
-- file for a month, core.newest_cut, check-claims' --as-of, the municipal versions, the
-- revisions) is the highest cut_rank of its candidates, and nothing else orders files.
CREATE OR REPLACE VIEW core.cut_order AS
SELECT file_sha256, dataset, series, cut_date, loaded_at,
       row_number() OVER (ORDER BY cut_date ASC NULLS FIRST, loaded_at ASC,
                                   file_sha256 DESC) AS cut_rank
FROM ops.file_intake
WHERE intake = 'accepted';
COMMENT ON VIEW core.cut_order IS 'Every accepted file in publication order: a higher cut_rank is a newer cut (on equal cuts, the file loaded last). The one definition of "the newest cut".';
COMMENT ON COLUMN core.cut_order.cut_rank IS 'Position in publication order, over all accepted files of every dataset (1 = the oldest). Compare ranks, do not store them: any file loaded with an older cut, or without one, shifts every rank after it.';

-- For each dataset, series and month, the file of the newest cut that publishes it, as the
-- files stand now (core/10_current_file_months.sql keeps it for a build's marts).
CREATE OR REPLACE VIEW core.newest_file_months AS
SELECT fm.dataset, fm.series, fm.month, arg_max(fm.file_sha256, o.cut_rank) AS file_sha256,
       arg_max(o.cut_date, o.cut_rank) AS cut_date
FROM core.file_months AS fm
JOIN core.cut_order AS o USING (file_sha256)
WHERE fm.published_cells > 0
GROUP BY fm.dataset, fm.series, fm.month;
COMMENT ON VIEW core.newest_file_months IS 'The file (publication cut) of the newest cut that publishes each dataset x series x month, as the loaded files stand now.';

-- Which months of which files the marts read; rebuilt by every build (marts/30_sources.sql).
CREATE TABLE IF NOT EXISTS core.file_use (
    dataset VARCHAR,
    series VARCHAR,
    month DATE,
    file_sha256 VARCHAR,
    cut_date DATE
);

-- What analysts read: each file, what the intake did with it, and whether the marts use it.
-- A file is superseded when a newer cut publishes every month it publishes (it is the
-- newest for none: core.newest_file_months), and the marts take none of its numbers
-- (core.file_use: an older, fuller file behind what a newer slice leaves out stays loaded). The first half needs no build, so a file loaded
-- earlier in a run that has not rebuilt the marts yet reads right too.
CREATE OR REPLACE VIEW ops.raw_files AS
WITH outdated AS (
    SELECT DISTINCT file_sha256 FROM core.file_months WHERE published_cells > 0
    EXCEPT SELECT file_sha256 FROM core.newest_file_months
),
used AS (SELECT DISTINCT file_sha256 FROM core.file_use),
judged AS (
    SELECT f.*,
           f.intake = 'accepted' AND d.file_sha256 IS NOT NULL AND u.file_sha256 IS NULL
               AS superseded
    FROM ops.file_intake AS f
    LEFT JOIN outdated AS d USING (file_sha256)
    LEFT JOIN used AS u USING (file_sha256)
)
SELECT file_sha256, file_name, landing_path, bytes, format, dataset, series, encoding,
       line_ending, cut_date, name_cut, first_month, last_month, rows,
       CASE WHEN intake <> 'accepted' THEN intake
            WHEN superseded THEN 'superseded' ELSE 'loaded' END AS status,
       CASE WHEN intake <> 'accepted' THEN intake_reason
            WHEN superseded THEN 'every month it publishes is published by a newer cut'
       END AS status_reason,
       first_seen_at, loaded_at, updated_at, run_id, archive_sha256, mtime_ns
FROM judged;
COMMENT ON VIEW ops.raw_files IS 'One row per distinct file (by sha256) the pipeline has seen. status: loaded (some of its numbers are in the marts), superseded (every month it publishes is published by a newer cut), rejected (failed validation; see ops.quarantine), unpacked (a ZIP archive whose members have their own rows). Derived at every read from ops.file_intake and the build (core.file_use); never updated.';
COMMENT ON COLUMN ops.raw_files.file_name IS 'The path as the user gave it (or as found in the landing zone by refresh).';
COMMENT ON COLUMN ops.raw_files.landing_path IS 'Where the bytes are kept, relative to the landing zone. Raw files are never modified or deleted.';
COMMENT ON COLUMN ops.raw_files.cut_date IS 'Publication cut: the last month the file publishes (first day of that month). NULL for files without cuts: population projections, Ramo 33, budgets without an edition in their name.';
COMMENT ON COLUMN ops.raw_files.status IS 'loaded, superseded, rejected or unpacked (see the view''s description).';
COMMENT ON COLUMN ops.raw_files.status_reason IS 'Why the file has its status: the reason of a rejection, or that a newer cut publishes every month of it.';
