"""Excel workbooks (.xlsx), as the SESNSP publishes some releases: read with python-calamine
(cached values of formula cells, no Excel needed) and written out as the same UTF-8 CSV text
the loaders read, so an .xlsx and a .csv of the same format go through the same checks."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook

from schemas.reference import formats
from seguridad.errors import FileRejected


def is_xlsx(path: Path) -> bool:
    """An .xlsx is a ZIP archive with a workbook part inside."""
    try:
        with zipfile.ZipFile(path) as z:
            return "xl/workbook.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _text(value: object) -> str:
    """A cell as the CSV text the SESNSP would have written: whole numbers without '.0',
    empty cells empty, text (including cells of three spaces) untouched."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _pick_sheet(workbook: CalamineWorkbook) -> int:
    """The first sheet whose first row is a known header; else the first sheet."""
    headers = [[h for h in spec["header"]] for spec in formats().values()]
    for i, _ in enumerate(workbook.sheet_names):
        rows = workbook.get_sheet_by_index(i).iter_rows()
        first = next(rows, [])
        if [_text(c).strip() for c in first] in headers:
            return i
    return 0


def to_csv(path: Path, label: str, target: Path) -> int:
    """Write the data sheet as UTF-8 CSV; return the number of data rows. Trailing rows
    that are completely empty (the SESNSP's 1997-2014 workbook ends with one) are dropped."""
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own error types for damaged workbooks
        raise FileRejected(label, f"the workbook cannot be read: {e}") from e
    sheet = workbook.get_sheet_by_index(_pick_sheet(workbook))
    target.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    pending_empty = 0
    with open(target, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        for row in sheet.iter_rows():
            cells = [_text(c) for c in row]
            if not any(c.strip() for c in cells):
                pending_empty += 1
                continue
            for _ in range(pending_empty):  # an empty row inside the data is kept, and checked
                writer.writerow([""] * len(cells))
                rows += 1
            pending_empty = 0
            writer.writerow(cells)
            rows += 1
    if rows == 0:
        raise FileRejected(label, "the workbook's sheet is empty")
    return rows - 1
