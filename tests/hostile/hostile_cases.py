"""The hostile corpus: real shipped files damaged the ways downloads, spreadsheets and hand
edits damage them. Deterministic: every case is built from the bytes of a shipped real file
(or of tests/data/), changing only what the case is about.

Each case says what must happen, as the severities of schemas/formats.toml decide (damage
rejects, the publisher's quirks warn): `rejected` (exit 1, the message names the file as given
and the row, column and value where they apply; nothing published changes; the bytes stay in
the landing zone; ops.quarantine has rows), `warned` (loaded, and the warning named in
`warning` is recorded in ops.data_warnings) or `loaded` (the same numbers as the original)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from xlsx_writer import write_xlsx

from conftest import MUNICIPAL_SLICE, OLD_FILE, RNID_2026_FILE, SHIPPED_RAW, TEST_DATA

STATE = RNID_2026_FILE  # 3,648 rows, Latin-1, LF: the state format, small and real
VICTIMS = SHIPPED_RAW / "sesnsp" / "IDVFC_NM_dic24.csv"
CONAPO_2023 = SHIPPED_RAW / "conapo" / "conapo2023_pob_ent_gender_1950_2070.csv"
CONAPO_2010 = SHIPPED_RAW / "conapo" / "conapo2010_state-population_1990-2030.csv"
MUNI_POP = SHIPPED_RAW / "conapo" / "municipal_poblacion_1990-2040.csv"
SPENDING = TEST_DATA / "gasto_programa_ILUSTRATIVO.csv"


@dataclass
class Case:
    name: str
    group: str  # the format family it damages
    make: Callable[[Path], Path]
    expect: str  # rejected | warned | loaded
    words: list[str] = field(default_factory=list)
    warning: str | None = None  # a check_name expected in ops.data_warnings


# --- reading and writing real files -----------------------------------------------------

def rows_of(path: Path, encoding: str = "latin-1") -> tuple[list[str], list[list[str]]]:
    with open(path, encoding=encoding, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, list(reader)


def write(path: Path, header: list[str], rows: list[list[str]], encoding: str = "latin-1",
          eol: str = "\n") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=eol)
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def _year_slice(path: Path, year: str, encoding: str = "latin-1",
                year_column: int = 0) -> tuple[list[str], list[list[str]]]:
    header, rows = rows_of(path, encoding)
    return header, [r for r in rows if r[year_column] == year]


def cell(name: str, row: int, column: str, value: str, base: Path = STATE,
         encoding: str = "latin-1", year: str | None = None) -> Callable[[Path], Path]:
    """One cell changed; `row` as a spreadsheet numbers it (header = 1)."""
    def make(folder: Path) -> Path:
        header, rows = _year_slice(base, year, encoding) if year else rows_of(base, encoding)
        rows[row - 2][header.index(column)] = value
        return write(folder / name, header, rows, encoding)
    return make


def cells(name: str, changes: list[tuple[int, str, str]], base: Path = STATE,
          encoding: str = "latin-1") -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        header, rows = rows_of(base, encoding)
        for row, column, value in changes:
            rows[row - 2][header.index(column)] = value
        return write(folder / name, header, rows, encoding)
    return make


def raw_bytes(name: str, transform: Callable[[bytes], bytes],
              base: Path = STATE) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(transform(base.read_bytes()))
        return path
    return make


def header_change(name: str, change: Callable[[list[str], list[list[str]]], tuple],
                  base: Path = STATE, encoding: str = "latin-1") -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        header, rows = rows_of(base, encoding)
        header, rows = change(header, rows)
        return write(folder / name, header, rows, encoding)
    return make


def _drop(column: str):
    def change(header, rows):
        i = header.index(column)
        return header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows]
    return change


def _rename(old: str, new: str):
    def change(header, rows):
        return [new if h == old else h for h in header], rows
    return change


def _extra(column: str, value: str):
    def change(header, rows):
        return header + [column], [r + [value] for r in rows]
    return change


def _swap(a: str, b: str):
    """Two columns moved, data and header together: read by name, nothing is lost."""
    def change(header, rows):
        i, j = header.index(a), header.index(b)
        order = list(range(len(header)))
        order[i], order[j] = order[j], order[i]
        return [header[k] for k in order], [[r[k] for k in order] for r in rows]
    return change


def _line(data: bytes, n: int) -> int:
    """Byte offset of the start of line n (0 = header)."""
    offset = 0
    for _ in range(n):
        offset = data.index(b"\n", offset) + 1
    return offset


def _short_row(data: bytes) -> bytes:
    start = _line(data, 40)
    end = data.index(b"\n", start)
    row = data[start:end]
    return data[:start] + row[:row.rindex(b",")] + data[end:]


def _long_row(data: bytes) -> bytes:
    end = data.index(b"\n", _line(data, 40))
    return data[:end] + b",7" + data[end:]


def _cut_mid_row(data: bytes) -> bytes:
    cut = int(len(data) * 0.6)
    while data[cut:cut + 1] != b",":
        cut += 1
    return data[:cut]


def _insert_in_field(data: bytes, line: int, what: bytes) -> bytes:
    start = _line(data, line)
    comma = data.index(b",", data.index(b",", start) + 1)  # inside the Entidad field
    return data[:comma - 2] + what + data[comma - 2:]


HTML = (b"<!DOCTYPE html>\n<html lang=\"es\"><head><title>Error 404 - gob.mx</title></head>"
        b"<body><h1>P\xc3\xa1gina no encontrada</h1></body></html>\n")


def _delimited(sep: str):
    def transform(data: bytes) -> bytes:
        text = data.decode("latin-1")
        rows = list(csv.reader(io.StringIO(text)))
        buf = io.StringIO()
        csv.writer(buf, delimiter=sep, lineterminator="\n").writerows(rows)
        return buf.getvalue().encode("latin-1")
    return transform


def _median_times(factor: int):
    """One state-month of a crime row made `factor` times the row's other months."""
    def make(folder: Path) -> Path:
        header, rows = rows_of(STATE)
        months = ["Enero", "Febrero", "Marzo"]
        # the row with the largest counts: far above any floor
        best = max(range(len(rows)), key=lambda i: sum(int(rows[i][header.index(m)] or 0)
                                                       for m in months))
        values = sorted(int(rows[best][header.index(m)]) for m in months)
        rows[best][header.index("Marzo")] = str(values[1] * factor)
        return write(folder / "RNID_mar2026_outlier.csv", header, rows)
    return make


