"""Excel workbooks (.xlsx, and .xls as the SHCP publishes the Cuenta Pública), read with
python-calamine (cached values of formula cells, no Excel needed) and written out as the same
UTF-8 CSV text the loaders read, so a workbook and a .csv of the same format go through the
same checks. A sheet is either a table (its first row a known header) or the Cuenta Pública
report, which seguridad.intake.budget_xls flattens."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook

from schemas.reference import formats
from seguridad.errors import FileRejected
from seguridad.intake import budget_xls

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


MAX_CELLS = 50_000_000  # a sheet's rectangle beyond this, far beyond its content, is refused
_ROW_TAG = re.compile(rb'<row r="(\d{1,7})"')
_FAR_CELL = re.compile(rb'<c r="[A-Z]{1,3}(\d{6,7})"')
_WIDE_REFS = [re.compile(rb'<c r="([A-Z]{%d})\d' % n) for n in (3, 2, 1)]
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]+\d+:)?([A-Z]{1,3})(\d{1,7})"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_extent(path: Path, label: str) -> None:
    """Refuse a sheet whose rectangle (the cells from A1 to its farthest cell, or to the
    dimension it declares) is far larger than what it holds: the reader would allocate every
    cell of it (a 1 KB workbook declaring XFD1048576 asks for 17 billion), and the machine,
    not the file, would fail."""
    try:
        with zipfile.ZipFile(path) as z:
            parts = [i for i in z.infolist()
                     if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
            for info in parts:
                if info.file_size > 4 * 2**30:
                    raise FileRejected(label, f"sheet part {info.filename} would unpack to "
                                              f"{info.file_size / 2**30:,.1f} GiB: refused")
                data = z.read(info)
                cells = data.count(b"<c ")
                far = [(_column_number(c), int(r)) for c, r in _DIMENSION.findall(data)]
                if cells:
                    far.append((_widest_column(data), _last_row(data)))
                for cols, rows in far:
                    if cols * rows > MAX_CELLS and cols * rows > 20 * max(cells, 1):
                        ref = f"{_column_letters(cols)}{rows}"
                        raise FileRejected(
                            label, f"a sheet ({info.filename}) spans up to cell {ref} "
                                   f"({cols:,} columns x {rows:,} rows, {cols * rows:,} cells) "
                                   f"but holds {cells:,} cells: refused, as reading it would "
                                   "fill the memory (a stray cell far away, or a damaged "
                                   "dimension). Delete what lies beyond the data, or save the "
                                   "sheet as CSV.")
    except zipfile.BadZipFile as e:
        raise FileRejected(label, f"the workbook cannot be read: {e}") from None


def _widest_column(data: bytes) -> int:
    """The farthest column any cell may use: exact when some reference has three or two
    letters (rare), else at most Z. Scanning every cell reference of a large sheet would
    cost more than reading it."""
    for pattern, ceiling in zip(_WIDE_REFS, (None, None, 26), strict=True):
        if ceiling is not None:
            return ceiling if pattern.search(data) else 0
        found = pattern.findall(data)
        if found:
            return max(_column_number(c) for c in found)
    return 0


def _last_row(data: bytes) -> int:
    """The farthest row: the row tags, and any cell whose reference has a 6- or 7-digit row
    (a cell can name a row its row tag does not)."""
    rows = [int(r) for r in _ROW_TAG.findall(data)] + [int(r) for r in _FAR_CELL.findall(data)]
    return max(rows, default=0)


def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _data_sheets(workbook: CalamineWorkbook) -> list[int]:
    """The sheets whose first row is a known format's header."""
    headers = [list(spec["header"]) for spec in formats().values()]
    found = []
    for i, _ in enumerate(workbook.sheet_names):
        rows = workbook.get_sheet_by_index(i).iter_rows()
        first = next(rows, [])
        if [_text(c).strip() for c in first] in headers:
            found.append(i)
    return found


def _report_sheet(workbook: CalamineWorkbook) -> int | None:
    """The first sheet laid out as the Cuenta Pública report (seguridad.intake.budget_xls)."""
    for i, _ in enumerate(workbook.sheet_names):
        rows = workbook.get_sheet_by_index(i).iter_rows()
        if budget_xls.is_report(list(itertools.islice(rows, budget_xls.HEADER_ROWS))):
            return i
    return None


def to_csv(path: Path, label: str, target: Path) -> list[int] | None:
    """Write the data sheet as UTF-8 CSV. Trailing rows that are completely empty (the
    SESNSP's 1997-2014 workbook ends with one) are dropped. Returns, for a flattened report,
    the workbook row of each data row (None when the CSV's rows are the sheet's rows)."""
    if zipfile.is_zipfile(path):  # an .xlsx: its sheets' extent is known before reading
        _check_extent(path, label)
    try:
        return _write_csv(path, label, target)
    except FileRejected:
        raise
    except Exception as e:  # calamine's own errors for damaged parts (XmlError, ...)
        target.unlink(missing_ok=True)
        raise FileRejected(label, f"the workbook cannot be read: {str(e).splitlines()[0]}"
                           ) from None


def _write_csv(path: Path, label: str, target: Path) -> list[int] | None:
    workbook = CalamineWorkbook.from_path(str(path))
    data = _data_sheets(workbook)
    if len(data) > 1:
        names = ", ".join(workbook.sheet_names[i] for i in data)
        raise FileRejected(label, f"the workbook has {len(data)} sheets of data ({names}): "
                                  "seguridad reads one data sheet per file, so one would be "
                                  "left out silently; save each sheet as its own file")
    report = _report_sheet(workbook) if not data else None
    sheet = workbook.get_sheet_by_index(data[0] if data else (report or 0))
    if report is not None:
        # A report is read whole, from A1, so that row numbers are the workbook's own.
        return budget_xls.to_csv(sheet.to_python(skip_empty_area=False), label, target)
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
