"""Tables declared once with their grain (warehouse/sql/tables.toml), and the checks generated
from the declaration: a grain that repeats, a column that must not be NULL and is, a value
outside its list or absent from the table it refers to. They run at every build beside the
rules of warehouse/sql/checks/build/ (`seguridad.warehouse.build.seal`): a build that breaks one
publishes nothing. The data dictionary prints each table's grain from the same file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb

TABLES_TOML = Path(__file__).resolve().parents[2] / "warehouse" / "sql" / "tables.toml"
KINDS = ("fact", "reference", "derived", "mart", "log", "bookkeeping")


@dataclass(frozen=True)
class Table:
    name: str
    kind: str
    grain: tuple[str, ...]
    nullable_grain: tuple[str, ...] = ()
    not_null: tuple[str, ...] = ()
    accepted: dict[str, tuple[str, ...]] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)
    unique: bool = True

    def required(self) -> list[str]:
        """Columns that must never be NULL: the grain (but its nullable parts) and not_null."""
        return [c for c in self.grain if c not in self.nullable_grain] + list(self.not_null)


@cache
def registry(path: Path = TABLES_TOML) -> dict[str, Table]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    values = {k: tuple(v) for k, v in data.pop("values", {}).items()}
    tables = {}
    for name, spec in data.items():
        if spec.get("kind") not in KINDS or not spec.get("grain"):
            raise ValueError(f"{path.name}: {name} needs a kind of {KINDS} and a grain")
        tables[name] = Table(
            name=name, kind=spec["kind"], grain=tuple(spec["grain"]),
            nullable_grain=tuple(spec.get("nullable_grain", ())),
            not_null=tuple(spec.get("not_null", ())),
            accepted={c: values[v] for c, v in spec.get("accepted", {}).items()},
            references=dict(spec.get("references", {})),
            unique=spec.get("unique", True))
    return tables


def _q(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _text(columns) -> str:
    """The failing row shown as text: its grain, 'column=value, ...'."""
    return " || ', ' || ".join(f"'{c}=' || coalesce(CAST({_q(c)} AS VARCHAR), 'NULL')"
                               for c in columns)


def checks(table: Table) -> list[tuple[str, str]]:
    """(check name, query returning up to five failing rows as one text column `example`,
    plus `failing`, the number of failing rows)."""
    t, grain, out = table.name, table.grain, []
    if table.unique:
        keys = ", ".join(_q(c) for c in grain)
        out.append(("unique", f"SELECT {_text(grain)} AS example, count(*) OVER () AS failing "
                              f"FROM {t} GROUP BY {keys} HAVING count(*) > 1"))
    for column in table.required():
        out.append((f"not_null:{column}",
                    f"SELECT {_text(grain)} AS example, count(*) OVER () AS failing "
                    f"FROM {t} WHERE {_q(column)} IS NULL"))
    for column, allowed in table.accepted.items():
        listed = ", ".join("'" + v.replace("'", "''") + "'" for v in allowed)
        out.append((f"accepted:{column}",
                    f"SELECT {_text([column, *grain])} AS example, count(*) OVER () AS failing "
                    f"FROM {t} WHERE {_q(column)} IS NOT NULL AND {_q(column)} NOT IN ({listed})"))
    for column, target in table.references.items():
        ref_table, _, ref_column = target.rpartition(".")
        out.append((f"references:{column}",
                    f"SELECT {_text([column, *grain])} AS example, count(*) OVER () AS failing "
                    f"FROM {t} WHERE {_q(column)} IS NOT NULL AND {_q(column)} NOT IN "
                    f"(SELECT {_q(ref_column)} FROM {ref_table})"))
    return out


def summary(table: Table) -> str:
    """One scan of the table counting the failing rows of each check (columns named as
    `checks` names them); the examples are fetched only for a check that fails."""
    parts = []
    for check, query in checks(table):
        if check == "unique":
            keys = ", ".join(_q(c) for c in table.grain)
            parts.append(f"(SELECT count(*) FROM (SELECT 1 FROM {table.name} GROUP BY {keys} "
                         f"HAVING count(*) > 1)) AS \"{check}\"")
        else:
            where = query.split(" WHERE ", 1)[1]
            parts.append(f"count(*) FILTER (WHERE {where}) AS \"{check}\"")
    return f"SELECT {', '.join(parts)} FROM {table.name}"


def failures(con: duckdb.DuckDBPyConnection, tables: dict[str, Table] | None = None,
             views: bool = True) -> dict[str, tuple[int, list[str]]]:
    """Every generated check that fails: 'table check' -> (failing rows, first five).
    views=False leaves out views (computed on reading from tables checked here)."""
    failed = {}
    skip = set() if views else {f"{s}.{n}" for s, n in con.execute(
        "SELECT schema_name, view_name FROM duckdb_views() "
        "WHERE database_name = current_database() AND NOT internal").fetchall()}
    for table in (tables or registry()).values():
        if table.name in skip:
            continue
        counts = con.execute(summary(table)).fetchone()
        for (check, query), count in zip(checks(table), counts, strict=True):
            if count:
                rows = con.execute(query + " LIMIT 5").fetchall()
                failed[f"{table.name} {check}"] = (rows[0][1] if rows else count,
                                                   [r[0] for r in rows])
    return failed


def declared_in(con: duckdb.DuckDBPyConnection, schemas=("core", "marts", "ops")) -> set[str]:
    """The tables and views of those schemas in the warehouse (to compare with the registry)."""
    marks = ", ".join("?" for _ in schemas)
    return {f"{s}.{n}" for s, n in con.execute(f"""
        SELECT schema_name, table_name FROM duckdb_tables()
        WHERE database_name = current_database() AND schema_name IN ({marks})
        UNION ALL
        SELECT schema_name, view_name FROM duckdb_views()
        WHERE database_name = current_database() AND NOT internal
          AND schema_name IN ({marks})""", [*schemas, *schemas]).fetchall()}