# --- municipal, victims, old methodology ------------------------------------------------

def _muni(name: str, change: Callable[[list[str], list[list[str]]], None]):
    def make(folder: Path) -> Path:
        header, rows = rows_of(MUNICIPAL_SLICE, "utf-8")
        change(header, rows)
        return write(folder / name, header, rows, "utf-8")
    return make


def _muni_codes_nowhere(header, rows):
    i = header.index("Cve. Municipio")
    for r in rows:
        r[i] = str(int(r[i]) + 900)  # 11020 -> 11920: no such municipality in Guanajuato


def _muni_code_of_other_state(header, rows):
    rows[5][header.index("Cve. Municipio")] = "14039"


def _muni_negative(header, rows):
    rows[7][header.index("Marzo")] = "-1"


def _muni_no_especificado(header, rows):
    """The last municipality's rows written as the SESNSP writes crimes of no identified
    municipality: the state code + 999, 'No especificado'."""
    code, name = header.index("Cve. Municipio"), header.index("Municipio")
    last = rows[-1][code]
    for r in rows:
        if r[code] == last:
            r[code], r[name] = "11999", "No especificado"


def _muni_duplicate(header, rows):
    rows[10] = list(rows[9])


def _victims(name: str, change: Callable[[list[str], list[list[str]]], None]):
    def make(folder: Path) -> Path:
        header, rows = _year_slice(VICTIMS, "2024")
        change(header, rows)
        return write(folder / name, header, rows, eol="\r\n")
    return make


def _victims_sex(header, rows):
    rows[3][header.index("Sexo")] = "Otro"


def _victims_age(header, rows):
    rows[3][header.index("Rango de edad")] = "Ancianos"


def _old(name: str, change: Callable[[list[str], list[list[str]]], tuple]):
    def make(folder: Path) -> Path:
        header, rows = _year_slice(OLD_FILE, "2017", "cp1252")
        header, rows = change(header, rows)
        return write(folder / name, header, rows, "cp1252", "\r\n")
    return make


def _old_text_count(header, rows):
    rows[20][header.index("MARZO")] = "doce"
    return header, rows


# --- workbooks --------------------------------------------------------------------------

