"""Excel workbooks (.xlsx, and .xls as the SHCP publishes the Cuenta Pública), read with
python-calamine (cached values of formula cells, no Excel needed) and written out as the same
UTF-8 CSV text the loaders read, so a workbook and a .csv of the same format go through the
same checks. A sheet is either a table (its first row a known header) or the Cuenta Pública
report, which seguridad.budget_xls flattens."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook

from schemas.reference import formats
from seguridad import budget_xls
from seguridad.errors import FileRejected

# An .xls (Excel 97-2003, BIFF8) is an OLE2 compound document: these are its first bytes.
_OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def is_xlsx(path: Path) -> bool:
    """An .xlsx is a ZIP archive with a workbook part inside."""
    try:
        with zipfile.ZipFile(path) as z:
            return "xl/workbook.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def is_xls(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(8) == _OLE2_MAGIC


def kind(path: Path) -> str | None:
    """'xlsx' or 'xls' for a workbook (told by its bytes, not its name), else None."""
    if is_xls(path):
        return "xls"
    return "xlsx" if is_xlsx(path) else None


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


def _pick_sheet(workbook: CalamineWorkbook) -> tuple[int, bool]:
    """The first sheet whose first row is a known header; else the first laid out as the
    Cuenta Pública report (True); else the first sheet, whose header the checks will judge."""
    headers = [[h for h in spec["header"]] for spec in formats().values()]
    for i, _ in enumerate(workbook.sheet_names):
        rows = workbook.get_sheet_by_index(i).iter_rows()
        first = next(rows, [])
        if [_text(c).strip() for c in first] in headers:
            return i, False
    for i, _ in enumerate(workbook.sheet_names):
        rows = workbook.get_sheet_by_index(i).iter_rows()
        if budget_xls.is_report(list(itertools.islice(rows, budget_xls.HEADER_ROWS))):
            return i, True
    return 0, False


def to_csv(path: Path, label: str, target: Path) -> list[int] | None:
    """Write the data sheet as UTF-8 CSV. Trailing rows that are completely empty (the
    SESNSP's 1997-2014 workbook ends with one) are dropped. Returns, for a flattened report,
    the workbook row of each data row (None when the CSV's rows are the sheet's rows)."""
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        index, report = _pick_sheet(workbook)
        sheet = workbook.get_sheet_by_index(index)
        # A report is read whole, from A1, so that row numbers are the workbook's own.
        cells = sheet.to_python(skip_empty_area=False) if report else None
    except Exception as e:  # calamine raises its own error types for damaged workbooks
        raise FileRejected(label, f"the workbook cannot be read: {e}") from e
    if cells is not None:
        return budget_xls.to_csv(cells, label, target)
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
    return None
