"""Derive files that run again only when what they read changed.

The monthly population (core/30, core/32: 1.7 million rows each on the shipped data, half of
the core step and a third of the build's grain checks) changes only with a population file,
the geography or their SQL, yet every build made it again. A file listed in UNLESS_CHANGED is
skipped when the fingerprint of its inputs is the one it last ran with: its own bytes, the
setup fingerprint (reference data, setup SQL, schema and DuckDB versions) and, for every
table its header says it reads, the row count and the sum of the rows' hashes. The tables it
made are then the ones a build made from the same inputs, already checked by that build, so
their declared-grain checks are skipped too (`skipped`).

The same holds for a large table whatever made it (the facts the loader appends to, 1.7
million rows of crimes on the shipped data): when its rows and the tables its checks refer to
are those it passed its checks with (`checked_unchanged`), the checks would pass again."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from seguridad.db import fetch_one, run_sql_file
from seguridad.warehouse import grain, reference

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


def _content(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """Row count and sum of the rows' hashes: equal for equal contents, in any order."""
    # names from our own declarations (headers, tables.toml), checked against the catalogue
    count, total = fetch_one(con, f"SELECT count(*), sum(hash(t)) FROM {name} AS t")
    return f"{name}\0{count}\0{total}"


# Every schema a derive file may read a table or view of (grain.declared_in lists them).
SCHEMAS = ("raw", "staging", "core", "marts", "ops")


def fingerprint(con: duckdb.DuckDBPyConnection, path: Path,
                known: set[str] | None = None) -> str | None:
    """What the file would be made from; None when it reads something that is not a table or
    a view (it then always runs). `known`: the warehouse's tables and views, if at hand."""
    reads = header_names(path, "Reads:")
    known = grain.declared_in(con, SCHEMAS) if known is None else known
    if not reads or any(name not in known for name in reads):
        return None
    digest = hashlib.sha256(path.read_bytes())
    digest.update(str(reference.meta(con, "setup_sha256")).encode())
    for name in reads:
        digest.update(b"\0" + _content(con, name).encode())
    return digest.hexdigest()


def run_file(con: duckdb.DuckDBPyConnection, step: str, path: Path,
             comments_together: bool = False) -> None:
    """Run one SQL file of a build step, unless it is listed in UNLESS_CHANGED and what it
    reads is what it last ran with (its tables are recorded in the temp table
    derive_skipped)."""
    key = f"{step}/{path.name}"
    if key not in UNLESS_CHANGED:
        run_sql_file(con, path, comments_together=comments_together)
        return
    made, objects = header_names(path, "Creates:"), grain.declared_in(con, SCHEMAS)
    known = fingerprint(con, path, objects)
    if known is not None and reference.meta(con, f"derive:{key}") == known \
            and set(made) <= objects:
        con.execute("CREATE TEMP TABLE IF NOT EXISTS derive_skipped (name VARCHAR)")
        con.executemany("INSERT INTO derive_skipped VALUES (?)", [[name] for name in made])
        return
    run_sql_file(con, path, comments_together=comments_together)
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


# Rows from which hashing a table costs less than checking its grain again (~55 ms against
# ~0.4 s for the 1.7 million rows of core.crime_state_monthly).
LARGE = 200_000


def checked_unchanged(con: duckdb.DuckDBPyConnection,
                      tables: dict[str, grain.Table]) -> tuple[set[str], dict[str, str]]:
    """Of the large tables among `tables`: those whose checks, rows and referenced tables are
    the ones they last passed with (ops.meta 'checked:<table>'), and the fingerprint of each
    (to record with `record_checked` once they pass)."""
    sizes = dict(con.execute("""
        SELECT schema_name || '.' || table_name, estimated_size FROM duckdb_tables()
        WHERE database_name = current_database()""").fetchall())
    same, prints = set(), {}
    for name, table in tables.items():
        if sizes.get(name, 0) < LARGE:
            continue
        referred = sorted({target.rpartition(".")[0] for target in table.references.values()})
        parts = [query for _, query in grain.checks(table)]
        parts += [_content(con, t) for t in [name, *referred]]
        prints[name] = hashlib.sha256("\0".join(parts).encode()).hexdigest()
        if reference.meta(con, f"checked:{name}") == prints[name]:
            same.add(name)
    return same, prints


def record_checked(con: duckdb.DuckDBPyConnection, prints: dict[str, str]) -> None:
    if not prints:
        return
    con.executemany("INSERT OR REPLACE INTO ops.meta VALUES (?, ?)",
                    [[f"checked:{name}", value] for name, value in prints.items()])
