-- Reads:   core.price_index, ops.file_intake
--
-- A price file against every price file loaded before it, over the months both publish.
-- Bases differ between files (and INEGI rebases the INPC now and then), so the other file
-- is first rebased onto this one by the median ratio of the shared months; a month where
-- the two still differ by more than 0.1% is a warning on this file's row. Variables:
-- file_sha256, value_column (the file's index column, to name it).
WITH this_file AS (
    SELECT month, inpc, row_number FROM core.price_index
    WHERE file_sha256 = getvariable('file_sha256')
),
others AS (
    SELECT p.file_sha256, rf.file_name, p.month, p.inpc
    FROM core.price_index AS p
    JOIN ops.file_intake AS rf USING (file_sha256)
    WHERE p.file_sha256 <> getvariable('file_sha256')
      AND rf.intake = 'accepted'
),
shared AS (
    SELECT o.file_sha256, o.file_name, t.month, t.row_number, t.inpc AS this_inpc,
           o.inpc AS other_inpc
    FROM this_file AS t
    JOIN others AS o USING (month)
),
factors AS (
    SELECT file_sha256, median(this_inpc / other_inpc) AS factor
    FROM shared
    GROUP BY ALL
),
compared AS (
    SELECT s.*, s.other_inpc * f.factor AS rebased
    FROM shared AS s
    JOIN factors AS f USING (file_sha256)
)
SELECT row_number, getvariable('value_column') AS column_name,
       'price index disagrees with another file' AS check_name,
       CAST(this_inpc AS VARCHAR) AS value,
       format('row {:,}, column {}: {} for {} differs by {:.2f}% from {}, whose {} is {:.6f} '
              'once rebased onto this file (more than 0.1%: a revision, or a damaged file?)',
              row_number, getvariable('value_column'), this_inpc, strftime(month, '%Y-%m'),
              100 * abs(rebased / this_inpc - 1), file_name, strftime(month, '%Y-%m'),
              rebased) AS message
FROM compared
WHERE abs(rebased / this_inpc - 1) > 0.001
ORDER BY row_number;
