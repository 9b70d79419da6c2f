"""Derive files that run again only when what they read changed.

The monthly population (core/30, core/32: 1.7 million rows each on the shipped data, half of
the core step and a third of the build's grain checks) changes only with a population file,
the geography or their SQL, yet every build made it again. A file listed in UNLESS_CHANGED is
skipped when the fingerprint of its inputs is the one it last ran with: its own bytes, the
setup fingerprint (reference data, setup SQL, schema and DuckDB versions) and, for every
table its header says it reads, the row count and the sum of the rows' hashes. The tables it
made are then the ones a build made from the same inputs, already checked by that build, so
their declared-grain checks are skipped too (`skipped`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from seguridad.db import fetch_one, run_sql_file

# Files (step/name) whose inputs rarely change; every other derive file always runs.
UNLESS_CHANGED = ("core/30_population_monthly.sql", "core/32_geo_population_monthly.sql")


def header_names(path: Path, label: str) -> list[str]:
    """The objects a SQL file's generated header lists after `label` ('Creates:', 'Reads:'),
    continuation lines included, without their '(table)' notes."""
    names, inside = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"-- {label}"):
            inside, text = True, line.removeprefix(f"-- {label}")
        elif inside and line.startswith("--          "):
            text = line[2:]
        else:
            if inside:
                break
            continue
        names += [item.split(" (")[0].strip() for item in text.split(",") if item.strip()]
    return names


def _objects(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {f"{s}.{n}" for s, n in con.execute("""
        SELECT schema_name, table_name FROM duckdb_tables()
        WHERE database_name = current_database()
        UNION ALL
        SELECT schema_name, view_name FROM duckdb_views()
        WHERE database_name = current_database() AND NOT internal""").fetchall()}


def fingerprint(con: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """What the file would be made from; None when it reads something that is not a table or
    a view (it then always runs)."""
    reads, known = header_names(path, "Reads:"), _objects(con)
    if not reads or any(name not in known for name in reads):
        return None
    digest = hashlib.sha256(path.read_bytes())
    setup = fetch_one(con, "SELECT value FROM ops.meta WHERE key = 'setup_sha256'")
    digest.update(str(setup).encode())
    for name in reads:
        # names from our own generated header, checked above against the catalogue
        count, total = fetch_one(con, f"SELECT count(*), sum(hash(t)) FROM {name} AS t")
        digest.update(f"\0{name}\0{count}\0{total}".encode())
    return digest.hexdigest()


def run_file(con: duckdb.DuckDBPyConnection, step: str, path: Path) -> None:
    """Run one SQL file of a build step, unless it is listed in UNLESS_CHANGED and what it
    reads is what it last ran with (its tables are recorded in the temp table
    derive_skipped)."""
    key = f"{step}/{path.name}"
    if key not in UNLESS_CHANGED:
        run_sql_file(con, path)
        return
    made = header_names(path, "Creates:")
    known = fingerprint(con, path)
    last = fetch_one(con, "SELECT value FROM ops.meta WHERE key = ?", [f"derive:{key}"])
    if known is not None and last == (known,) and set(made) <= _objects(con):
        con.execute("CREATE TEMP TABLE IF NOT EXISTS derive_skipped (name VARCHAR)")
        con.executemany("INSERT INTO derive_skipped VALUES (?)", [[name] for name in made])
        return
    run_sql_file(con, path)
    if known is not None:
        con.execute("INSERT OR REPLACE INTO ops.meta VALUES (?, ?)", [f"derive:{key}", known])


def skipped(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables this connection's build kept from the build before (run_file)."""
    (exists,) = fetch_one(con, "SELECT count(*) FROM duckdb_tables() WHERE temporary "
                               "AND table_name = 'derive_skipped'")
    if not exists:
        return set()
    return {name for (name,) in con.execute("SELECT name FROM derive_skipped").fetchall()}


def start(con: duckdb.DuckDBPyConnection) -> None:
    """A new derive on this connection: nothing skipped yet."""
    con.execute("DROP TABLE IF EXISTS temp.derive_skipped")
