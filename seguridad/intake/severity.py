"""Reject or warn: the severity of every check of a raw format's model, declared once as data
next to the model (schemas/formats.toml, `[formats.<name>.warn]`). Damage (unreadable bytes, a
wrong header, truncated rows, a count that is not a number, a key repeated so that a total
would double) rejects the file whole; an oddity of the publisher's own file (an unknown
municipality code, a negative correction, a repeated block with other amounts) loads, and is
recorded in ops.data_warnings with file, row, column, value and rule, and with where its value
lands (place, crime row, months), so that a report names only the warnings that touch its own
numbers (marts.report_warnings)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandera.pandas as pa

from seguridad.errors import Failure

MONTHS = ["ENERO", "FEBRERO", "MARZO", "ABRIL", "MAYO", "JUNIO", "JULIO", "AGOSTO",
          "SEPTIEMBRE", "OCTUBRE", "NOVIEMBRE", "DICIEMBRE"]


def check_names(model: type[pa.DataFrameModel]) -> dict[str, str]:
    """The text a failure of each check carries (its `error=`, else its name) -> the check's
    name: what formats.toml declares severities by."""
    schema = model.to_schema()
    out: dict[str, str] = {}
    for column in schema.columns.values():
        for check in column.checks:
            out[check.error or check.name] = check.name
    for check in schema.checks:
        out[check.error or check.name] = check.name
    return out


def declared(spec: dict) -> dict[str, str]:
    """check name -> how its warnings are recorded ('cell' or 'value'); unlisted checks reject."""
    return dict(spec.get("warn") or {})


def once_per_value(model: type[pa.DataFrameModel], spec: dict) -> frozenset[str]:
    """The failure texts of the checks whose warnings are recorded once per value."""
    warn = declared(spec)
    return frozenset(text for text, name in check_names(model).items()
                     if warn.get(name) == "value")


def split(model: type[pa.DataFrameModel], spec: dict,
          failures: list[Failure]) -> tuple[list[Failure], list[Failure]]:
    """(rejections, warnings) of a model's failures, by the severity formats.toml declares.
    A check recorded once per value keeps the first row holding each value and counts the
    rest (an unknown municipality code fills a thousand rows of a municipal file)."""
    warn = declared(spec)
    if not warn or not failures:
        return failures, []
    names = check_names(model)
    rejected: list[Failure] = []
    warned: list[Failure] = []
    firsts: dict[tuple, Failure] = {}
    for f in failures:
        how = warn.get(names.get(f.check, f.check))
        if how is None:
            rejected.append(f)
        elif how == "value":
            key = (f.check, f.column, f.value)
            if key in firsts:
                firsts[key].rows += f.rows
            else:
                firsts[key] = f
                warned.append(f)
        else:
            warned.append(f)
    for f in firsts.values():
        if f.rows > 1:
            f.message += f" ({f.rows:,} rows hold this value; the first is named)"
    return rejected, warned


def month_of(column: str | None) -> int | None:
    """The month a SESNSP column holds ('Marzo', 'MARZO' -> 3), else None."""
    return MONTHS.index(column.upper()) + 1 if column and column.upper() in MONTHS else None


def locate(con: duckdb.DuckDBPyConnection, source: str, warnings: list[Failure]) -> None:
    """Fill in where each warning of a row lands, from `source`: a query with one row per file
    row (row_number, year, state_code, crime_id and, for a municipal file, municipality_code),
    the loaded file's typed rows. A cell's warning covers its month, a row's its year; one
    recorded per value covers every row that holds it: only its place is kept."""
    todo = [(i, w.row) for i, w in enumerate(warnings)
            if w.row is not None and w.geo_code is None]
    if not todo:
        return
    columns = {c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {source})")
               .fetchall()}
    if not {"row_number", "year", "state_code", "crime_id"} <= columns:
        return
    municipal = "municipality_code" in columns
    con.execute("CREATE OR REPLACE TEMP TABLE warned_rows AS SELECT unnest(?) AS i, "
                "unnest(?) AS row_number", [[i for i, _ in todo], [r for _, r in todo]])
    found = con.execute(
        f"SELECT w.i, s.year, s.state_code, s.crime_id, "
        f"{'s.municipality_code' if municipal else 'NULL'} "
        f"FROM warned_rows AS w JOIN ({source}) AS s USING (row_number)").fetchall()
    con.execute("DROP TABLE warned_rows")
    for i, year, state, crime_id, municipality in found:
        w = warnings[i]
        w.geo_level, w.geo_code = ("municipality", municipality) if municipal \
            else ("state", state)
        if w.rows > 1:  # stands for every row of its value: the place only
            continue
        w.crime_id = crime_id
        month = month_of(w.column)
        w.month_from = date(year, month or 1, 1)
        w.month_to = date(year, month or 12, 1)
