-- Move one validated INPC file from raw to core (idempotent). Variables: file_sha256,
-- dataset, series.
DELETE FROM core.price_index WHERE file_sha256 = getvariable('file_sha256');
DELETE FROM core.file_months WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.price_index
SELECT file_sha256, month, inpc FROM staging.inpc_monthly
WHERE file_sha256 = getvariable('file_sha256');

INSERT INTO core.file_months
SELECT file_sha256, getvariable('dataset'), getvariable('series'), month, 1, 1
FROM core.price_index
WHERE file_sha256 = getvariable('file_sha256');
