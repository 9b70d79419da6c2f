CREATE TABLE IF NOT EXISTS ops.meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE IF NOT EXISTS ops.raw_files (
    file_sha256 VARCHAR PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    landing_path VARCHAR NOT NULL,
    bytes BIGINT NOT NULL,
    format VARCHAR,
    dataset VARCHAR,
    series VARCHAR,
    encoding VARCHAR,
    line_ending VARCHAR,
    cut_date DATE,
    name_cut DATE,
    first_month DATE,
    last_month DATE,
    rows BIGINT,
    status VARCHAR NOT NULL,
    status_reason VARCHAR,
    first_seen_at TIMESTAMPTZ NOT NULL,
    loaded_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR
);
-- Added after the first release; kept in place (no rebuild needed).
ALTER TABLE ops.raw_files ADD COLUMN IF NOT EXISTS archive_sha256 VARCHAR;
ALTER TABLE ops.raw_files ADD COLUMN IF NOT EXISTS mtime_ns BIGINT;
COMMENT ON TABLE ops.raw_files IS 'One row per distinct file (by sha256) the pipeline has seen. status: loaded (some month of it is in the marts), superseded (every month it publishes is published by a newer cut), rejected (failed validation; see ops.quarantine), unpacked (a ZIP archive whose members have their own rows).';
COMMENT ON COLUMN ops.raw_files.archive_sha256 IS 'For a member of a ZIP archive: the sha256 of the archive it came in (landing_path is archive!member).';
COMMENT ON COLUMN ops.raw_files.mtime_ns IS 'Modification time of the landed file (nanoseconds): with its size, how a refresh knows a file it has seen without reading it.';
COMMENT ON COLUMN ops.raw_files.file_name IS 'The path as the user gave it (or as found in the landing zone by refresh).';
COMMENT ON COLUMN ops.raw_files.landing_path IS 'Where the bytes are kept, relative to the landing zone. Raw files are never modified or deleted.';
COMMENT ON COLUMN ops.raw_files.encoding IS 'Detected encoding: ascii, utf-8, utf-8-sig (with BOM), latin-1 or cp1252.';
COMMENT ON COLUMN ops.raw_files.line_ending IS 'CRLF, LF, CR (classic Mac) or mixed.';
COMMENT ON COLUMN ops.raw_files.cut_date IS 'Publication cut: the last month the file publishes (first day of that month). NULL for population files.';
COMMENT ON COLUMN ops.raw_files.name_cut IS 'The cut stated in the file name, if any (e.g. nov24). Must agree with the content.';

CREATE TABLE IF NOT EXISTS ops.quarantine (
    file_sha256 VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    row_number BIGINT,
    column_name VARCHAR,
    check_name VARCHAR NOT NULL,
    value VARCHAR,
    message VARCHAR NOT NULL,
    run_id VARCHAR,
    recorded_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE ops.quarantine IS 'Failure cases of rejected files: which row (numbered as a spreadsheet shows it, header = 1), column, rule and value. At most 10,000 rows per file.';

CREATE TABLE IF NOT EXISTS ops.runs (
    run_id VARCHAR PRIMARY KEY,
    command VARCHAR NOT NULL,
    parameters VARCHAR,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status VARCHAR NOT NULL,
    files_loaded INTEGER,
    files_rejected INTEGER,
    files_skipped INTEGER,
    rows_loaded BIGINT,
    duration_s DOUBLE,
    message VARCHAR,
    prefect_flow_run_id VARCHAR
);
COMMENT ON TABLE ops.runs IS 'Every ingest, refresh and rebuild that published the warehouse.';

CREATE TABLE IF NOT EXISTS ops.downloads (
    source VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    http_status INTEGER,
    file_sha256 VARCHAR,
    bytes BIGINT,
    file_name VARCHAR,
    etag VARCHAR,
    last_modified VARCHAR,
    message VARCHAR,
    run_id VARCHAR,
    attempted_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE ops.downloads IS 'Every download attempt (seguridad fetch): downloaded, not_modified (the server said 304 to our ETag / Last-Modified), failed (network, after retries), refused (an error status or an HTML page; nothing landed) or not_configured.';

CREATE TABLE IF NOT EXISTS ops.data_warnings (
    file_sha256 VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    row_number BIGINT,
    column_name VARCHAR,
    check_name VARCHAR NOT NULL,
    value VARCHAR,
    message VARCHAR NOT NULL,
    run_id VARCHAR,
    recorded_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE ops.data_warnings IS 'Suspicious cells of files that were loaded anyway (a format''s warnings model): which row, column, rule and value. The marts flag the numbers they touch.';
