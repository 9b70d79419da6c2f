-- Creates: core.price_index_monthly (table)
-- Grain:   core.price_index_monthly: month
-- Reads:   core.current_file_months, core.price_index
--
-- One price series for the marts, whatever files supplied it: for each month the newest
-- publication that has it (core.current_file_months), every file rebased onto the file of
-- the newest month by the median ratio of the months they share. A file sharing no month
-- with it cannot be rebased and is left out.
CREATE OR REPLACE TABLE core.price_index_monthly AS
WITH current_months AS (
    SELECT month, file_sha256 FROM core.current_file_months WHERE dataset = 'price_index'
),
base_file AS (
    SELECT file_sha256 FROM current_months ORDER BY month DESC LIMIT 1
),
factors AS (
    SELECT f.file_sha256, median(b.inpc / f.inpc) AS factor
    FROM core.price_index AS f
    JOIN core.price_index AS b
      ON b.month = f.month AND b.file_sha256 = (SELECT file_sha256 FROM base_file)
    WHERE f.file_sha256 IN (SELECT file_sha256 FROM current_months)
    GROUP BY ALL
)
SELECT c.month, p.inpc * f.factor AS inpc, p.inpc AS inpc_as_published, c.file_sha256,
       (SELECT file_sha256 FROM base_file) AS base_file_sha256
FROM current_months AS c
JOIN core.price_index AS p USING (file_sha256, month)
JOIN factors AS f USING (file_sha256)
ORDER BY c.month;
COMMENT ON TABLE core.price_index_monthly IS 'The INPC the marts use: per month, the newest price file that publishes it, rebased onto the base of the file of the newest month (ratios of the index are all real pesos need).';
COMMENT ON COLUMN core.price_index_monthly.inpc IS 'Index value in the base of base_file_sha256''s file.';
COMMENT ON COLUMN core.price_index_monthly.inpc_as_published IS 'The value as its own file gives it.';
COMMENT ON COLUMN core.price_index_monthly.base_file_sha256 IS 'The file whose base every value is expressed in.';