def _xlsx_rows() -> list[list[object]]:
    header, rows = rows_of(STATE)
    out: list[list[object]] = [header]
    for r in rows:
        out.append([int(v) if v.isdigit() else v for v in r])
    return out


def _xlsx_patch(name: str, patch: Callable[[str], str], extra_parts: dict | None = None,
                drop: tuple[str, ...] = ()):
    """A real-content workbook whose sheet XML (or parts) is then damaged."""
    def make(folder: Path) -> Path:
        good = write_xlsx(folder / f".{name}.tmp", _xlsx_rows())
        path = folder / name
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w",
                                                           zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                if info.filename in drop:
                    continue
                data = src.read(info)
                if info.filename == "xl/worksheets/sheet1.xml":
                    data = patch(data.decode("utf-8")).encode("utf-8")
                dst.writestr(info.filename, data)
            for part, data in (extra_parts or {}).items():
                dst.writestr(part, data)
        good.unlink()
        return path
    return make


def _broken_xml(xml: str) -> str:
    return xml[: len(xml) // 2]


def _tiny_xlsx(name: str, sheet_xml: str):
    """A 1 KB workbook whose only content is the sheet XML given."""
    def make(folder: Path) -> Path:
        path = write_xlsx(folder / name, [["Año"]])
        with zipfile.ZipFile(path) as src:
            parts = {i.filename: src.read(i) for i in src.infolist()}
        parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode("utf-8")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
            for part, data in parts.items():
                dst.writestr(part, data)
        return path
    return make


_SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '{dimension}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Año</t></is></c>'
          '</row>{extra}</sheetData></worksheet>')


def _second_sheet(name: str):
    """The workbook's data, and a second sheet with more data rows of the same format."""
    def make(folder: Path) -> Path:
        path = write_xlsx(folder / name, _xlsx_rows())
        with zipfile.ZipFile(path) as src:
            parts = {i.filename: src.read(i) for i in src.infolist()}
        sheet = parts["xl/worksheets/sheet1.xml"]
        parts["xl/worksheets/sheet2.xml"] = sheet
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
            b'</sheets>', b'<sheet name="Hoja2" sheetId="2" r:id="rId2"/></sheets>')
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>')
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="'
            b'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            b"</Types>")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
            for part, data in parts.items():
                dst.writestr(part, data)
        return path
    return make


# --- archives ---------------------------------------------------------------------------

def _zip(name: str, members: dict[str, bytes], attrs: dict | None = None,
         damage: Callable[[bytes], bytes] | None = None, stored: bool = False):
    def make(folder: Path) -> Path:
        path = folder / name
        method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(path, "w", method) as z:
            for member, data in members.items():
                info = zipfile.ZipInfo(member)
                info.compress_type = method
                for k, v in (attrs or {}).get(member, {}).items():
                    setattr(info, k, v)
                z.writestr(info, data)
        if damage:
            path.write_bytes(damage(path.read_bytes()))
        return path
    return make


def _break_central_directory(data: bytes) -> bytes:
    at = data.rindex(b"PK\x01\x02")
    return data[:at] + b"XX\x01\x02" + data[at + 4:]


def _csv_with_zip_appended(folder: Path) -> Path:
    path = folder / "RNID_mar2026_zip_appended.csv"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("x.txt", "x")
    path.write_bytes(STATE.read_bytes() + buf.getvalue())
    return path


def _encrypted_flag(data: bytes) -> bytes:
    # set bit 0 (encrypted) of the general-purpose flags of every header
    out = bytearray(data)
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = out.find(sig)
        while i != -1:
            out[i + flag_at] |= 1
            i = out.find(sig, i + 4)
    return bytes(out)


# --- population, spending ---------------------------------------------------------------

def _conapo(name: str, change: Callable[[list[str], list[list[str]]], None],
            base: Path = CONAPO_2023):
    def make(folder: Path) -> Path:
        header, rows = rows_of(base, "utf-8")
        change(header, rows)
        return write(folder / name, header, rows, "utf-8")
    return make


def _one_state_year_zero(header, rows):
    for r in rows:
        if r[header.index("cve_ent")] == "01" and r[header.index("n_year")] == "2016":
            r[header.index("pob_start_year")] = "0"
            r[header.index("pob_mid_year")] = "0"


def _all_zero(header, rows):
    for r in rows:
        r[header.index("pob_start_year")] = "0"
        r[header.index("pob_mid_year")] = "0"


