-- Creates: ops.meta (table), ops.file_intake (table), ops.quarantine (table), ops.runs (table),
--          ops.downloads (table), ops.data_warnings (table),
--          ops.loader_municipal_touched (table), ops.loader_municipal_new_files (table)
-- Grain:   ops.meta: key
-- Grain:   ops.file_intake: file_sha256
-- Grain:   ops.quarantine: file_sha256 x check_name x row_number x column_name x message
-- Grain:   ops.runs: run_id
-- Grain:   ops.downloads: url x attempted_at
-- Grain:   ops.data_warnings: file_sha256 x check_name x row_number x column_name x geo_code x crime_id x month_from x message
-- Grain:   ops.loader_municipal_touched: series x municipality_code x month
-- Grain:   ops.loader_municipal_new_files: file_sha256
-- Reads:   nothing of the warehouse
--
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
-- Where each warning's value lands (issue 22): a report names only the warnings that touch
-- its own numbers (marts.report_warnings). Added in place: older warehouses keep their rows.
ALTER TABLE ops.data_warnings ADD COLUMN IF NOT EXISTS geo_level VARCHAR;
ALTER TABLE ops.data_warnings ADD COLUMN IF NOT EXISTS geo_code VARCHAR;
ALTER TABLE ops.data_warnings ADD COLUMN IF NOT EXISTS crime_id BIGINT;
ALTER TABLE ops.data_warnings ADD COLUMN IF NOT EXISTS month_from DATE;
ALTER TABLE ops.data_warnings ADD COLUMN IF NOT EXISTS month_to DATE;
ALTER TABLE ops.data_warnings ADD COLUMN IF NOT EXISTS rows BIGINT;
COMMENT ON TABLE ops.data_warnings IS 'What is odd in files that were loaded anyway (the publisher''s quirks: a negative correction, a municipality code INEGI has not listed, rows of no single municipality, a repeated budget block with other amounts, an outlier, a thousands separator, a crime row new to its catalogue; the checks'' severities are declared in schemas/formats.toml): which file, row, column, rule and value, and where the value lands (geo_level, geo_code, crime_id, month_from..month_to; NULL is anywhere), so that a report names only the warnings that touch its numbers. Build rules that warn (a state total against its municipal file) are here too, under their rule''s name.';
COMMENT ON COLUMN ops.data_warnings.check_name IS 'The rule that found it, as its message names it (e.g. implausible value, is negative).';
COMMENT ON COLUMN ops.data_warnings.geo_level IS 'state or municipality: the level of geo_code. NULL: the warning is not tied to one place.';
COMMENT ON COLUMN ops.data_warnings.geo_code IS 'The state (01-32) or municipality (5-digit INEGI code, as the file writes it) whose value it is about; NULL for anywhere.';
COMMENT ON COLUMN ops.data_warnings.crime_id IS 'The crime row (core.crime_catalogue) whose value it is about; NULL for any crime row (a whole municipality, a whole file).';
COMMENT ON COLUMN ops.data_warnings.month_from IS 'First month (first day) the warned value concerns; NULL for any month.';
COMMENT ON COLUMN ops.data_warnings.month_to IS 'Last month (first day) the warned value concerns; NULL for any month.';
COMMENT ON COLUMN ops.data_warnings.rows IS 'How many rows of the file the warning stands for: a warning recorded once per value (an unknown municipality code) names its first row and counts the rest.';

-- Municipalities and months whose newest cells a load changed since the last build: the
-- build recomputes their indicators (core.municipal_indicator_newest) and clears this.
-- The loader's bookkeeping, not data (hence ops.loader_*, apart from what analysts query).
CREATE TABLE IF NOT EXISTS ops.loader_municipal_touched (
    series VARCHAR NOT NULL,
    municipality_code VARCHAR NOT NULL,
    month DATE NOT NULL
);

-- Municipal files loaded in cut order since the last build: the newest to publish what they
-- cover, so the build makes them the source of the indicators they did not change.
CREATE TABLE IF NOT EXISTS ops.loader_municipal_new_files (
    file_sha256 VARCHAR NOT NULL
);

COMMENT ON TABLE ops.loader_municipal_touched IS 'The loader''s bookkeeping between a load and the next build (not data): municipalities and months whose newest figures a load changed; the build recomputes their indicators and empties it.';
COMMENT ON TABLE ops.loader_municipal_new_files IS 'The loader''s bookkeeping between a load and the next build (not data): municipal files loaded in cut order since the last build.';
