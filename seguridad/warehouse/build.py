"""The DuckDB warehouse build: run the SQL files in their fixed order (setup, derive, seal),
on a private copy that is published safely.

Writers never touch the published file. A build copies it (or starts empty), works on the
copy, checkpoints, and swaps it onto the published path with one atomic rename; analysts with
read-only connections keep reading the snapshot they opened and never see half a build. One
writer at a time (seguridad.warehouse.lock). The published file, readers' connections and
snapshots: seguridad.warehouse.publish; the reference data's fingerprint and validation:
seguridad.warehouse.reference; the data rules a build must pass: seguridad.warehouse.rules."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from schemas.names import formats
from seguridad import faults
from seguridad.config import COLUMN_DOCS, SQL_DIR, Settings
from seguridad.db import fetch_one, run_sql_file, set_variables
from seguridad.errors import SeguridadError
from seguridad.i18n import say
from seguridad.warehouse import incremental, reconciliation, reference

# The names imported `as` themselves are not used here: callers (flows/, the command line,
# tests) reach them through this module, `from seguridad.warehouse import build as
# warehouse`; they live in its sibling modules lock, publish, reference and rules.
from seguridad.warehouse.lock import writer_lock as writer_lock
from seguridad.warehouse.lock import writer_session
from seguridad.warehouse.publish import check_published, prune_snapshots, snapshot
from seguridad.warehouse.publish import connect_read_only as connect_read_only
from seguridad.warehouse.publish import published_data_files as published_data_files
from seguridad.warehouse.publish import rollback as rollback
from seguridad.warehouse.publish import snapshots as snapshots
from seguridad.warehouse.published import protect
from seguridad.warehouse.reference import (
    reference_changed,
    reference_fingerprint,
    validate_reference,
)
from seguridad.warehouse.rules import RULES_DIR as RULES_DIR
from seguridad.warehouse.rules import check_rules
from seguridad.warehouse.rules import rule_failures as rule_failures

SCHEMA_VERSION = "7"  # 7: municipal crimes stored a row (a year) per version
# (core.crime_municipal_rows, ~12x fewer rows than a value per row); 6: warnings located
# (place, crime row, months), budget blocks. A warehouse of an older version is rebuilt from
# the landing zone once. Files are written in a storage format DuckDB 1.4 LTS and later can
# open (docs/warehouse-sql.md, "Storage").
STORAGE_VERSION = "v1.4.0"

# The SQL folders a build runs, in order (`load/` runs per file, between staging and core).
# Every macro is under warehouse/sql/macros/, in the subfolder of the phase whose tables it
# reads (DuckDB binds a macro's tables when it is created): values (no table), publication
# (the calendar), facts (core), reports (marts).
SETUP_STEPS = ("schema", "macros/1_values", "reference", "macros/2_publication", "staging")
DERIVE_STEPS = ("core", "macros/3_facts", "marts", "macros/4_reports")


def sql_files(step: str) -> list[Path]:
    return sorted((SQL_DIR / step).glob("*.sql"))


def run_step(con: duckdb.DuckDBPyConnection, step: str, comments_together: bool = False) -> None:
    """Run a step's SQL files in order (`comments_together`: see seguridad.db.run_sql_file;
    not inside a transaction, such as setup's)."""
    for path in sql_files(step):
        # a few derive files only when inputs changed
        incremental.run_file(con, step, path, comments_together)


def raw_table_ddl(spec: dict) -> str:
    """The raw table of a format, from its one declaration in schemas/formats.toml: the
    header's columns, all text, exactly as the files hold them, after the file's sha256 and
    row_number (the row as a spreadsheet numbers it, header = 1; for an export with metadata
    lines, the line of the file), so a value can be found in the original file."""
    columns = ", ".join('"' + c.replace('"', '""') + '" VARCHAR' for c in spec["header"])
    return (f"CREATE TABLE IF NOT EXISTS {spec['raw_table']} (file_sha256 VARCHAR NOT NULL, "
            f"row_number BIGINT NOT NULL, {columns})")


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Every format's raw table (raw.<format>), derived from schemas/formats.toml."""
    for spec in formats().values():
        if spec.get("raw_table"):
            # DDL from our own declaration file (identifiers cannot be bound as parameters)
            con.execute(raw_table_ddl(spec))


def setup_fingerprint(settings: Settings) -> str:
    """sha256 of everything setup() creates its objects from: the SQL files of SETUP_STEPS,
    the raw tables' declarations, the reference data and its models, the schema version, the
    population vintage and the DuckDB version."""
    digest = hashlib.sha256()
    for step in SETUP_STEPS:
        for path in sql_files(step):
            digest.update(f"{step}/{path.name}".encode() + b"\0" + path.read_bytes() + b"\0")
    for spec in formats().values():
        if spec.get("raw_table"):
            digest.update(raw_table_ddl(spec).encode() + b"\0")
    for part in (reference_fingerprint(), SCHEMA_VERSION, settings.population_vintage,
                 duckdb.__version__):
        digest.update(str(part).encode() + b"\0")
    return digest.hexdigest()


