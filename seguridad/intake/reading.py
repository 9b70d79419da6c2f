"""Reading one file's text into DuckDB, before any check of its values: its header (trimmed,
no repeats, at most MAX_COLUMNS), its format told from that header, the metadata around an
export's table dropped, and the parse with DuckDB (fixed dialect, all text) into the temp
table `landing`. A file that cannot be read so is rejected (FileRejected) with what a person
can act on: the line, the fields counted, the separator it seems to use."""

from __future__ import annotations

import csv
import itertools
import re
from collections import Counter
from pathlib import Path

import duckdb

from schemas.reference import formats
from seguridad.db import fetch_one
from seguridad.errors import Failure, FileRejected
from seguridad.intake import budget_xls

MAX_COLUMNS = 200  # the widest format has 23; a first line wider than this is not a header


def read_header(work: Path, label: str, encoding: str = "utf-8") -> list[str]:
    """The column names, trimmed (some files pad them with spaces)."""
    with open(work, encoding=encoding, newline=None) as f:
        first = f.readline(1_000_000)
    if len(first) >= 1_000_000 and not first.endswith("\n"):
        commas = first.count(",")
        raise FileRejected(label, "the first line is over 1,000,000 characters long"
                                  + (f" with {commas:,}+ commas: {commas + 1:,}+ columns"
                                     if commas else " and has no commas")
                                  + "; it does not match any known format (a header lists "
                                  f"at most {MAX_COLUMNS} columns)")
    try:
        header = next(csv.reader([first]), None)
    except csv.Error as e:
        raise FileRejected(label, f"the first line cannot be read as CSV ({e}); it does not "
                                  "match any known format") from None
    header = [h.strip() for h in header] if header else header
    if not header or not any(header):
        raise FileRejected(label, "the first line is empty: no header")
    if len(header) > MAX_COLUMNS:
        raise FileRejected(label, f"the first line has {len(header):,} columns; no known format "
                                  f"has more than {MAX_COLUMNS} (is this a data file?)")
    duplicated = sorted(h for h, n in Counter(header).items() if n > 1)
    if duplicated:
        names = ", ".join(map(repr, duplicated))
        raise FileRejected(label, f"the header repeats column(s) {names}")
    return header


def detect_format(header: list[str], label: str, workbook: bool = False) -> str:
    """The format whose header this is (columns a format calls optional may be absent). A
    header that is close to a known one (a column missing or added) is taken as that format
    so the checks can say exactly what differs."""
    cleaned = [h.strip() for h in header]
    best, best_score = None, 0.0
    for name, spec in formats().items():
        expected = spec["header"]
        optional = set(spec.get("optional", []))
        if cleaned == [c for c in expected if c not in optional or c in cleaned]:
            return name
        score = len(set(cleaned) & set(expected)) / len(set(expected) | set(cleaned))
        if score > best_score:
            best, best_score = name, score
    if best is not None and best_score >= 0.6:
        return best
    shown = ", ".join(_short(h) for h in cleaned[:8]) + (", ..." if len(cleaned) > 8 else "")
    hint = ""
    if len(cleaned) == 1:
        for sep, name in ((";", "';'"), ("\t", "tabs"), ("|", "'|'")):
            if cleaned[0].count(sep) >= 3:
                hint = (f" The columns seem separated by {name}: the formats use commas; save "
                        "the file as CSV with commas.")
                break
    also = (f" A workbook is read either as a table (its first row one of those headers) or as "
            f"{budget_xls.EXPECTED}." if workbook else "")
    raise FileRejected(label, f"the header does not match any known format (it reads: {shown})."
                              f"{hint} Known formats are listed in schemas/formats.toml.{also}")


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[:n] + f"... ({len(text):,} characters)"


def _fields(line: str) -> list[str]:
    """A line's fields, trimmed; none for a line the csv module refuses (a 20 MB field)."""
    try:
        return [h.strip() for h in next(csv.reader([line]), [])]
    except csv.Error:
        return []


