"""The SHCP's Cuenta Pública report "gasto por categoría programática" as the SHCP publishes it
(an .xls workbook laid out for print: title rows, a two-level header, ENTE / RAMO / SUBRAMO as
indented heading rows, a program's code and name, its budget stages on the rows beneath),
flattened into the columns of the CSV flattening of the same report, so that both go through
one pandera model and one staging view. Only the layout is read here; every value is checked
by the model (schemas/budget.py), on the workbook's own row numbers."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from schemas import reference
from seguridad.errors import Failure, FileRejected

TITLE = "GASTO POR CATEGORIA PROGRAMATICA"
# "CUENTA PÚBLICA 2015"; until 2013 "CUENTA DE LA HACIENDA PÚBLICA FEDERAL DE 2013".
_YEAR_TITLE = re.compile(r"^CUENTA (?:PUBLICA|DE LA HACIENDA PUBLICA FEDERAL DE) (\d{4})$")
_FOOTNOTE = re.compile(r"\s*\d+/\s*$")  # 'DENOMINACIÓN 2/', 'PROGRAMÁTICA1/'
HEADER_ROWS = 8  # the header is a few rows under the title; never deeper than this
EXPECTED = ("the SHCP's Cuenta Pública report 'gasto por categoría programática': a title row "
            "'GASTO POR CATEGORÍA PROGRAMÁTICA' under 'CUENTA PÚBLICA <year>', then a header "
            "row 'ENTE / RAMO | PROGRAMA | DENOMINACIÓN | GASTO CORRIENTE | [PENSIONES Y "
            "JUBILACIONES |] GASTO DE INVERSIÓN | TOTAL' with its sub-headings beneath")


def _key(text: object) -> str:
    """A label as compared: no accents, upper case, no footnote mark, no spaces at all (the
    2013 workbook spaces its letters out: 'G A S T O    C O R R I E N T E')."""
    if not isinstance(text, str):
        return ""
    return re.sub(r"\s+", "", reference.normalize_name(_FOOTNOTE.sub("", text)))


def _words(text: object) -> str:
    return reference.normalize_name(_FOOTNOTE.sub("", text)) if isinstance(text, str) else ""


def column_letter(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


@cache
def _column_map() -> dict[tuple[str, str], str]:
    """(heading, sub-heading) of the report -> column of the flattened CSV
    (schemas/reference/cuenta_publica_columns.csv)."""
    table = reference.load("cuenta_publica_columns")
    return {(_key(h), _key(s) if isinstance(s, str) else ""): c
            for h, s, c in table[["heading", "subheading", "column"]].itertuples(False)}


@cache
def _stage_labels() -> set[str]:
    return {_key(label) for label in reference.load("budget_stages")["label"]}


def is_report(rows: Sequence[Sequence[object]]) -> bool:
    """Whether a sheet is laid out as the Cuenta Pública report (its title says so)."""
    return any(_words(c) == TITLE for r in rows[:HEADER_ROWS] for c in r)


@dataclass
class Layout:
    fiscal_year: str
    program_col: int
    name_col: int
    amount_cols: list[tuple[int, str]]  # workbook column -> flattened column
    first_data_row: int  # 0-based
    last_data_row: int  # the last stage row; footnotes follow
    heading_cols: list[int]  # ENTE, RAMO[, SUBRAMO], left to right


def read_layout(rows: Sequence[Sequence[object]], label: str) -> Layout:
    """Find the title, the header and the columns; raise FileRejected saying what was
    expected where the workbook departs from the report's layout."""
    year = next((m.group(1) for r in rows[:HEADER_ROWS] for c in r
                 if (m := _YEAR_TITLE.match(_words(c)))), None)
    if year is None:
        raise FileRejected(label, "no title row 'CUENTA PÚBLICA <year>' in the first "
                                  f"{HEADER_ROWS} rows: the workbook is not {EXPECTED}")
    header_row = next((i for i, r in enumerate(rows[:HEADER_ROWS * 2])
                       if any(_key(c) == "ENTE/RAMO" for c in r)), None)
    if header_row is None:
        raise FileRejected(label, f"no header row with 'ENTE / RAMO': expected {EXPECTED}")
    header = rows[header_row]
    keys = [_key(c) for c in header]

    def position(name: str, prefix: bool = False) -> int:
        for i, k in enumerate(keys):
            if k == name or (prefix and k.startswith(name)):
                return i
        raise FileRejected(label, f"row {header_row + 1:,}: the header has no {name!r} column: "
                                  f"expected {EXPECTED}",
                           [Failure("layout", f"row {header_row + 1:,}: no {name} column",
                                    row=header_row + 1)])

    program_col = position("PROGRAMA")
    name_col = position("DENOMINACION", prefix=True)
    first_amount = position("GASTOCORRIENTE")
    # The sub-headings sit on the rows under the header, down to the first data row (the
    # first row with a heading or stage in the columns left of the amounts).
    first_data_row = next(
        (i for i in range(header_row + 1, len(rows))
         if any(isinstance(c, str) and c.strip() for c in rows[i][:first_amount])),
        len(rows))
    width = max(len(r) for r in rows[header_row:first_data_row])
    amount_cols: list[tuple[int, str]] = []
    heading = ""
    for col in range(first_amount, width):
        if col < len(header) and _key(header[col]):
            heading = _key(header[col])  # a heading spans the columns to its right
        subs = [_key(rows[r][col]) for r in range(header_row + 1, first_data_row)
                if col < len(rows[r]) and _key(rows[r][col])]
        leaf = subs[-1] if subs else ""  # the lowest sub-heading names the column
        column = _column_map().get((heading, leaf))
        if column is None:
            if not leaf and not (col < len(header) and _key(header[col])):
                continue  # an empty column at the right edge of the print area
            shown = " / ".join(x for x in (_words(header[col]) if col < len(header) else "",
                                           *[_words(rows[r][col]) for r in
                                             range(header_row + 1, first_data_row)
                                             if col < len(rows[r]) and _key(rows[r][col])])
                               if x) or "(empty)"
            raise FileRejected(
                label, f"column {column_letter(col)} of the header (rows {header_row + 1:,}-"
                       f"{first_data_row:,}) reads {shown!r}, which is not a column of the "
                       f"Cuenta Pública report (under {heading or 'no heading'}); expected "
                       "the columns of schemas/reference/cuenta_publica_columns.csv",
                [Failure("layout", f"column {column_letter(col)}: {shown!r} is not a known "
                                   "column", row=header_row + 1, column=column_letter(col),
                         value=shown)])
        amount_cols.append((col, column))
    if len({c for _, c in amount_cols}) != len(amount_cols):
        raise FileRejected(label, f"the header (rows {header_row + 1:,}-{first_data_row:,}) names "
                                  f"a column twice: expected {EXPECTED}")
    stages = _stage_labels()
    last_data_row = max((i for i in range(first_data_row, len(rows))
                         if _key(_cell(rows[i], name_col)) in stages), default=None)
    if last_data_row is None:
        raise FileRejected(label, "no budget stage rows (Aprobado, Modificado, Devengado, "
                                  f"Ejercicio) under the header: expected {EXPECTED}")
    # What comes after the last stage row is the report's footnotes, not data.
    heading_cols = sorted({next(j for j in range(program_col) if _present(r, j))
                           for r in rows[first_data_row:last_data_row + 1]
                           if _is_heading(r, program_col, name_col)})
    return Layout(year, program_col, name_col, amount_cols, first_data_row, last_data_row,
                  heading_cols)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return repr(float(value))  # as the flattened CSV writes pesos: 16090550.0
    return str(value)


