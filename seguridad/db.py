"""The few helpers every module uses to talk to a DuckDB connection: run a SQL file, bind
variables, fetch rows. Imports nothing of seguridad, so any module can use it without pulling
in the warehouse's build machinery (or the reports)."""

from __future__ import annotations

from pathlib import Path

import duckdb


def run_sql_file(con: duckdb.DuckDBPyConnection, path: Path,
                 comments_together: bool = False) -> None:
    """Run a SQL file's statements. `comments_together`: its COMMENT ON statements (one line
    each, the descriptions of what it made) run last, in one transaction: each on its own is
    a commit synced to disk (~0.5 ms), a hundred and more per build. Not for a connection
    already inside a transaction."""
    text = path.read_text(encoding="utf-8")
    if not comments_together:
        con.execute(text)
        return
    lines = text.splitlines(keepends=True)
    comments = [line for line in lines if line.startswith("COMMENT ON ")]
    con.execute("".join(line for line in lines if not line.startswith("COMMENT ON ")))
    if comments:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("".join(comments))
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")


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