def strip_preamble(text: Path, encoding: str, work: Path, label: str,
                   scan: int = 30) -> list[int] | None:
    """For formats exported with metadata around the table (`preamble = true`, INEGI's BIE):
    when the header of such a format comes after some lines, keep only the table: from the
    header to the first blank line (what follows is notes). Returns the file's line number of
    each data row, or None when the file starts with its header. Only the first lines are read
    unless such a header is found (a municipal file is half a gigabyte)."""
    headers = [spec["header"] for spec in formats().values() if spec.get("preamble")]
    if not headers:
        return None
    with open(text, encoding=encoding, newline=None) as f:
        head = [line.rstrip("\n") for line in itertools.islice(f, scan)]
    start = next((i for i, line in enumerate(head) if _fields(line) in headers), None)
    if not start:  # no such header, or already on the first line
        return None
    with open(text, encoding=encoding, newline=None) as f:
        lines = f.read().split("\n")  # a small export: the header was near the top
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    width = len(next(csv.reader([lines[start]])))
    for i in range(end, len(lines)):  # notes must not hide months of data
        fields = next(csv.reader([lines[i]]), [])
        if len(fields) == width and re.match(r"^\s*\d{4}\D\d{2}\s*$", fields[0]):
            raise FileRejected(label, f"line {i + 1:,} looks like a row of data ({lines[i]!r}) "
                                      f"but comes after the blank line {end + 1:,} that ends "
                                      "the table: a damaged or concatenated export?",
                               [Failure("layout", f"line {i + 1:,}: data after the notes",
                                        row=i + 1)])
    with open(work, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines[start:end]) + "\n")
    return list(range(start + 2, end + 1))


_CSV_ERROR = re.compile(r"CSV Error on Line: (\d+).*?Expected Number of Columns: (\d+) "
                        r"Found: (\d+)", re.S)


def read_into_landing(con: duckdb.DuckDBPyConnection, work: Path, header: list[str],
                      label: str, encoding: str = "utf-8") -> int:
    """Parse the normalized file with DuckDB (fixed dialect, no sniffing, all text) into the
    temp table `landing`. Insertion order is the file's order, so rowid + 2 is the row number
    a spreadsheet shows (the header is row 1)."""
    columns = {h: "VARCHAR" for h in header}
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE landing AS SELECT * FROM read_csv(?, header = true, "
            "auto_detect = false, columns = ?, delim = ',', quote = '\"', escape = '\"', "
            "strict_mode = true, null_padding = false, encoding = ?)",
            [str(work), columns, encoding])
    except duckdb.InvalidInputException as e:
        m = _CSV_ERROR.search(str(e))
        if not m:
            raise FileRejected(label, f"the CSV cannot be parsed: {str(e).splitlines()[0]}") from e
        line, expected, found = map(int, m.groups())
        hint = " (the file seems cut short: truncated?)" if found < expected else ""
        raise FileRejected(label, f"row {line:,} has {found} fields but the header has "
                                  f"{expected}{hint}",
                           [Failure("field_count", f"row {line:,} has {found} fields, expected "
                                    f"{expected}", row=line)]) from e
    rows = fetch_one(con, "SELECT count(*) FROM landing")[0]
    if rows == 0:
        raise FileRejected(label, "the file has a header but no data rows")
    _no_hidden_extra_field(con, work, len(header), label, encoding)
    return rows


# DuckDB drops a trailing empty field without a word ('4,5,6,' under a 3-column header), so a
# count written unquoted as 1,136 in a row that ends empty would shift every later cell of
# the row. The lines that end with the delimiter are counted here, quotes minded.
_EXTRA_FIELD_SQL = """
SELECT count(*) FROM read_csv(?, columns = {'line': 'VARCHAR'}, delim = '\x1f', quote = '',
                              escape = '', header = false, auto_detect = false,
                              strict_mode = false, encoding = ?)
WHERE ends_with(line, ',')
  AND length(regexp_replace(line, '"[^"]*"', '', 'g'))
      - length(replace(regexp_replace(line, '"[^"]*"', '', 'g'), ',', '')) + 1 > ?
"""


def _no_hidden_extra_field(con: duckdb.DuckDBPyConnection, work: Path, columns: int,
                           label: str, encoding: str = "utf-8") -> None:
    (extra,) = fetch_one(con, _EXTRA_FIELD_SQL, [str(work), encoding, columns])
    if not extra:
        return
    with open(work, encoding=encoding, newline="") as f:  # the slow path: find the row
        for line, fields in enumerate(csv.reader(f), start=1):
            if len(fields) > columns:
                raise FileRejected(label, f"row {line:,} has {len(fields)} fields but the "
                                          f"header has {columns} (an unquoted comma, such as "
                                          "1,136 written without quotes?)",
                                   [Failure("field_count", f"row {line:,} has {len(fields)} "
                                            f"fields, expected {columns}", row=line)])
