"""The DuckDB warehouse: run the SQL files in their fixed order, and publish safely.

Writers never touch the published file. A build copies it (or starts empty), works on the
copy, checkpoints, and swaps it onto the published path with one atomic rename; analysts with
read-only connections keep reading the snapshot they opened and never see half a build. One
writer at a time: an advisory lock (released by the kernel if the process dies)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from schemas.names import REFERENCE_DIR, formats
from seguridad import faults, reconciliation
from seguridad.config import COLUMN_DOCS, SQL_DIR, Settings
from seguridad.db import fetch_dicts, fetch_one, run_sql_file, set_variables
from seguridad.errors import BuildRefused, NoWarehouse, SeguridadError, WarehouseBusy
from seguridad.i18n import say
from seguridad.published import protect

SCHEMA_VERSION = "7"  # 7: municipal crimes stored a row (a year) per version
# (core.crime_municipal_rows, ~12x fewer rows than a value per row); 6: warnings located
# (place, crime row, months), budget blocks. A warehouse of an older version is rebuilt from
# the landing zone once. Files are written in a storage format DuckDB 1.4 LTS and later can
# open (docs/warehouse-sql.md, "Storage").
STORAGE_VERSION = "v1.4.0"

# Order of the SQL folders in a build. `load/` runs per file, between staging and core.
SETUP_STEPS = ("schema", "reference", "staging")
DERIVE_STEPS = ("core", "marts")
# The data rules every build must pass before it is published (see check_rules).
RULES_DIR = SQL_DIR / "checks" / "build"
# The reference CSVs' models, and the name rules they use
REFERENCE_MODELS_FILES = (REFERENCE_DIR.parent / "reference.py", REFERENCE_DIR.parent / "names.py")


def sql_files(step: str) -> list[Path]:
    return sorted((SQL_DIR / step).glob("*.sql"))


def run_step(con: duckdb.DuckDBPyConnection, step: str) -> None:
    for path in sql_files(step):
        run_sql_file(con, path)


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


def setup(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Create or update schemas, reference tables and staging views (all idempotent). The
    reference CSVs are validated by their pandera models first, unless this warehouse was
    built from exactly these CSVs and models (they passed then): a bad row stops the build."""
    if reference_changed(con):
        validate_reference(REFERENCE_DIR)
    set_variables(con, reference_dir=str(REFERENCE_DIR),
                  population_vintage=settings.population_vintage)
    for step in SETUP_STEPS:
        run_step(con, step)
        if step == "schema":
            create_raw_tables(con)
    con.execute("INSERT OR REPLACE INTO ops.meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])


def reference_fingerprint(directory: Path | None = None) -> str:
    """sha256 over the reference CSVs (names and bytes) and the models that validate them
    (schemas/reference.py, schemas/names.py): the CSVs are validated again, and the marts
    rebuilt, when it differs from the one the published build was made with (ops.meta
    reference_sha256)."""
    import hashlib

    digest = hashlib.sha256()
    for path in REFERENCE_MODELS_FILES:
        digest.update(path.read_bytes() + b"\0")
    for path in sorted((directory or REFERENCE_DIR).glob("*.csv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def reference_changed(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the reference data (schemas/reference/) changed since this warehouse's marts
    were built: a new indicator or crosswalk row needs a rebuild of the marts, not a reload."""
    (has_meta,) = fetch_one(con, "SELECT count(*) FROM duckdb_tables() "
                                 "WHERE schema_name = 'ops' AND table_name = 'meta'")
    row = fetch_one(con, "SELECT value FROM ops.meta WHERE key = 'reference_sha256'") \
        if has_meta else None
    return row is None or row[0] != reference_fingerprint()


def validate_reference(directory: Path) -> None:
    """Validate every reference table (schemas/reference/*.csv) by its pandera model, as the
    build reads them; raise FileRejected naming the file, row, column and value."""
    from schemas import reference
    from seguridad import validate
    from seguridad.errors import FileRejected

    for name, model in reference.REFERENCE_MODELS.items():
        failures = validate.validate(model, reference.read(name, directory))
        if failures:
            raise FileRejected(str(directory / f"{name}.csv"),
                               say("warehouse.reference_broken", model=model.__name__),
                               failures)


def derive(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Rebuild the derived core tables and the marts from core (SQL only; the standard
    comparisons are the next step, seguridad.standard.build, then `seal`)."""
    set_variables(con, population_vintage=settings.population_vintage)
    run_step(con, "core")
    municipal_indicators(con)
    run_step(con, "marts")


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


def rule_failures(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, list[dict]]]:
    """Run every rule of warehouse/sql/checks/build/ (each a query returning its failing rows)
    and return, for each rule that fails, how many rows fail and the first five."""
    failed = {}
    for path in sorted(RULES_DIR.glob("*.sql")):
        con.execute("CREATE OR REPLACE TEMP TABLE rule_failures AS "
                    + path.read_text(encoding="utf-8"))
        (count,) = fetch_one(con, "SELECT count(*) FROM rule_failures")
        if count:
            failed[path.stem] = (count, fetch_dicts(con, "SELECT * FROM rule_failures LIMIT 5"))
    con.execute("DROP TABLE IF EXISTS rule_failures")
    return failed


def check_rules(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse the build when a data rule fails, naming the rule, what it says and its first
    failing rows; the caller then publishes nothing."""
    failed = rule_failures(con)
    if not failed:
        return
    lines = []
    for rule, (count, rows) in failed.items():
        said = " ".join(line.removeprefix("--").strip() for line in
                        (RULES_DIR / f"{rule}.sql").read_text(encoding="utf-8").splitlines()
                        if line.startswith("--"))
        lines.append(say("warehouse.rule_failed", rule=rule, count=f"{count:,}", said=said))
        lines += ["    " + ", ".join(f"{k}={v}" for k, v in row.items()) for row in rows]
    raise BuildRefused(say("warehouse.rules_broken") + "\n  " + "\n  ".join(lines))


_CHECKED: dict[tuple, str] = {}  # check_published's answers: (path, device, inode, size, mtime)


def check_published(settings: Settings, damaged_ok: bool = False) -> str | None:
    """What is at the published path, before anyone reads or replaces it: None (nothing yet),
    the schema version of a seguridad warehouse, or an error that says what is wrong. A file
    that is not a DuckDB database, or a DuckDB database that is not a seguridad warehouse, is
    never read as one nor written over. A damaged warehouse is refused, unless `damaged_ok`
    (a full rebuild replaces it): then 'damaged'."""
    path = settings.warehouse_path
    try:
        seen = path.stat()
    except FileNotFoundError:
        return None
    except OSError:
        seen = None  # said below, when it is read
    # The same file, unchanged since this process checked it (a publication replaces it, a
    # new inode): the answer it had. A no-op command asked 4-5 times (~45 ms each, issue 24).
    key = seen and (str(path), seen.st_dev, seen.st_ino, seen.st_size, seen.st_mtime_ns)
    if key and key in _CHECKED:
        return _CHECKED[key]
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as e:
        raise SeguridadError(say("warehouse.unreadable", path=path,
                                 why=e.strerror or e)) from None
    if len(head) < 12 or head[8:12] != b"DUCK":
        raise SeguridadError(say("warehouse.not_duckdb", path=path))
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as e:
        if damaged_ok:
            return "damaged"
        raise SeguridadError(say("warehouse.cannot_open", path=path,
                                 why=str(e).splitlines()[0])) from None
    try:
        row = fetch_one(con, "SELECT value FROM ops.meta WHERE key = 'schema_version'")
    except duckdb.CatalogException:
        raise SeguridadError(say("warehouse.not_ours", path=path)) from None
    except duckdb.Error as e:
        if damaged_ok:
            return "damaged"
        raise SeguridadError(say("warehouse.damaged", path=path,
                                 why=str(e).splitlines()[0])) from None
    finally:
        con.close()
    version = row[0] if row else "unknown"
    if key:
        _CHECKED[key] = version
    return version


def published_data_files(settings: Settings) -> dict[str, str]:
    """sha256 -> file name of the data files the published warehouse holds (empty when
    there is none, or it is damaged): what a full rebuild must find again."""
    if check_published(settings, damaged_ok=True) in (None, "damaged"):
        return {}
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return dict(con.execute("SELECT file_sha256, file_name FROM ops.raw_files WHERE status "
                                "IN ('loaded', 'superseded')").fetchall())
    finally:
        con.close()


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
    known = fetch_one(con, "SELECT value FROM ops.meta WHERE key = 'municipal_indicator_map'")
    if known is None or known[0] != fingerprint:
        con.execute("CREATE OR REPLACE TEMP TABLE touched AS SELECT DISTINCT fm.series, "
                    "g.geo_code AS municipality_code, fm.month FROM core.file_months AS fm "
                    "JOIN core.file_geos AS g USING (file_sha256) "
                    "WHERE fm.dataset = 'crime_municipal' AND fm.published_cells > 0")
        con.execute("CREATE OR REPLACE TEMP VIEW scope AS "
                    "SELECT * FROM core.crime_municipal_versions")
        done = "all"
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE touched AS "
                    "SELECT DISTINCT * FROM core.municipal_touched")
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
    for schema, table, column, description in missing:
        # COMMENT ON takes no parameters; the text is our own data file, quoted as a literal.
        text = description.replace("'", "''")
        con.execute(f'COMMENT ON COLUMN {schema}."{table}"."{column}" IS \'{text}\'')


def connect_read_only(settings: Settings,
                      config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """A reader's connection to the published warehouse; never blocks or is blocked by a build."""
    path = settings.warehouse_path
    if not path.exists():
        raise NoWarehouse(say("warehouse.none", path=path))
    check_published(settings)
    return duckdb.connect(str(path), read_only=True, config=config or {})


@contextlib.contextmanager
def writer_lock(settings: Settings, wait_s: float | None = None) -> Iterator[list[str]]:
    """Hold the single-writer lock; wait up to `wait_s` for another writer, then give up.
    The kernel releases the lock when its holder dies, so a killed writer never blocks the
    next one; the note it left is reported and replaced. Yields notes for the user."""
    wait_s = settings.lock_wait_s if wait_s is None else wait_s
    path = settings.lock_path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise SeguridadError(say("warehouse.folder_not_writable", folder=path.parent,
                                 why=e.strerror or e)) from None
    deadline = time.monotonic() + wait_s
    notes: list[str] = []
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode(errors="replace").strip()
                    raise WarehouseBusy(say("warehouse.busy", holder=holder,
                                            seconds=f"{wait_s:.0f}")) from None
                time.sleep(0.2)
        previous = os.pread(fd, 200, 0).decode(errors="replace").strip()
        fields = previous.split()
        if len(fields) > 1 and fields[0] == "pid":  # a note a killed writer left; any other
            pid = int(fields[1]) if fields[1].isdigit() else None  # text is just replaced
            if pid != os.getpid() and not pid_alive(pid):
                notes.append(say("note.stale_lock", pid=pid or repr(fields[1])))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}".encode(), 0)
        try:
            yield notes
        finally:
            os.ftruncate(fd, 0)  # only a killed writer leaves its note behind
    finally:
        os.close(fd)  # closing releases the lock


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this id still runs (a writer's, a run's)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_build_dir(settings: Settings) -> list[Path]:
    """Remove what writers that died left in the build folder (half-built copies, spill
    files, scratch). Only the lock holder calls it, so nothing there is in use."""
    removed = []
    if settings.build_dir.exists():
        for path in settings.build_dir.iterdir():
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


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


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link costs nothing and keeps the old file's bytes; copy where links fail."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def snapshot(settings: Settings) -> Path:
    settings.snapshots_dir.mkdir(parents=True, exist_ok=True)
    target = settings.snapshots_dir / f"seguridad-{time.strftime('%Y%m%dT%H%M%S')}-" \
                                      f"{time.time_ns() % 10**9:09d}.duckdb"
    _link_or_copy(settings.warehouse_path, target)
    return target


def snapshots(settings: Settings) -> list[Path]:
    """Kept snapshots, oldest first. A snapshot that is the published file itself (a writer
    killed between taking it and publishing) is dropped: it would restore nothing."""
    kept = []
    for path in sorted(settings.snapshots_dir.glob("seguridad-*.duckdb")):
        if settings.warehouse_path.exists() and os.path.samefile(path, settings.warehouse_path):
            path.unlink()
        else:
            kept.append(path)
    return kept


def prune_snapshots(settings: Settings) -> None:
    for old in snapshots(settings)[:-settings.snapshots or None]:
        old.unlink(missing_ok=True)


def rollback(settings: Settings) -> Path:
    """Put the newest snapshot back on the published path (atomically); it leaves the list,
    so rolling back again goes one further back. The replaced warehouse is discarded."""
    with writer_lock(settings):
        kept = snapshots(settings)
        if not kept:
            raise SeguridadError(say("warehouse.no_snapshot", folder=settings.snapshots_dir))
        latest = kept[-1]
        settings.build_dir.mkdir(parents=True, exist_ok=True)
        staged = settings.build_dir / f"rollback-{os.getpid()}.duckdb"
        _link_or_copy(latest, staged)
        os.replace(staged, settings.warehouse_path)
        latest.unlink()
        protect(settings)
        return latest


@contextlib.contextmanager
def writer_session(settings: Settings) -> Iterator[list[str]]:
    """Hold the writer lock with the build folder cleared of what a writer that died left;
    yields the notes for the user (a stale lock, leftover files)."""
    with writer_lock(settings) as notes:
        removed = clean_build_dir(settings)
        if removed:
            notes.append(say("note.leftovers", n=len(removed)))
        yield notes


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
