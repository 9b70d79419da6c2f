"""Run a raw format's pandera model and turn its failure cases into sentences an analyst can
act on: which row (as a spreadsheet numbers it), which column, which value, what is wrong."""

from __future__ import annotations

import importlib
import math
import re

import pandas as pd
import pandera.pandas as pa

from schemas import checks
from seguridad.errors import Failure

# Wording for pandera's built-in checks; custom checks carry their own `error=` text.
_BUILTIN = [
    (re.compile(r"^str_matches"), "is not in the expected form"),
    (re.compile(r"^isin\((.*)\)$"), "is not one of the allowed values {0}"),
    (re.compile(r"^not_nullable$"), "is empty but a value is required"),
    (re.compile(r"^field_uniqueness$"), "is repeated but must be unique"),
    (re.compile(r"^dtype\("), "has an unexpected data type"),
]


def load_model(ref: str) -> type[pa.DataFrameModel]:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def _phrase(check: str) -> str:
    for pattern, text in _BUILTIN:
        if m := pattern.match(check):
            return text.format(*m.groups())
    return check


def _cell(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _quote(value: str | None) -> str:
    return "an empty cell" if value is None else repr(value)


def validate(model: type[pa.DataFrameModel], df: pd.DataFrame) -> list[Failure]:
    """Validate lazily (every rule, every row). `df` is indexed by file row number."""
    try:
        with checks.numbers_once():
            model.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        failures = failures_from(err.failure_cases) + empty_cell_failures(err, df)
        if not failures:  # never let a failed validation pass for want of details
            failures = [Failure("schema", str(err).splitlines()[0])]
        return failures
    return []


def empty_cell_failures(err: pa.errors.SchemaErrors, df: pd.DataFrame) -> list[Failure]:
    """pandera drops failing cells that are empty from its failure cases; a dataframe check
    that flags empty cells on purpose (a blank among published counts) is recovered from the
    check's own output."""
    out = []
    for error in err.schema_errors:
        flags = getattr(error, "check_output", None)
        if not isinstance(flags, pd.DataFrame) or error.check is None:
            continue
        failed = ~flags.fillna(True).astype(bool) & df.reindex_like(flags).isna()
        text = error.check.error or error.check.name
        for row, column in failed.stack().loc[lambda s: s].index:
            out.append(Failure(text, f"row {int(row):,}, column {column}: an empty cell {text}",
                               row=int(row), column=str(column)))
    return out


HEADER_CHECKS = ("column_in_dataframe", "column_in_schema")


def failures_from(cases: pd.DataFrame) -> list[Failure]:
    out: list[Failure] = []
    unique_rows: dict[int, list[tuple[str, str | None]]] = {}
    for case in cases.itertuples(index=False):
        check, column, row = str(case.check), case.column, case.index
        row = None if row is None or (isinstance(row, float) and math.isnan(row)) else int(row)
        if check == "column_in_dataframe":
            out.append(Failure("column_in_dataframe", f"column {case.failure_case!r} is missing",
                               column=str(case.failure_case)))
        elif check == "column_in_schema":
            out.append(Failure("column_in_schema",
                               f"column {case.failure_case!r} is not part of this format",
                               column=str(case.failure_case)))
        elif check == "multiple_fields_uniqueness":
            unique_rows.setdefault(row, []).append((str(column), _cell(case.failure_case)))
        elif isinstance(case.failure_case, dict):
            # A dataframe-wide check that returned cell flags: one failure per flagged cell.
            for col, value in case.failure_case.items():
                value = _cell(value)
                out.append(Failure(check, f"row {row:,}, column {col}: {_quote(value)} {check}",
                                   row=row, column=str(col), value=value))
        elif row is None:
            out.append(Failure(check, f"the file fails the rule: {_phrase(check)}"))
        else:
            value = _cell(case.failure_case)
            out.append(Failure(check, f"row {row:,}, column {column}: {_quote(value)} "
                                      f"{_phrase(check)}", row=row, column=str(column),
                               value=value))
    header = [f for f in out if f.check in HEADER_CHECKS]
    if header:  # a wrong header: every other failure would only follow from it
        return header
    for row, cells in unique_rows.items():
        key = ", ".join(f"{c} {v!r}" for c, v in sorted(cells))
        out.append(Failure("unique_key", f"row {row:,}: the same key appears in another row "
                                         f"({key})", row=row, value=key))
    out.sort(key=lambda f: (f.row is not None, f.row or 0, f.column or ""))
    return out


def summarize(failures: list[Failure], examples: int = 3) -> list[Failure]:
    """A few examples of each kind of failure, so a message stays readable whether one cell
    or a million are wrong."""
    seen: dict[str, int] = {}
    picked = []
    for f in failures:
        n = seen.get(f.check, 0)
        if n < examples:
            picked.append(f)
        seen[f.check] = n + 1
    return picked
