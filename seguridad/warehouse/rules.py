"""The data rules a build must pass before it is published: the queries of
warehouse/sql/checks/build/ (each returns its failing rows) and the grain declared in
warehouse/sql/tables.toml (seguridad.warehouse.grain). A build that breaks one is refused,
naming the rule, what it says and its first failing rows; nothing is published."""

from __future__ import annotations

import duckdb

from seguridad.config import SQL_DIR
from seguridad.db import fetch_dicts, fetch_one
from seguridad.errors import BuildRefused
from seguridad.i18n import say
from seguridad.warehouse import grain, incremental

# The data rules every build must pass before it is published (see check_rules).
# The header every SQL file starts with (what it creates, its grain, what it reads): not the
# rule's own words.
SQL_HEADER = ("-- Creates:", "-- Defines:", "-- Grain:", "-- Reads:", "--          ")
RULES_DIR = SQL_DIR / "checks" / "build"


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
    kept = incremental.skipped(con)  # made by the build before from the same inputs
    tables = {name: table for name, table in grain.registry().items() if name not in kept}
    same, prints = incremental.checked_unchanged(con, tables)  # large, and as they passed
    broken = grain.failures(con, {name: table for name, table in tables.items()
                                  if name not in same}, views=False)
    if not broken:
        incremental.record_checked(con, prints)
    if not failed and not broken:
        return
    lines = []
    for check, (count, examples) in broken.items():
        table, _, what = check.partition(" ")
        lines.append(say("warehouse.grain_failed", table=table, check=what, count=f"{count:,}"))
        lines += ["    " + example for example in examples]
    for rule, (count, rows) in failed.items():
        said = " ".join(line.removeprefix("--").strip() for line in
                        (RULES_DIR / f"{rule}.sql").read_text(encoding="utf-8").splitlines()
                        if line.startswith("--") and line.strip() != "--"
                        and not line.startswith(SQL_HEADER))
        lines.append(say("warehouse.rule_failed", rule=rule, count=f"{count:,}", said=said))
        lines += ["    " + ", ".join(f"{k}={v}" for k, v in row.items()) for row in rows]
    raise BuildRefused(say("warehouse.rules_broken") + "\n  " + "\n  ".join(lines))
