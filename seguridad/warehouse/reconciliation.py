"""Build rules that warn: queries under warehouse/sql/checks/build_warnings/ that run at every
build, after the marts, and whose rows are warnings (ops.data_warnings, under the rule's name
and the file they are about), never a refused build: a state total against the sum of its
municipal file (marts.state_municipal_reconciliation) is the first. `seguridad status` shows
the worst gaps."""

from __future__ import annotations

from datetime import datetime

import duckdb

from seguridad.config import SQL_DIR
from seguridad.db import fetch_dicts

WARN_RULES_DIR = SQL_DIR / "checks" / "build_warnings"


def record_build_warnings(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> int:
    """Run every warning rule; replace its rows in ops.data_warnings. Returns how many."""
    now = datetime.now().astimezone()
    total = 0
    for path in sorted(WARN_RULES_DIR.glob("*.sql")):
        rule = path.stem
        con.execute("DELETE FROM ops.data_warnings WHERE check_name = ?", [rule])
        con.execute(f"""
            INSERT INTO ops.data_warnings BY NAME
            SELECT w.file_sha256, f.file_name, NULL AS row_number, w.column_name,
                   $rule AS check_name, w.value, w.message, $run_id AS run_id,
                   $now AS recorded_at, w.geo_level, w.geo_code, NULL AS crime_id,
                   w.month_from, w.month_to, 1 AS rows
            FROM ({path.read_text(encoding="utf-8")}) AS w
            JOIN ops.file_intake AS f USING (file_sha256)""",
                    {"rule": rule, "run_id": run_id, "now": now})
        total += con.execute("SELECT count(*) FROM ops.data_warnings WHERE check_name = ?",
                             [rule]).fetchone()[0]
    return total


def worst_gaps(con: duckdb.DuckDBPyConnection, n: int = 5) -> list[dict]:
    """The largest disagreements between state files and the municipal files (by share of
    the state total), for `seguridad status`."""
    return fetch_dicts(con, """
        SELECT state_name, series, year, indicator, months, state_total, municipal_total,
               identified, unattributed, unknown, gap, gap_pct, tolerance_pct,
               beyond_tolerance
        FROM marts.state_municipal_reconciliation
        ORDER BY abs(coalesce(gap_pct, 100)) DESC, abs(gap) DESC, state_code, year, indicator
        LIMIT ?""", [n])