def _population_text(header, rows):
    rows[30][header.index("pob_mid_year")] = "n/d"


def _population_huge(header, rows):
    rows[30][header.index("pob_mid_year")] = "99999999999999999999"


def _spending(name: str, change: Callable[[list[str], list[list[str]]], None]):
    def make(folder: Path) -> Path:
        header, rows = rows_of(SPENDING, "utf-8")
        change(header, rows)
        return write(folder / name, header, rows, "utf-8")
    return make


def _spending_unknown_municipality(header, rows):
    rows[0][header.index("clave_municipio")] = "11999"


def _spending_name_code_disagree(header, rows):
    rows[0][header.index("municipio")] = "Celaya"  # its code is León's


def _spending_huge(header, rows):
    rows[0][header.index("monto_pesos")] = "99999999999999999999999.00"


def _spending_negative(header, rows):
    rows[0][header.index("monto_pesos")] = "-5.00"


# --- the corpus -------------------------------------------------------------------------

REJECTED: list[Case] = [
    # files that are not data
    Case("empty", "state", raw_bytes("RNID_empty.csv", lambda d: b""), "rejected",
         ["empty (0 bytes)"]),
    Case("header_only", "state", raw_bytes("RNID_header_only.csv",
                                           lambda d: d[:d.index(b"\n") + 1]), "rejected",
         ["header but no data rows"]),
    Case("html_page", "state", raw_bytes("RNID_html.csv", lambda d: HTML), "rejected",
         ["HTML page"]),
    Case("utf16", "state", raw_bytes("RNID_utf16.csv", lambda d: d.decode("latin-1").encode(
        "utf-16")), "rejected", ["UTF-16"]),
    Case("nul_in_field", "state", raw_bytes("RNID_nul.csv", lambda d: _insert_in_field(
        d, 2000, b"\x00")), "rejected", ["NUL", "offset"]),
    Case("undefined_byte", "state", raw_bytes("RNID_bad_byte.csv",
                                              lambda d: d[:5000] + b"\x81" + d[5001:]),
         "rejected", ["0x81", "offset 5,000"]),
    Case("mixed_encodings", "state", raw_bytes("RNID_mixed.csv", lambda d: d.replace(
        "Nuevo León".encode("latin-1"), "Nuevo León".encode(), 1)), "rejected",
         ["mixes encodings"]),
    Case("one_long_line_of_commas", "state", raw_bytes("RNID_commas.csv",
                                                        lambda d: b"," * 20_000_000),
         "rejected", ["1,000,001+ columns", "known format"]),
    Case("one_long_line_no_commas", "state", raw_bytes("RNID_no_commas.csv",
                                                        lambda d: b"x" * 20_000_000),
         "rejected", ["does not match any known format"]),
    Case("zip_appended_to_csv", "state", _csv_with_zip_appended, "rejected", ["NUL byte"]),
    # delimiters and shape
    Case("semicolons", "state", raw_bytes("RNID_semicolons.csv", _delimited(";")),
         "rejected", ["does not match any known format", "';'"]),
    Case("tabs", "state", raw_bytes("RNID_tabs.csv", _delimited("\t")), "rejected",
         ["does not match any known format", "tab"]),
    Case("truncated_mid_row", "state", raw_bytes("RNID_truncated.csv", _cut_mid_row),
         "rejected", ["fields but the header has 19", "truncated"]),
    Case("short_row", "state", raw_bytes("RNID_short_row.csv", _short_row), "rejected",
         ["row 41", "18 fields"]),
    Case("long_row", "state", raw_bytes("RNID_long_row.csv", _long_row), "rejected",
         ["row 41", "20 fields"]),
    Case("missing_column", "state", header_change("RNID_missing_column.csv",
                                                  _drop("Diciembre")), "rejected",
         ["column 'Diciembre' is missing"]),
    Case("renamed_column", "state", header_change("RNID_renamed.csv", _rename("Enero", "Ene")),
         "rejected", ["'Enero' is missing", "'Ene' is not part of this format"]),
    Case("extra_column", "state", header_change("RNID_extra.csv", _extra("Total", "0")),
         "rejected", ["'Total' is not part of this format"]),
    Case("duplicated_header", "state", header_change("RNID_dup_header.csv",
                                                     _rename("Febrero", "Enero")),
         "rejected", ["repeats column", "'Enero'"]),
    # cells
    Case("duplicate_key", "state", cell("RNID_duplicate.csv", 3, "Modalidad",
                                        "Con arma blanca"), "rejected",
         ["same key appears"]),
    Case("repeated_row", "state", raw_bytes("RNID_repeated.csv", lambda d: d.replace(
        b"\n", b"\n" + d.split(b"\n")[1] + b"\n", 1)), "rejected",
         ["row 2:", "row 3:", "same key"]),
    Case("decimal", "state", cell("RNID_decimal.csv", 31, "Enero", "4.5"), "rejected",
         ["row 31", "Enero", "'4.5'", "not a whole number"]),
    Case("text_count", "state", cell("RNID_text.csv", 3112, "Marzo", "12a"), "rejected",
         ["row 3,112", "Marzo", "'12a'", "not a whole number"]),
    Case("exponent", "state", cell("RNID_exponent.csv", 77, "Enero", "1e3"), "rejected",
         ["row 77", "Enero", "'1e3'", "not a whole number"]),
    Case("plus_sign", "state", cell("RNID_plus.csv", 78, "Febrero", "+12"), "rejected",
         ["row 78", "Febrero", "'+12'", "not a whole number"]),
    Case("too_large", "state", cell("RNID_too_large.csv", 79, "Enero",
                                    "99999999999999999999"), "rejected",
         ["row 79", "Enero", "'99999999999999999999'", "too large"]),
    Case("sum_overflows", "state", cells("RNID_sum_overflows.csv", [
        (80, "Enero", "9000000000000000000"), (81, "Enero", "9000000000000000000")]),
        "rejected", ["row 80", "too large"]),
    Case("thousands_dot", "state", cell("RNID_dot.csv", 90, "Febrero", "1.136"), "rejected",
         ["row 90", "Febrero", "'1.136'", "not a whole number"]),
    Case("thousands_space", "state", cell("RNID_space.csv", 91, "Febrero", "1 136"),
         "rejected", ["row 91", "Febrero", "'1 136'", "not a whole number"]),
    Case("thousands_unquoted", "state", raw_bytes(
        "RNID_unquoted_thousands.csv",
        lambda d: d[:_line(d, 60)] + _unquoted_thousands(d[_line(d, 60):])), "rejected",
         ["row 61", "20 fields"]),
    Case("unknown_state_code", "state", cell("RNID_state_33.csv", 11, "Clave_Ent", "33"),
         "rejected", ["row 11", "Clave_Ent", "'33'", "not a state code"]),
    Case("unknown_state_name", "state", cell("RNID_atlantida.csv", 10, "Entidad",
                                             "Atlántida"), "rejected",
         ["row 10", "Entidad", "'Atlántida'", "not a Mexican state name"]),
    Case("name_code_mismatch", "state", cell("RNID_mismatch.csv", 50, "Entidad",
                                             "Michoacán de Ocampo"), "rejected",
         ["row 50", "does not match the state code"]),
    Case("year_outside", "state", cell("RNID_year.csv", 12, "Año", "1990"), "rejected",
         ["row 12", "Año", "'1990'", "not a year"]),
    Case("blank_in_published_month", "state", cell("RNID_blank.csv", 100, "Marzo", ""),
         "rejected", ["row 100", "Marzo", "empty cell"]),
    Case("month_after_the_cut", "state", cell("RNID_after_cut.csv", 101, "Abril", "5"),
         "rejected", ["row", "Abril", "other rows of the same year"]),
    Case("truncated_at_a_line", "state", raw_bytes("RNID_short.csv", lambda d: d[:_line(
        d, 2000)]), "rejected", ["fewer crime rows than the rest"]),
    # municipal
    Case("municipal_code_other_state", "municipal", _muni("muni_other_state.csv",
                                                          _muni_code_of_other_state),
         "rejected", ["row 7", "Cve. Municipio", "'14039'"]),
    Case("municipal_duplicate", "municipal", _muni("muni_duplicate.csv", _muni_duplicate),
         "rejected", ["same key"]),
    # victims
    Case("victims_unknown_sex", "victims", _victims("victims_sex.csv", _victims_sex),
         "rejected", ["row 5", "Sexo", "'Otro'"]),
    Case("victims_unknown_age", "victims", _victims("victims_age.csv", _victims_age),
         "rejected", ["row 5", "Rango de edad", "'Ancianos'"]),
    # old methodology
    Case("old_missing_inegi", "old", _old("old_missing_inegi.csv", _drop("INEGI")),
         "rejected", ["'INEGI' is missing"]),
    Case("old_text_count", "old", _old("old_text.csv", _old_text_count), "rejected",
         ["row 22", "MARZO", "'doce'", "not a whole number"]),
    # workbooks
    Case("xlsx_huge_dimension", "xlsx", _tiny_xlsx("huge_dimension.xlsx", _SHEET.format(
        dimension='<dimension ref="A1:XFD1048576"/>', extra="")), "rejected",
         ["XFD1048576", "cells"]),
    Case("xlsx_stray_far_cell", "xlsx", _tiny_xlsx("stray_cell.xlsx", _SHEET.format(
        dimension="", extra='<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')),
         "rejected", ["XFD1048576", "cells"]),
    Case("xlsx_broken_xml", "xlsx", _xlsx_patch("broken_xml.xlsx", _broken_xml),
         "rejected", ["workbook cannot be read"]),
    Case("xlsx_formula_without_value", "xlsx", _xlsx_patch(
        "formula.xlsx", lambda x: re.sub(r'<c r="H4"><v>\d+</v></c>',
                                         '<c r="H4"><f>SUM(H2:H3)</f></c>', x, count=1)),
         "rejected", ["row 4", "Enero"]),
    Case("xlsx_second_data_sheet", "xlsx", _second_sheet("two_sheets.xlsx"), "rejected",
         ["Hoja1", "Hoja2", "sheets"]),
    Case("xlsx_missing_sheet_part", "xlsx", _xlsx_patch("no_sheet.xlsx", lambda x: x,
                                                        drop=("xl/worksheets/sheet1.xml",)),
         "rejected", ["workbook cannot be read"]),
    # archives
    Case("zip_damaged_central_directory", "zip", _zip(
        "damaged_directory.zip", {"estatal.csv": STATE.read_bytes()},
        damage=_break_central_directory), "rejected", ["ZIP archive is damaged"]),
    Case("zip_path_traversal", "zip", _zip("traversal.zip", {"../../evil.csv": b"a\n"}),
         "rejected", ["leaves the archive's folder"]),
    Case("zip_absolute", "zip", _zip("absolute.zip", {"/tmp/abs.csv": b"a\n"}), "rejected",
         ["absolute path"]),
    Case("zip_symlink", "zip", _zip("symlink.zip", {"link.csv": b"/etc/passwd"},
                                    {"link.csv": {"external_attr": 0o120777 << 16}}),
         "rejected", ["symbolic link"]),
    Case("zip_nested", "zip", _zip("nested.zip", {"inner.zip": b"PK\x03\x04"}), "rejected",
         ["itself an archive"]),
    Case("zip_encrypted", "zip", _zip("encrypted.zip", {"estatal.csv": b"a,b\n1,2\n"},
                                      damage=_encrypted_flag, stored=True), "rejected",
         ["encrypted"]),
    Case("zip_bomb", "zip", _zip("bomb.zip", {"bomb.csv": b"0" * 50_000_000}), "rejected",
         ["ZIP bomb"]),
    Case("zip_no_data_member", "zip", _zip("no_data.zip", {"Notas.pdf": b"%PDF-1.4",
                                                           "leeme.md": b"# hola"}),
         "rejected", ["no data member"]),
    Case("zip_damaged_member", "zip", _zip("damaged_member.zip",
                                           {"estatal.csv": STATE.read_bytes()},
                                           damage=lambda d: d[:200] + b"\xff" * 64 + d[264:]),
         "rejected", ["damaged"]),
    # population
    Case("population_state_year_zero", "population", _conapo("conapo_zero_year.csv",
                                                              _one_state_year_zero),
         "rejected", ["pob_mid_year", "'0'", "not a plausible population"]),
    Case("population_all_zeros", "population", _conapo("conapo_zeros.csv", _all_zero),
         "rejected", ["'0'", "not a plausible population"]),
    Case("population_text", "population", _conapo("conapo_text.csv", _population_text),
         "rejected", ["row 32", "pob_mid_year", "'n/d'"]),
    Case("population_too_large", "population", _conapo("conapo_huge.csv", _population_huge),
         "rejected", ["row 32", "pob_mid_year", "too large"]),
    # program spending
    Case("spending_unknown_municipality", "spending", _spending(
        "gasto_unknown_muni.csv", _spending_unknown_municipality), "rejected",
         ["row 2", "clave_municipio", "'11999'"]),
    Case("spending_name_code_disagree", "spending", _spending(
        "gasto_name_code.csv", _spending_name_code_disagree), "rejected",
         ["row 2", "municipio", "'Celaya'"]),
    Case("spending_too_large", "spending", _spending("gasto_huge.csv", _spending_huge),
         "rejected", ["row 2", "monto_pesos", "too large"]),
    Case("spending_negative", "spending", _spending("gasto_negative.csv", _spending_negative),
         "rejected", ["row 2", "monto_pesos"]),
]


