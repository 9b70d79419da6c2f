"""Loads that fan out: each raw file is checked on its own (fingerprinted, decoded, parsed,
validated by its pandera model and the model's SQL twins, its catalogue told) by a worker,
and its parsed rows are staged as Parquet in the build's scratch space; the one writer then
loads the staged files in the landing zone's order, exactly as the serial path loads them
(`loading.load_file` on the same `landing` table). Nothing here touches the warehouse: a
worker opens its own in-memory DuckDB, so a file's check needs no lock and no build copy.

The Prefect side (a task per file on a Dask cluster) is in flows/tasks.py; this module is
plain functions, so a test can call them without a cluster."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from seguridad.config import SQL_DIR, Settings
from seguridad.db import run_sql_file
from seguridad.errors import Failure, FileRejected
from seguridad.intake import checking, ingest, outcomes, rawfiles


@dataclass
class Staged:
    """What a worker found out about one file: the file checked and its rows staged as
    Parquet, or why it was refused. Plain data, so it crosses process boundaries (a
    FileRejected does not pickle: it is rebuilt from label, reason and failures)."""

    label: str
    source: Path
    sha256: str = ""
    checked: outcomes.CheckedFile | None = None
    landing: Path | None = None  # the parsed rows, as `landing` holds them
    row_map: Path | None = None  # landing_row_map, when the rows are not the file's one for one
    reason: str | None = None  # set when the file was refused
    failures: list[Failure] = field(default_factory=list)
    learned: dict = field(default_factory=dict)  # what was known before a refusal

    @property
    def rejected(self) -> FileRejected | None:
        if self.reason is None:
            return None
        return FileRejected(self.label, self.reason, self.failures)

    def restore(self, con: duckdb.DuckDBPyConnection, path: Path) -> outcomes.CheckedFile:
        """The writer's half: the staged rows back into the temp table `landing` (and its row
        map) on the build's connection, in the file's order; raises the file's refusal."""
        if self.checked is None:
            raise self.rejected
        con.execute("CREATE OR REPLACE TEMP TABLE landing AS SELECT * FROM read_parquet(?)",
                    [str(self.landing)])
        con.execute("DROP TABLE IF EXISTS landing_row_map")
        if self.row_map is not None:
            con.execute("CREATE TEMP TABLE landing_row_map AS SELECT * FROM read_parquet(?)",
                        [str(self.row_map)])
        self.checked.path = path
        return self.checked

    def discard(self) -> None:
        for path in (self.landing, self.row_map):
            if path is not None:
                path.unlink(missing_ok=True)


def staging_dir(settings: Settings) -> Path:
    return settings.build_dir / "staged"


def stage_file(path: Path, label: str, settings: Settings, threads: int | None = None,
               archive: outcomes.ArchiveRef | None = None) -> Staged:
    """Check one file and stage its rows (the worker's half of `ingest.ingest_file`). Never
    raises for a bad file: the refusal is in the result, worded as the serial path words it."""
    staged = Staged(label, path)
    try:
        staged.sha256 = rawfiles.sha256_of(path)
    except OSError as e:
        staged.reason = f"the file cannot be read ({e.strerror or e})"
        return staged
    out = staging_dir(settings)
    out.mkdir(parents=True, exist_ok=True)
    tag = f"{staged.sha256[:16]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"  # same bytes twice
    work = out / f"work-{tag}.csv"
    con = duckdb.connect(config={"memory_limit": settings.memory_limit,
                                 "temp_directory": str(out / f"spill-{tag}"),
                                 **({"threads": threads} if threads else {})})
    try:
        run_sql_file(con, SQL_DIR / "schema" / "00_schemas.sql")
        run_sql_file(con, SQL_DIR / "macros" / "1_values" / "10_values.sql")  # what the checks call
        try:
            checked = checking.check_file(con, path, label, staged.sha256, work, archive,
                                          staged.learned)
            staged.landing = out / f"landing-{tag}.parquet"
            con.execute(f"COPY landing TO '{_quoted(staged.landing)}' "
                        "(FORMAT parquet, COMPRESSION zstd)")
            if checked.row_map:
                staged.row_map = out / f"rowmap-{tag}.parquet"
                con.execute(f"COPY landing_row_map TO '{_quoted(staged.row_map)}' "
                            "(FORMAT parquet)")
        except FileRejected as refused:
            staged.reason, staged.failures = refused.reason, refused.failures
            return staged
        except ingest.LOAD_ERRORS as e:  # worded as the serial path words it (a full disk too)
            staged.discard()
            staged.landing = staged.row_map = None
            staged.reason = ingest.load_failure_reason(e)
            return staged
        staged.checked = checked
        return staged
    finally:
        con.close()
        work.unlink(missing_ok=True)


def _quoted(path: Path) -> str:
    """A path inside an SQL string literal (COPY takes no parameter for its target)."""
    return str(path).replace("'", "''")


# Columns that say when and by which run a row was written: they differ between any two
# builds, serial or not.
RUN_COLUMNS = {"run_id", "flow_run_id", "parameters", "build_id"}


def differences(a: Path, b: Path) -> dict[str, tuple[int, int]]:
    """Rows of each table of warehouse `a` that `b` lacks and the other way round (EXCEPT
    ALL both ways), over every column but the run's own (timestamps, run ids); ops.runs and
    ops.meta are the runs' own record and are left out. {} when the two hold the same data."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        con.execute("ATTACH ? AS a (READ_ONLY)", [str(a)])
        con.execute("ATTACH ? AS b (READ_ONLY)", [str(b)])
        tables = con.execute("""
            SELECT c.schema_name, c.table_name, list(c.column_name ORDER BY c.column_index)
            FROM duckdb_columns() AS c
            JOIN duckdb_tables() AS t USING (database_name, schema_name, table_name)
            WHERE c.database_name = 'a' AND c.data_type NOT LIKE 'TIMESTAMP%'
              AND c.column_name NOT IN (SELECT unnest(?))
              AND (c.schema_name, c.table_name) NOT IN (('ops', 'runs'), ('ops', 'meta'))
            GROUP BY ALL ORDER BY ALL""", [sorted(RUN_COLUMNS)]).fetchall()
        out = {}
        only = con.execute("""
            SELECT schema_name || '.' || table_name, any_value(database_name)
            FROM duckdb_tables() WHERE database_name IN ('a', 'b')
            GROUP BY schema_name, table_name HAVING count(*) = 1""").fetchall()
        missing = {name: db for name, db in only}
        for name, db in missing.items():  # a table the other warehouse lacks: all its rows
            (rows,) = con.execute(f"SELECT count(*) FROM {db}.{name}").fetchone()  # ours
            out[name] = (rows, 0) if db == "a" else (0, rows)
        for schema, table, columns in tables:
            if f"{schema}.{table}" in missing:
                continue
            cols = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
            name = f'"{schema}"."{table}"'
            counts = con.execute(
                f"SELECT (SELECT count(*) FROM (SELECT {cols} FROM a.{name} EXCEPT ALL "
                f"SELECT {cols} FROM b.{name})), (SELECT count(*) FROM (SELECT {cols} FROM "
                f"b.{name} EXCEPT ALL SELECT {cols} FROM a.{name}))").fetchone()
            if counts != (0, 0):
                out[f"{schema}.{table}"] = counts
        return out
    finally:
        con.close()