def setup(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Create or update schemas, reference tables and staging views (all idempotent). The
    reference CSVs are validated by their pandera models first, unless this warehouse was
    built from exactly these CSVs and models (they passed then): a bad row stops the build.
    A warehouse whose objects were made from exactly these files (setup_fingerprint, kept in
    ops.meta) skips the steps: they would create the same objects again (~0.3 s a build)."""
    set_variables(con, reference_dir=str(reference.REFERENCE_DIR),
                  population_vintage=settings.population_vintage)
    fingerprint = setup_fingerprint(settings)
    if reference.meta(con, "setup_sha256") == fingerprint:
        return
    if reference_changed(con):
        validate_reference(reference.REFERENCE_DIR)
    # One transaction: a commit per statement cost a third of the time (small objects, each
    # synced to disk), and a setup that fails half-way leaves nothing half-made.
    con.execute("BEGIN TRANSACTION")
    try:
        for step in SETUP_STEPS:
            run_step(con, step)
            if step == "schema":
                create_raw_tables(con)
        con.execute("INSERT OR REPLACE INTO ops.meta VALUES ('schema_version', ?)",
                    [SCHEMA_VERSION])
        con.execute("INSERT OR REPLACE INTO ops.meta VALUES ('setup_sha256', ?)", [fingerprint])
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def derive(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Rebuild the derived core tables and the marts from core, the standard comparisons
    among them (marts/80_standard_changes.sql), all in SQL; `seal` comes next."""
    set_variables(con, population_vintage=settings.population_vintage)
    incremental.start(con)
    try:
        for step in DERIVE_STEPS:
            run_step(con, step, comments_together=True)
            if step == "core":
                municipal_indicators(con)
    except duckdb.OutOfMemoryException:
        # Not every DuckDB operator spills to disk: a full municipal file beside the state
        # files needs ~3GB (issue 24). Say so, and how; nothing is published.
        raise SeguridadError(say("warehouse.out_of_memory", limit=settings.memory_limit)) \
            from None


def seal(con: duckdb.DuckDBPyConnection) -> None:
    """The last step before publishing: the data rules (refuse a build that breaks one),
    the columns' descriptions, and a fingerprint of the build so a reader can check it sees
    one whole build."""
    check_rules(con)
    reconciliation.record_build_warnings(con)  # rules that warn, never refuse
    document_columns(con)
    con.execute("INSERT OR REPLACE INTO ops.meta SELECT 'marts_rows', CAST(count(*) AS VARCHAR) "
                "FROM marts.indicator_monthly")
    con.execute("INSERT OR REPLACE INTO ops.meta VALUES ('built_at', CAST(now() AS VARCHAR))")
    con.execute("INSERT OR REPLACE INTO ops.meta VALUES ('reference_sha256', ?)",
                [reference_fingerprint()])


def data_files(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {s for (s,) in con.execute("SELECT file_sha256 FROM ops.file_intake "
                                      "WHERE intake = 'accepted'").fetchall()}


def municipal_indicators(con: duckdb.DuckDBPyConnection) -> str:
    """Bring core.municipal_indicator_newest up to date: for the places and months the loads
    since the last build changed, or all of them when the crosswalk or the expected rows
    changed (a fingerprint of both is kept in ops.meta). Returns which it did."""
    (fingerprint,) = fetch_one(con, """
        SELECT CAST(coalesce(sum(hash(indicator, series, crime_id, is_attempt)), 0) AS VARCHAR)
               || '/' || (SELECT CAST(coalesce(sum(hash(series, indicator, expected_rows)), 0)
                                  AS VARCHAR) FROM core.indicator_expected_rows)
        FROM core.crime_indicator_map""")
    if reference.meta(con, "municipal_indicator_map") != fingerprint:
        con.execute("CREATE OR REPLACE TEMP TABLE touched AS SELECT DISTINCT fm.series, "
                    "g.geo_code AS municipality_code, fm.month FROM core.file_months AS fm "
                    "JOIN core.file_geos AS g USING (file_sha256) "
                    "WHERE fm.dataset = 'crime_municipal' AND fm.published_cells > 0")
        con.execute("CREATE OR REPLACE TEMP VIEW scope AS "
                    "SELECT * FROM core.crime_municipal_versions")
        done = "all"
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE touched AS "
                    "SELECT DISTINCT * FROM ops.loader_municipal_touched")
        con.execute("CREATE OR REPLACE TEMP VIEW scope AS SELECT c.* FROM "
                    "core.crime_municipal_versions AS c SEMI JOIN (SELECT DISTINCT series, "
                    "municipality_code, year(month) AS year FROM touched) AS t "
                    "USING (series, municipality_code, year)")
        done = "touched"
    run_sql_file(con, SQL_DIR / "municipal" / "indicators.sql")
    con.execute("DROP VIEW scope")
    con.execute("INSERT OR REPLACE INTO ops.meta VALUES ('municipal_indicator_map', ?)",
                [fingerprint])
    return done


def published_schema_version(settings: Settings) -> str | None:
    """Schema version of the published warehouse; None if there is none yet."""
    return check_published(settings, damaged_ok=True)


def needs_full_rebuild(settings: Settings) -> bool:
    """True when the published warehouse was built by another schema version: its tables
    cannot be updated in place, so the next build starts empty and reloads the landing zone."""
    version = published_schema_version(settings)
    return version is not None and version != SCHEMA_VERSION and version != "damaged"


def document_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Describe the columns (marts, core, ops) that their SQL file left undescribed, from the
    shared dictionary warehouse/docs/columns.csv (a column means the same everywhere)."""
    con.execute("CREATE OR REPLACE TEMP TABLE column_docs AS SELECT * FROM read_csv(?, "
                "header = true, all_varchar = true)", [str(COLUMN_DOCS)])
    missing = con.execute("""
        SELECT c.schema_name, c.table_name, c.column_name, d.description
        FROM duckdb_columns() AS c JOIN column_docs AS d USING (column_name)
        WHERE c.schema_name IN ('marts', 'core', 'ops') AND c.comment IS NULL
          AND c.database_name = current_database()""").fetchall()
    # COMMENT ON takes no parameters; the text is our own data file, quoted as a literal.
    # One call and one transaction for all of them (a transaction each: 2.5x the time).
    statements = [f'COMMENT ON COLUMN {schema}."{table}"."{column}" IS '
                  + "'" + description.replace("'", "''") + "'"
                  for schema, table, column, description in missing]
    if statements:
        con.execute("BEGIN TRANSACTION;\n" + ";\n".join(statements) + ";\nCOMMIT")


class Build:
    """A private copy of the warehouse to write into; `publish()` swaps it in atomically
    and keeps the replaced file as a snapshot for `seguridad rollback`."""

    def __init__(self, settings: Settings, fresh: bool = False) -> None:
        self.settings = settings
        self.fresh = fresh
        self.path = settings.build_dir / f"build-{os.getpid()}.{time.time_ns()}.duckdb"
        self.con: duckdb.DuckDBPyConnection | None = None
        self.published = False
        self.marts_rebuilt = False  # set by the flow step that rebuilds them
        self.copied = False  # a copy of a published warehouse (else a first or full build)
        self.notes: list[str] = []

    def open(self) -> duckdb.DuckDBPyConnection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        published = self.settings.warehouse_path
        # A bounded memory budget (DuckDB spills to disk beyond it; SEGURIDAD_MEMORY_LIMIT,
        # default 700MB). Not every operator spills: with a full municipal file and the state
        # files in one warehouse, marts/20_indicator_monthly.sql and municipal/indicators.sql
        # run out of memory at 700MB and at 1GB (issues 11 and 24; 3GB is enough).
        config = {"memory_limit": self.settings.memory_limit,
                  "temp_directory": str(self.settings.build_dir / "spill")}
        state = check_published(self.settings, damaged_ok=self.fresh)
        if state is not None and not self.fresh:
            shutil.copyfile(published, self.path)
            self.copied = True
            self.con = duckdb.connect(str(self.path), config=config)
        else:
            self.con = duckdb.connect(config=config)
            self.con.execute(f"ATTACH ? AS build (STORAGE_VERSION '{STORAGE_VERSION}')",
                             [str(self.path)])
            self.con.execute("USE build")
        faults.point("after-copy")
        return self.con

    def publish(self, keep_snapshot: bool = True) -> None:
        """Swap the build in. `keep_snapshot`: keep the replaced file for `rollback` (a run
        that changed no data keeps none, so it never pushes a useful snapshot out)."""
        assert self.con is not None
        self.con.execute("CHECKPOINT")
        self.con.close()
        self.con = None
        with open(self.path, "rb") as f:
            os.fsync(f.fileno())
        published = self.settings.warehouse_path
        published.parent.mkdir(parents=True, exist_ok=True)
        if published.exists() and keep_snapshot:
            snapshot(self.settings)
        faults.point("before-publish")
        os.replace(self.path, published)
        self.published = True
        protect(self.settings)  # read-only on disk, its sha256 recorded for `status`
        prune_snapshots(self.settings)

    def discard(self) -> None:
        if self.con is not None:
            with contextlib.suppress(duckdb.Error):
                self.con.close()
            self.con = None
        for leftover in (self.path, self.path.with_name(self.path.name + ".wal")):
            leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def build(settings: Settings, fresh: bool = False) -> Iterator[Build]:
    """Lock, open a build copy (or an empty one if `fresh`), and always clean up; publishing
    is the caller's decision."""
    with writer_session(settings) as notes:
        b = Build(settings, fresh)
        b.notes += notes
        try:
            b.open()
            yield b
        finally:
            if not b.published:
                b.discard()