def _unquoted_thousands(rest: bytes) -> bytes:
    """The first data row of `rest` gets an unquoted 1,136 in its Enero cell."""
    end = rest.index(b"\n")
    fields = rest[:end].split(b",")
    fields[7] = b"1,136"
    return b",".join(fields) + rest[end:]


def _utf8(data: bytes) -> bytes:
    return data.decode("latin-1").encode("utf-8")


def _cp1252_dash(header, rows):
    """A Windows-1252 en dash (0x96) in a crime name, as Excel writes it."""
    i = header.index("Modalidad")
    for r in rows:
        if r[i] == "Con arma blanca":
            r[i] = "Con arma blanca \u2013 cuchillo"


def _cp1252(name: str):
    def make(folder: Path) -> Path:
        header, rows = rows_of(STATE)
        _cp1252_dash(header, rows)
        return write(folder / name, header, rows, "cp1252")
    return make


def _quoted_thousands(folder: Path) -> Path:
    """The SESNSP's Feb-2024 quirk: a count written with a thousands separator inside quotes
    (788,"1,136",,)."""
    header, rows = rows_of(STATE)
    i = header.index("Enero")
    big = max(range(len(rows)), key=lambda k: int(rows[k][i] or 0))
    value = int(rows[big][i])
    rows[big][i] = f"{value:,}"
    return write(folder / "RNID_quoted_thousands.csv", header, rows)


