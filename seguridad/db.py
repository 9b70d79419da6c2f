"""The few helpers every module uses to talk to a DuckDB connection: run a SQL file, bind
variables, fetch rows. Imports nothing of seguridad, so any module can use it without pulling
in the warehouse's build machinery (or the reports)."""

from __future__ import annotations

from pathlib import Path

import duckdb


def run_sql_file(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    con.execute(path.read_text(encoding="utf-8"))


def set_variables(con: duckdb.DuckDBPyConnection, **values: object) -> None:
    """Bind values the SQL files read with getvariable(); never pasted into SQL text."""
    for name, value in values.items():
        con.execute(f"SET VARIABLE {name} = ?", [value])


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """First row of a query. Fetches everything: with DuckDB 2.0 a half-read result (a bare
    fetchone()) blocks every later statement on the connection."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str,
                params: list | dict | None = None) -> list[dict]:
    """Rows as dicts keyed by column name (NULL stays None, unlike a pandas round trip)."""
    result = con.execute(sql, params or [])
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
