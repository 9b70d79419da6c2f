CREATE TABLE IF NOT EXISTS ops.meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);

-- What the intake did with each file. Whether a file's numbers are in the marts (loaded) or
-- every month of it is published by a newer cut (superseded) is not stored: the view
-- ops.raw_files derives it from the build (warehouse/sql/schema/05_files.sql).
CREATE TABLE IF NOT EXISTS ops.file_intake (
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
    intake VARCHAR NOT NULL,
    intake_reason VARCHAR,
    first_seen_at TIMESTAMPTZ NOT NULL,
    loaded_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR,
    archive_sha256 VARCHAR,
    mtime_ns BIGINT,
    CHECK (intake IN ('accepted', 'rejected', 'unpacked'))
);
COMMENT ON TABLE ops.file_intake IS 'One row per distinct file (by sha256) the pipeline has seen, and what its intake did: accepted (checked and loaded into core), rejected (failed validation; see ops.quarantine) or unpacked (a ZIP archive whose members have their own rows). Analysts read ops.raw_files, which adds whether the marts use the file.';
COMMENT ON COLUMN ops.file_intake.intake IS 'accepted, rejected or unpacked: what the intake did with the file (ops.raw_files.status says whether the marts use it).';
COMMENT ON COLUMN ops.file_intake.intake_reason IS 'Why a file was rejected or how an archive was unpacked; NULL for an accepted file.';
COMMENT ON COLUMN ops.file_intake.file_name IS 'The path as the user gave it (or as found in the landing zone by refresh).';
COMMENT ON COLUMN ops.file_intake.landing_path IS 'Where the bytes are kept, relative to the landing zone. Raw files are never modified or deleted.';
COMMENT ON COLUMN ops.file_intake.cut_date IS 'Publication cut: the last month the file publishes (first day of that month). NULL for files without cuts: population projections, Ramo 33, budgets without an edition in their name.';

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