LOADED: list[Case] = [
    Case("moved_columns", "state", header_change("RNID_moved.csv", _swap("Enero", "Febrero")),
         "loaded"),
    Case("utf8", "state", raw_bytes("RNID_utf8.csv", _utf8), "loaded"),
    Case("utf8_bom", "state", raw_bytes("RNID_bom.csv", lambda d: b"\xef\xbb\xbf" + _utf8(d)),
         "loaded"),
    Case("crlf", "state", raw_bytes("RNID_crlf.csv", lambda d: d.replace(b"\n", b"\r\n")),
         "loaded"),
    Case("cr_only", "state", raw_bytes("RNID_cr.csv", lambda d: d.replace(b"\n", b"\r")),
         "loaded"),
    Case("mixed_line_ends", "state", raw_bytes("RNID_mixed_eol.csv", lambda d: d.replace(
        b"\n", b"\r\n", 500)), "loaded"),
    Case("no_final_newline", "state", raw_bytes("RNID_no_eol.csv", lambda d: d.rstrip(b"\n")),
         "loaded"),
    Case("windows_1252", "state", _cp1252("RNID_cp1252.csv"), "warned",
         warning="new crime row"),
    Case("quoted_thousands", "state", _quoted_thousands, "warned",
         warning="thousands separator"),
    Case("outlier", "state", _median_times(1000), "warned", warning="implausible value"),
    # the publisher's corrections and catalogue lag: loaded, warned (issue 22)
    Case("negative", "state", cell("RNID_negative.csv", 200, "Enero", "-3"), "warned",
         ["row 200", "Enero", "'-3'"], warning="is negative"),
    Case("municipal_negative", "municipal", _muni("muni_negative.csv", _muni_negative),
         "warned", ["row 9", "Marzo"], warning="is negative"),
    Case("municipal_codes_nowhere", "municipal", _muni("muni_codes_nowhere.csv",
                                                       _muni_codes_nowhere), "warned",
         ["Cve. Municipio", "'11901'"], warning="no municipality of INEGI's catalogue"),
    Case("municipal_no_especificado", "municipal", _muni("muni_no_especificado.csv",
                                                         _muni_no_especificado), "warned",
         ["'11999'"], warning="rows of no single municipality"),
]

CASES = REJECTED + LOADED
