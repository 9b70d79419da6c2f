"""Ingesting real files: golden totals against the raw bytes, damaged copies rejected whole,
re-ingests that change nothing, newest cut wins whatever the arrival order."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import (
    MONTHS,
    NM_FILE,
    NM_XLSX_FILE,
    OLD_FILE,
    OLD_OCT_FILE,
    OLD_XLSX_FILE,
    RNID_2026_FILE,
    query,
    read_csv_rows,
    run_cli,
)
from flows.ingest import ingest_flow
from flows.refresh import refresh_flow


def fingerprint(wh: Path) -> tuple:
    """Everything an analyst could see change in core and marts."""
    return query(wh, """
        SELECT (SELECT count(*) FROM core.crime_state_monthly),
               (SELECT sum(value) FROM core.crime_state_monthly),
               (SELECT md5(string_agg(concat_ws('|', month, series, geo_code, indicator, value,
                                                 rate_per_100k, file_sha256), ','
                                      ORDER BY month, series, geo_code, indicator))
                FROM marts.indicator_monthly)""")[0]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def raw_files(wh: Path) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in query(
        wh, "SELECT file_name, status, cut_date, loaded_at, encoding, line_ending, rows "
            "FROM ops.raw_files")}


# ------------------------------------------------------------------ golden totals


def test_shipped_files_load_with_detected_encoding_and_cut(shipped_warehouse):
    files = {Path(k).name: v for k, v in raw_files(shipped_warehouse).items()}
    status, cut, _, encoding, line_ending, rows = files[NM_FILE.name]
    assert (status, f"{cut:%Y-%m}", encoding, line_ending, rows) == \
        ("loaded", "2024-11", "latin-1", "CRLF", 31_360)
    status, cut, _, encoding, line_ending, rows = files[OLD_FILE.name]
    assert (status, f"{cut:%Y-%m}", encoding, line_ending, rows) == \
        ("loaded", "2017-12", "latin-1", "CRLF", 44_352)
    # Older cuts of the same series: every month they publish has a newer cut.
    assert files[OLD_XLSX_FILE.name][:2] == ("superseded", date(2014, 12, 1))
    assert files[NM_XLSX_FILE.name][:2] == ("superseded", date(2021, 2, 1))
    assert {k for k, v in files.items() if v[0] != "loaded"} == {OLD_XLSX_FILE.name,
                                                                 NM_XLSX_FILE.name}


def test_new_methodology_grand_total_equals_the_raw_file(shipped_warehouse):
    rows = read_csv_rows(NM_FILE, "latin-1")
    expected = sum(int(r[m]) for r in rows for m in MONTHS if r[m] != "")
    blanks = sum(1 for r in rows for m in MONTHS if r[m] == "")
    (core_total, core_nulls), = query(shipped_warehouse, """
        SELECT sum(value), count(*) FILTER (WHERE value IS NULL) FROM core.crime_state_monthly
        WHERE file_sha256 = ?""", [sha256(NM_FILE)])
    (mart_total,), = query(shipped_warehouse, """
        SELECT sum(value) FROM marts.indicator_monthly
        WHERE series = 'cnsp_2015' AND indicator = 'delitos_total' AND geo_level = 'national'""")
    assert core_total == mart_total == expected
    assert core_nulls == blanks == 3_136  # every 2024 row ends with an empty Diciembre


@pytest.mark.parametrize("year,month,state", [(2015, 1, "1"), (2019, 7, "15"), (2024, 11, "32")])
def test_new_methodology_month_by_state_totals(shipped_warehouse, year, month, state):
    rows = read_csv_rows(NM_FILE, "latin-1")
    column = MONTHS[month - 1]
    expected = sum(int(r[column]) for r in rows if r["Año"] == str(year)
                   and r["Clave_Ent"] == state)
    (value,), = query(shipped_warehouse, """
        SELECT value FROM marts.indicator_monthly WHERE series = 'cnsp_2015'
        AND indicator = 'delitos_total' AND geo_level = 'state' AND geo_code = ?
        AND month = make_date(?, ?, 1)""", [state.zfill(2), year, month])
    assert value == expected


def test_old_methodology_totals_by_year_and_state(shipped_warehouse):
    rows = read_csv_rows(OLD_FILE, "cp1252")
    months = [m.upper() for m in MONTHS]
    expected = sum(int(r[m]) for r in rows for m in months)
    (total,), = query(shipped_warehouse, """
        SELECT sum(value) FROM marts.indicator_monthly
        WHERE series = 'cieisp_1997' AND indicator = 'delitos_total' AND geo_level = 'national'
    """)
    assert total == expected
    chihuahua_2010 = sum(int(r[m]) for r in rows for m in months
                         if r["AÑO"] == "2010" and r["INEGI"] == "8"
                         and r["MODALIDAD"] == "HOMICIDIOS" and r["TIPO"] == "DOLOSOS")
    (value,), = query(shipped_warehouse, """
        SELECT sum(value) FROM marts.indicator_monthly WHERE series = 'cieisp_1997'
        AND indicator = 'homicidio_doloso' AND geo_code = '08' AND year(month) = 2010""")
    assert value == chihuahua_2010


def test_unpublished_months_are_absent_not_zero(shipped_warehouse):
    (rows, max_month), = query(shipped_warehouse, """
        SELECT count(*) FILTER (WHERE month = DATE '2024-12-01'), max(month)
        FROM marts.indicator_monthly WHERE series = 'cnsp_2015'
          AND geo_level IN ('national', 'state')
    """)
    assert rows == 0 and f"{max_month:%Y-%m}" == "2024-11"
    (nulls,), = query(shipped_warehouse, """
        SELECT count(*) FROM core.crime_state_monthly
        WHERE file_sha256 = ? AND month = DATE '2024-12-01' AND value IS NULL""",
                      [sha256(NM_FILE)])
    assert nulls == 3_136  # kept in core as unpublished cells


# ------------------------------------------------------------------ damaged copies


# Damaged copies are made of the real 2026-catalogue state file (3,648 rows, LF line ends),
# real in every byte they do not change. The corpus of damaged copies, each rejected whole
# with a clear message, is tests/hostile/; here, what the command line and a refresh do
# with one.
DAMAGE_BASE = RNID_2026_FILE


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="latin-1", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, list(reader)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode("latin-1"))
    return path


def _cell(name: str, row: int, column: str, value: str):
    """Damage one cell; `row` is numbered as a spreadsheet shows it (header = 1)."""
    def make(folder: Path) -> Path:
        header, rows = _rows(DAMAGE_BASE)
        rows[row - 2][header.index(column)] = value
        return _write(folder / name, header, rows)
    return make


def test_cli_rejection_names_the_file_as_given_and_exits_non_zero(small_workspace):
    bad = _cell("RNID_mar2026_bad.csv", 3112, "Marzo", "12a")(small_workspace)
    before = fingerprint(small_workspace / "warehouse" / "seguridad.duckdb")
    result = run_cli("ingest", bad.name, cwd=small_workspace)
    assert result.returncode == 1
    assert f"RECHAZADO  {bad.name}: " in result.stderr
    assert "fila 3,112, columna Marzo: '12a' no es un número entero" in result.stderr
    assert fingerprint(small_workspace / "warehouse" / "seguridad.duckdb") == before
    english = run_cli("--lang", "en", "ingest", bad.name, cwd=small_workspace)
    assert "row 3,112, column Marzo: '12a' is not a whole number" in english.stderr


# ------------------------------------------------------------------ idempotence, cuts


def test_ingesting_the_same_file_twice_changes_nothing(small_workspace):
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    before, files_before = fingerprint(wh), raw_files(wh)
    copy = shutil.copyfile(RNID_2026_FILE, small_workspace / "RNID_mar26.csv")  # a new name
    result = run_cli("ingest", str(copy), cwd=small_workspace)
    assert result.returncode == 0, result.stderr
    assert "ya se había ingerido" in result.stdout and "Nada nuevo" in result.stdout
    assert fingerprint(wh) == before
    assert raw_files(wh) == files_before


def test_refresh_with_nothing_new_says_so(small_workspace):
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    before = fingerprint(wh)
    state = refresh_flow(report=False, return_state=True)
    run = state.result()
    assert state.is_completed() and not run.loaded and not run.rejected
    assert run.headline().startswith("Nothing new")
    assert fingerprint(wh) == before


def test_a_renamed_crime_row_loads_with_a_warning(small_workspace):
    """A modality the series' catalogue has never had (here a renamed one) is loaded, and
    said: it would otherwise leave every indicator but delitos_total without a word."""
    renamed = small_workspace / "estatal_RNID_2026_mar2026_renombrado.csv"
    data = RNID_2026_FILE.read_bytes()
    assert data.count(b"Con arma blanca") > 0
    renamed.write_bytes(data.replace(b"Con arma blanca", b"Con arma punzocortante"))
    state = ingest_flow([str(renamed)], return_state=True)
    assert state.is_completed(), state.message
    (outcome,) = state.result().outcomes
    assert "warning(s), see ops.data_warnings:" in outcome.message
    assert "new crime row" in outcome.message
    rows = query(small_workspace / "warehouse" / "seguridad.duckdb",
                 "SELECT value FROM ops.data_warnings WHERE check_name = 'new crime row'")
    assert ("Homicidio / Homicidio doloso / Con arma punzocortante",) in rows


def test_refresh_skips_known_rejections_and_fails_only_on_new_ones(small_workspace):
    raw = small_workspace / "raw"
    _cell("RNID_mar2026_bad.csv", 20, "Marzo", "x")(raw)
    first = refresh_flow(report=False, return_state=True)
    assert first.is_failed()
    second = refresh_flow(report=False, return_state=True)
    run = second.result()
    assert second.is_completed()
    skipped = [o for o in run.outcomes if o.status == "skipped"]
    assert len(skipped) == 1 and "rejected before" in skipped[0].message


def years_of(path: Path, years: set[str], folder: Path) -> Path:
    """The real file with the rows of `years` only (each row starts with its year): its own
    bytes, encoding, BOM and line ends, fewer rows."""
    data = path.read_bytes()
    eol = b"\r\n" if b"\r\n" in data else b"\r" if b"\r" in data else b"\n"
    header, *rows = data.split(eol)
    kept = [r for r in rows if r[:4].decode("ascii", "replace") in years]
    target = folder / path.name
    target.write_bytes(eol.join([header, *kept]) + eol)
    return target


@pytest.mark.parametrize("order", ["dec_then_oct", "oct_then_dec"])
def test_newest_cut_wins_whatever_the_arrival_order(empty_workspace, tmp_path, order):
    """The December-2017 cut wins over the October one in the marts, and every month the
    December cut revised is listed in marts.revisions, and nothing else: whichever came in
    first. The two real cuts, their 2016 and 2017 rows (2017 is where they differ most)."""
    dec_file = years_of(OLD_FILE, {"2016", "2017"}, tmp_path)
    oct_file = years_of(OLD_OCT_FILE, {"2016", "2017"}, tmp_path)
    files = [dec_file, oct_file] if order == "dec_then_oct" else [oct_file, dec_file]
    for f in files:
        assert ingest_flow([str(f)], return_state=True).is_completed()
    wh = empty_workspace / "warehouse" / "seguridad.duckdb"
    statuses = {Path(k).name: v[0] for k, v in raw_files(wh).items()}
    assert statuses == {OLD_FILE.name: "loaded", OLD_OCT_FILE.name: "superseded"}
    # Values come from the December cut, including months the October cut reported otherwise.
    dec = read_csv_rows(dec_file, "cp1252")
    oct_ = read_csv_rows(oct_file, "utf-8-sig")
    assert {r["AÑO"] for r in dec} == {r["AÑO"] for r in oct_} == {"2016", "2017"}
    expected_2017_oct = sum(int(r["OCTUBRE"]) for r in dec if r["AÑO"] == "2017")
    (value, cut), = query(wh, "SELECT value, cut_date FROM marts.indicator_monthly "
                              "WHERE indicator = 'delitos_total' AND geo_level = 'national' "
                              "AND month = DATE '2017-10-01'")
    assert value == expected_2017_oct and f"{cut:%Y-%m}" == "2017-12"

    def totals(rows):
        out: dict[tuple[str, date], int] = {}
        for r in rows:
            for m, name in enumerate(MONTHS, start=1):
                cell = r[name.upper()]
                if cell != "":
                    key = (r["INEGI"].zfill(2), date(int(r["AÑO"]), m, 1))
                    out[key] = out.get(key, 0) + int(cell)
        return out

    t_dec, t_oct = totals(dec), totals(oct_)
    assert max(k[1] for k in t_oct) == date(2017, 10, 1)
    changed = {k: (t_oct[k], t_dec[k]) for k in t_oct if t_oct[k] != t_dec[k]}
    assert 0 < len(changed) < len(t_oct) // 10
    listed = {(code, month): (old, new) for code, month, old, new in query(wh, """
        SELECT geo_code, month, old_value, new_value FROM marts.revisions
        WHERE indicator = 'delitos_total' AND geo_level = 'state'
          AND previous_cut = DATE '2017-10-01' AND revised_cut = DATE '2017-12-01'""")}
    assert listed == changed


def test_oct_cut_alone_publishes_through_october_with_its_encoding(empty_workspace):
    state = ingest_flow([str(OLD_OCT_FILE)], return_state=True)
    assert state.is_completed()
    wh = empty_workspace / "warehouse" / "seguridad.duckdb"
    (_, cut, _, encoding, line_ending, rows), = raw_files(wh).values()
    assert (f"{cut:%Y-%m}", encoding, line_ending, rows) == ("2017-10", "utf-8-sig", "CR",
                                                            44_352)
    (last,), = query(wh, "SELECT max(month) FROM marts.indicator_monthly")
    assert f"{last:%Y-%m}" == "2017-10"


# ------------------------------------------------------------------ the 2026 catalogue


def test_2026_catalogue_is_told_apart_by_content_and_attempts_kept_apart(shipped_warehouse):
    files = {Path(k).name: v for k, v in raw_files(shipped_warehouse).items()}
    status, cut, _, encoding, line_ending, rows = files[RNID_2026_FILE.name]
    assert (status, f"{cut:%Y-%m}", line_ending, rows) == ("loaded", "2026-03", "LF", 3_648)
    (series,), = query(shipped_warehouse, "SELECT series FROM ops.raw_files WHERE file_name "
                                          "LIKE '%RNID%'")
    assert series == "rnid_2026"
    rows = read_csv_rows(RNID_2026_FILE, "latin-1")
    for indicator, subtype in (("homicidio_doloso", "omicidio doloso"),
                               ("feminicidio", "eminicidio")):
        done = sum(int(r["Marzo"]) for r in rows if r["Subtipo de delito"].endswith(subtype)
                   and not r["Subtipo de delito"].startswith("Tentativa"))
        tried = sum(int(r["Marzo"]) for r in rows if r["Subtipo de delito"].endswith(subtype)
                    and r["Subtipo de delito"].startswith("Tentativa"))
        assert tried > 0
        assert query(shipped_warehouse, """
            SELECT value, attempts FROM marts.indicator_monthly WHERE series = 'rnid_2026'
            AND indicator = ? AND geo_level = 'national' AND month = DATE '2026-03-01'""",
                     [indicator]) == [(done, tried)]
    everything = sum(int(r["Enero"]) for r in rows)
    (value, attempts), = query(shipped_warehouse, """
        SELECT value, attempts FROM marts.indicator_monthly WHERE series = 'rnid_2026'
        AND indicator = 'delitos_total' AND geo_level = 'national' AND month = '2026-01-01'""")
    assert value + attempts == everything


def test_a_2026_file_dated_2025_is_refused(empty_workspace):
    data = RNID_2026_FILE.read_bytes().replace(b"\n2026,", b"\n2025,")
    fake = empty_workspace / "estatal_mislabelled.csv"
    fake.write_bytes(data)
    run = ingest_flow([str(fake)], return_state=True).result(raise_on_failure=False)
    (outcome,) = run.outcomes
    assert outcome.status == "rejected"
    assert "say cnsp_2015, but its crime rows are those of rnid_2026" in outcome.message


# ------------------------------------------------------------------ workbooks and revisions


def _workbook_rows(path: Path) -> list[list]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def test_old_workbook_loads_with_no_data_cells_kept_apart(shipped_warehouse):
    rows = _workbook_rows(OLD_XLSX_FILE)
    header, data = rows[0], [r for r in rows[1:] if any(c != "" for c in r)]
    months = range(header.index("ENERO"), header.index("DICIEMBRE") + 1)
    total = sum(int(r[i]) for r in data for i in months if isinstance(r[i], float))
    no_data = sum(1 for r in data for i in months if not isinstance(r[i], float))
    assert no_data == 1_300 + 4_362  # cells of three spaces, and empty cells
    (core_total, nulls), = query(shipped_warehouse, """
        SELECT sum(value), count(*) FILTER (WHERE value IS NULL) FROM core.crime_state_monthly
        WHERE file_sha256 = ?""", [sha256(OLD_XLSX_FILE)])
    assert (core_total, nulls) == (total, no_data)
    # The figure the government quoted in 2016 is this cut's: 21,736 homicides in 2012.
    (value,), = query(shipped_warehouse, """
        SELECT sum(value) FROM core.indicator_by_file WHERE file_sha256 = ?
        AND indicator = 'homicidio_doloso' AND geo_level = 'national' AND year(month) = 2012
    """, [sha256(OLD_XLSX_FILE)])
    assert value == 21_736


def test_new_methodology_workbook_and_its_revisions(shipped_warehouse):
    """Every state x month whose total differs between the Feb-2021 workbook and the Nov-2024
    CSV is listed in marts.revisions, and nothing else."""
    rows = _workbook_rows(NM_XLSX_FILE)
    header = rows[0]
    by_xlsx: dict[tuple[str, date], int] = {}
    for r in rows[1:]:
        for m in range(1, 13):
            cell = r[header.index(MONTHS[m - 1])]
            if isinstance(cell, float):
                key = (f"{int(r[1]):02d}", date(int(r[0]), m, 1))
                by_xlsx[key] = by_xlsx.get(key, 0) + int(cell)
    by_csv: dict[tuple[str, date], int] = {}
    for r in read_csv_rows(NM_FILE, "latin-1"):
        for m in range(1, 13):
            key = (r["Clave_Ent"].zfill(2), date(int(r["Año"]), m, 1))
            if key in by_xlsx and r[MONTHS[m - 1]] != "":
                by_csv[key] = by_csv.get(key, 0) + int(r[MONTHS[m - 1]])
    changed = {k: (by_xlsx[k], by_csv[k]) for k in by_xlsx if by_xlsx[k] != by_csv[k]}
    assert changed  # the SESNSP did revise 2015-2021 between those cuts
    listed = {(code, month): (old, new) for code, month, old, new in query(shipped_warehouse, """
        SELECT geo_code, month, old_value, new_value FROM marts.revisions
        WHERE indicator = 'delitos_total' AND geo_level = 'state'
          AND previous_cut = DATE '2021-02-01' AND revised_cut = DATE '2024-11-01'""")}
    assert listed == changed
