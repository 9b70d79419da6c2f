"""A raw format's pandera model, run where the data already is: the rules of the model are
turned into SQL over the temp table `landing`, so a municipal file of 2.7M rows is checked by
DuckDB in a second or two instead of by pandas in batches. pandera stays the one definition
of what valid input is: every check of the model is looked up by name in a table of SQL
twins (schemas.checks.SQL_TWINS and the model module's own), and a model with a check that
has no twin is validated by pandas as before. The failures read exactly as pandas's do
(tests/test_sqlvalidate.py compares the two on real and damaged files)."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

import duckdb
import pandera.pandas as pa

from schemas import checks, reference
from seguridad.errors import Failure
from seguridad.intake.validate import _phrase, _quote

LIMIT = 10_000


@dataclass(frozen=True)
class Rule:
    label: str  # the check's error text, as pandera reports it
    column: str  # the column a failure is reported in
    ok: str  # SQL, true where the data is acceptable
    reads: tuple[str, ...] = ()  # the columns it reads (the reported one first)


def _fill(template: str, **names: str) -> str:
    """Put quoted columns into a twin ({c}, {name}...); regular expressions keep their own
    braces, so str.format is not used."""
    for key, value in names.items():
        template = template.replace("{" + key + "}", value)
    return template


def _q(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _twins(model: type[pa.DataFrameModel]) -> dict[str, str]:
    own = getattr(importlib.import_module(model.__module__), "SQL_TWINS", {})
    return {**checks.SQL_TWINS, **own}


def _builtin(check: pa.Check) -> str | None:
    stats = check.statistics or {}
    if check.name == "str_matches":
        pattern = stats["pattern"]
        pattern = pattern if pattern.startswith("^") else "^" + pattern
        return "regexp_matches({c}, '" + pattern.replace("'", "''") + "')"
    if check.name == "isin":
        values = ", ".join("'" + str(v).replace("'", "''") + "'"
                           for v in stats["allowed_values"])
        return "{c} IN (" + values + ")"
    return None


_ROW_COLUMNS = {  # the columns a row twin names, by the model's layout
    "name_matches_code": lambda cols: {"name": "Entidad", "code": "Clave_Ent"},
    "municipality_in_state": lambda cols: {"municipality": "Cve. Municipio",
                                           "code": "Clave_Ent"},
    "municipality_exists": lambda cols: {"municipality": "Cve. Municipio", "name": "Municipio"},
}


def rules(model: type[pa.DataFrameModel], columns: list[str]) -> list[Rule] | None:
    """The model's rules as SQL over `columns`; None when some check has no SQL twin (then
    the caller validates with pandas)."""
    schema = model.to_schema()
    twins = _twins(model)
    out: list[Rule] = []
    for key, col in schema.columns.items():
        names = ([c for c in columns if re.fullmatch(key, c)] if col.regex
                 else [key] if key in columns else [])
        for name in names:
            c = _q(name)
            if not col.nullable:
                out.append(Rule("not_nullable", name, f"{c} IS NOT NULL", (name,)))
            for check in col.checks:
                sql = _builtin(check) or twins.get(check.name)
                if sql is None:
                    return None
                out.append(Rule(check.error or check.name, name,
                                f"({c} IS NULL OR ({_fill(sql, c=c)}))", (name,)))
    for check in schema.checks:
        if check.name not in checks.SQL_ROW_TWINS or check.name not in _ROW_COLUMNS:
            return None
        flagged, sql = checks.SQL_ROW_TWINS[check.name]
        names = _ROW_COLUMNS[check.name](columns)
        if not all(n in columns for n in names.values()):
            continue  # a header check has already failed
        quoted = {k: _q(v) for k, v in names.items()}
        column = _fill(flagged, **names)
        reads = tuple(dict.fromkeys([column, *names.values()]))
        out.append(Rule(check.error or check.name, column,
                        f"({_q(column)} IS NULL OR ({_fill(sql, **quoted)}))", reads))
    return out


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """The reference lists the twins look up, as temp tables."""
    names = reference.state_codes_by_name()
    con.execute("CREATE OR REPLACE TEMP TABLE ref_state_names AS "
                "SELECT unnest(?) AS name, unnest(?) AS code", [list(names), list(names.values())])
    con.execute("CREATE OR REPLACE TEMP TABLE ref_municipalities AS SELECT unnest(?) AS code",
                [list(reference.municipality_names())])
    rules = [(rule, value) for rule, values in reference.unattributed_rules().items()
             for value in sorted(values)]
    con.execute("CREATE OR REPLACE TEMP TABLE ref_unattributed AS SELECT unnest(?) AS rule, "
                "unnest(?) AS value", [[r for r, _ in rules], [v for _, v in rules]])


def validate(con: duckdb.DuckDBPyConnection, model: type[pa.DataFrameModel],
             columns: list[str], once_per_value: frozenset[str] = frozenset()
             ) -> list[Failure] | None:
    """Every rule of the model over every row of `landing`; None if the model cannot be run
    in SQL. A rule depends only on the columns it reads, and a file has few distinct values
    of each (counts, codes, names): the rules are judged once per distinct value, found in a
    single pass over the file, and only the rows holding a failing value are looked up. The
    rules named in `once_per_value` (warnings recorded once per value, seguridad/intake/severity.py)
    give the first row of each failing value and how many rows hold it."""
    found = rules(model, columns)
    if found is None:
        return None
    prepare(con)
    sets = list(dict.fromkeys(r.reads for r in found))
    every = list(dict.fromkeys(c for s in sets for c in s))
    grouping = ", ".join(_q(c) for c in every)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE distinct_values AS SELECT {grouping}, "
        f"GROUPING({grouping}) AS __set FROM landing GROUP BY GROUPING SETS ("
        + ", ".join("(" + ", ".join(_q(c) for c in s) + ")" for s in sets) + ")")
    out = []
    for r in found:
        mask = sum(1 << (len(every) - 1 - i) for i, c in enumerate(every) if c not in r.reads)
        cols = ", ".join(_q(c) for c in r.reads)
        bad = con.execute(f"SELECT {cols} FROM distinct_values WHERE __set = {mask} "
                          f"AND NOT coalesce({r.ok}, false)").fetchall()
        if not bad:
            continue
        con.execute(f"CREATE OR REPLACE TEMP TABLE failing AS SELECT {cols} FROM "
                    f"distinct_values WHERE __set = {mask} AND NOT coalesce({r.ok}, false)")
        match = " AND ".join(f"l.{_q(c)} IS NOT DISTINCT FROM f.{_q(c)}" for c in r.reads)
        if r.label in once_per_value:
            rows = con.execute(f"SELECT min(l.rowid) + 2, CAST(l.{_q(r.column)} AS VARCHAR), "
                               f"count(*) FROM landing AS l SEMI JOIN failing AS f ON {match} "
                               f"GROUP BY 2 ORDER BY 1 LIMIT {LIMIT}").fetchall()
        else:
            rows = con.execute(f"SELECT l.rowid + 2, CAST(l.{_q(r.column)} AS VARCHAR), 1 FROM "
                               f"landing AS l SEMI JOIN failing AS f ON {match} "
                               f"ORDER BY 1 LIMIT {LIMIT}").fetchall()
        out += [Failure(r.label, f"row {row:,}, column {r.column}: {_quote(value)} "
                                 f"{_phrase(r.label)}", row=row, column=r.column, value=value,
                        rows=n)
                for row, value, n in rows]
        if len(out) >= LIMIT:
            break
    con.execute("DROP TABLE IF EXISTS distinct_values")
    con.execute("DROP TABLE IF EXISTS failing")
    out.sort(key=lambda f: (f.row is not None, f.row or 0, f.column or ""))
    return out[:LIMIT]