def _is_heading(row: Sequence[object], program_col: int, name_col: int) -> bool:
    """A heading row: one text cell left of the program column and nothing in the program
    and name columns (its amounts, zeros in later workbooks, are not data)."""
    cells = [c for c in row[:program_col] if isinstance(c, str) and c.strip()]
    return (len(cells) == 1 and not _present(row, program_col) and not _present(row, name_col))


def _present(row: Sequence[object], col: int) -> bool:
    value = row[col] if col < len(row) else None
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def flatten(rows: Sequence[Sequence[object]], label: str) -> tuple[list[str], list[list[str]],
                                                                   list[int]]:
    """The report as the flattened CSV's header and rows, with the workbook row (1-based, as
    a spreadsheet shows it) of each row. Headings become ENTE / RAMO / SUBRAMO of the rows
    under them, as the CSV flattening writes them: the levels a row sits under, in order,
    without gaps (a ramo printed at the subramo's indent under an ente is its RAMO)."""
    layout = read_layout(rows, label)
    levels = ["ENTE", "RAMO", "SUBRAMO"][:len(layout.heading_cols)]
    if len(levels) < 2 or len(layout.heading_cols) > 3:
        raise FileRejected(label, f"the rows under the header have headings in "
                                  f"{len(layout.heading_cols)} columns; expected {EXPECTED} "
                                  "(ENTE, RAMO and, from 2015, SUBRAMO)")
    header = ["CICLO", *levels, "PROGRAMA", "PRESUPUESTO", *[c for _, c in layout.amount_cols]]
    read = {layout.program_col, layout.name_col, *(c for c, _ in layout.amount_cols)}
    path: dict[int, str] = {}  # heading column -> the heading the rows are under
    program = "TOTAL"  # stage rows right under a heading are that heading's total
    out: list[list[str]] = []
    source_rows: list[int] = []
    for i in range(layout.first_data_row, layout.last_data_row + 1):
        row = rows[i]
        if not any(_present(row, j) for j in range(len(row))):
            continue
        code = _label(row, layout.program_col)
        name = _label(row, layout.name_col)
        if _is_heading(row, layout.program_col, layout.name_col):
            col = next(j for j in range(layout.program_col) if _present(row, j))
            path = {j: h for j, h in path.items() if j < col}
            path[col] = _label(row, col)
            program = "TOTAL"
            continue
        stray = next((j for j in range(layout.program_col, len(row))
                      if j not in read and _present(row, j)), None)
        if stray is not None:
            shown = _text(_cell(row, stray))
            raise FileRejected(
                label, f"row {i + 1:,}, column {column_letter(stray)}: {shown!r} is in a column "
                       "the report does not use (a shifted row?): a program's code goes under "
                       "PROGRAMA, its name and stages under DENOMINACIÓN, amounts under their "
                       "headings",
                [Failure("layout", f"row {i + 1:,}, column {column_letter(stray)}: {shown!r} "
                                   "is outside the report's columns", row=i + 1,
                         column=column_letter(stray), value=shown)])
        if any(_present(row, j) for j in range(layout.program_col)):
            raise FileRejected(
                label, f"row {i + 1:,}: text in the ENTE / RAMO columns next to a program or "
                       "stage: a heading row holds only its ente, ramo or subramo",
                [Failure("layout", f"row {i + 1:,}: a heading and a program on one row",
                         row=i + 1)])
        if code:
            program = code
            if not name:
                continue  # a code without a name: the CSV flattening writes no name row
        named = [path[j] for j in sorted(path)]
        if not named:
            raise FileRejected(label, f"row {i + 1:,}: a program or stage before any ENTE "
                                      f"heading: expected {EXPECTED}",
                               [Failure("layout", f"row {i + 1:,}: no heading above it",
                                        row=i + 1)])
        places = (named + ["", "", ""])[:len(levels)]
        out.append([layout.fiscal_year, *places, _text(_cell(row, layout.program_col)) or program,
                    _text(_cell(row, layout.name_col)),
                    *[_text(_cell(row, col)) for col, _ in layout.amount_cols]])
        source_rows.append(i + 1)
    return header, out, source_rows


def _cell(row: Sequence[object], col: int) -> object:
    return row[col] if col < len(row) else None


def _label(row: Sequence[object], col: int) -> str:
    value = _cell(row, col)
    return value.strip() if isinstance(value, str) else _text(value)


def to_csv(rows: Sequence[Sequence[object]], label: str, target: Path) -> list[int]:
    """Write the flattened report as UTF-8 CSV; return the workbook row of each data row."""
    header, out, source_rows = flatten(rows, label)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(out)
    return source_rows
