-- Reads:   core.file_months, core.price_index, staging.price_index
--
-- Move one validated price-index file (any of its formats) from raw to core (idempotent).
-- Variables: file_sha256, dataset, series.
DELETE FROM core.price_index WHERE file_sha256 = getvariable('file_sha256');
DELETE FROM core.file_months WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.price_index (file_sha256, month, inpc, row_number)
SELECT file_sha256, month, inpc, row_number FROM staging.price_index
WHERE file_sha256 = getvariable('file_sha256');

-- Each month published once: the newest file (latest month published) wins month by month.
INSERT INTO core.file_months
SELECT file_sha256, getvariable('dataset'), getvariable('series'), month, 1, 1
FROM core.price_index
WHERE file_sha256 = getvariable('file_sha256');
