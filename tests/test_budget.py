"""Federal program budgets from the SHCP's Cuenta Pública: golden figures recomputed from the
raw CSV flattening with the csv module, the SHCP's workbooks and the CSVs giving identical
rows on every shipped year, damaged copies rejected whole, real pesos from either INPC file
with their base month named, and the statement's sentence."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest
from python_calamine import CalamineWorkbook
from xlsx_writer import write_xlsx

from conftest import (
    REPO,
    SHIPPED_RAW,
    TEST_DATA,
    ingest_into_copy,
    query,
    read_csv_rows,
    run_cli,
    use_paths,
    warehouse_of,
)
from flows.ingest import ingest_flow
from seguridad.config import SQL_DIR
from seguridad.db import run_sql_file, set_variables

CP_CSV = TEST_DATA / "cuenta_publica"
CP_XLS = SHIPPED_RAW / "budget" / "cuenta_publica"
YEARS = range(2013, 2019)
INPC = SHIPPED_RAW / "prices" / "inpc_mensual_1969-2024.csv"
BIE = TEST_DATA / "inpc_BIE_2005-2018.csv"
# The budget stages as the report writes them (written out here, not read from the code).
STAGES = {"Aprobado": "approved", "Modificado": "modified", "Devengado": "accrued",
          "Ejercicio": "exercised"}
PRONAPRED_ROW = 975  # cp_2013.csv: PRONAPRED's Aprobado line (U006 in Gobernación)


def pesos(text: str) -> Decimal:
    """A cell in pesos with centavos, rounded as a DECIMAL(18, 2) cast rounds."""
    return Decimal(text.strip() or "0").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def cp_rows(year: int) -> list[dict[str, str]]:
    return read_csv_rows(CP_CSV / f"cp_{year}.csv", "utf-8")


def followed() -> list[dict[str, str]]:
    return read_csv_rows(REPO / "schemas" / "reference" / "budget_programs.csv", "utf-8")


def expected_budget() -> dict[tuple[str, int, str], tuple[Decimal, Decimal, Decimal]]:
    """(program, year, stage) -> (TOTAL, GC_SUMA, GI_SUMA), from the raw CSVs: a program is
    its code in its ramo (SUBRAMO from 2015, RAMO before), in its years."""
    out = {}
    for year in YEARS:
        rows = cp_rows(year)
        for p in followed():
            if not int(p["first_year"]) <= year <= int(p["last_year"] or 9999):
                continue
            for r in rows:
                ramo = r.get("SUBRAMO") or r["RAMO"]
                if r["PROGRAMA"] == p["program_code"] and ramo == p["ramo"] \
                        and r["PRESUPUESTO"] in STAGES:
                    key = (p["program"], year, STAGES[r["PRESUPUESTO"]])
                    assert key not in out, key
                    out[key] = (pesos(r["TOTAL"]), pesos(r["GC_SUMA"]), pesos(r["GI_SUMA"]))
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inpc_by_month(path: Path = INPC) -> dict[date, float]:
    return {date.fromisoformat(r["Fecha"]): float(r["IPC"]) for r in read_csv_rows(path, "ascii")}


def bie_by_month() -> dict[date, float]:
    with open(BIE, encoding="latin-1", newline="") as f:
        rows = list(csv.reader(f))
    return {date(int(r[0][:4]), int(r[0][5:7]), 1): float(r[1]) for r in rows
            if len(r) == 2 and r[0][:4].isdigit() and r[0][4] == "/"}


def real(amount: Decimal, prices: dict[date, float], year: int, base: date) -> float:
    mean = sum(prices[date(year, m, 1)] for m in range(1, 13)) / 12
    return float(amount) * prices[base] / mean


# --- the shipped warehouse: the six workbooks and the monthly INPC of raw/ -------------------

def test_pronapred_2013_2015_as_the_files_give_it(shipped_warehouse):
    budget = expected_budget()
    approved = sum(budget["pronapred", y, "approved"][0] for y in (2013, 2014, 2015))
    exercised = sum(budget["pronapred", y, "exercised"][0] for y in (2013, 2014, 2015))
    assert (approved, exercised) == (Decimal("7778230000.00"), Decimal("6871979901.06"))
    got = query(shipped_warehouse, """
        SELECT stage, sum(amount_pesos) FROM marts.program_budget_yearly
        WHERE program = 'pronapred' AND fiscal_year BETWEEN 2013 AND 2015
          AND stage IN ('approved', 'exercised') GROUP BY ALL ORDER BY stage""")
    assert got == [("approved", approved), ("exercised", exercised)]


def test_every_followed_program_year_and_stage_against_the_raw_csv(shipped_warehouse):
    budget = expected_budget()
    got = {(p, y, s): (a, c, i) for p, y, s, a, c, i in query(shipped_warehouse, """
        SELECT program, fiscal_year, stage, amount_pesos, current_pesos, investment_pesos
        FROM marts.program_budget_yearly""")}
    assert got == budget
    assert {p for p, _, _ in got} == {"pronapred", "subsemun", "fortaseg", "fasp"}
    # PRONAPRED had no line in 2017: no rows, not zeros.
    assert sorted({y for p, y, _ in got if p == "pronapred"}) == [2013, 2014, 2015, 2016, 2018]


def test_the_mart_keeps_stages_apart_and_names_its_file(shipped_warehouse):
    rows = query(shipped_warehouse, """
        SELECT program, fiscal_year, count(*), list(stage ORDER BY stage),
               count(DISTINCT file_sha256), any_value(file_sha256)
        FROM marts.program_budget_yearly GROUP BY ALL""")
    for program, year, n, stages, files, sha in rows:
        assert n == 4 and stages == ["accrued", "approved", "exercised", "modified"], program
        assert files == 1 and sha == sha256(CP_XLS / f"cp_{year}.xls")
    types = dict(query(shipped_warehouse, """
        SELECT column_name, data_type FROM duckdb_columns()
        WHERE schema_name = 'marts' AND table_name = 'program_budget_yearly'"""))
    assert list(types) == ["program", "fiscal_year", "stage", "amount_pesos", "current_pesos",
                           "investment_pesos", "amount_real_pesos", "price_base",
                           "share_of_approved", "cumulative_pesos", "file_sha256", "blocks"]
    assert {types[c] for c in ("amount_pesos", "current_pesos", "investment_pesos",
                               "amount_real_pesos", "cumulative_pesos")} == {"DECIMAL(18,2)"}
    assert types["price_base"] == "DATE"


def test_share_and_cumulative_follow_the_files(shipped_warehouse):
    budget = expected_budget()
    rows = query(shipped_warehouse, """
        SELECT fiscal_year, share_of_approved, cumulative_pesos FROM marts.program_budget_yearly
        WHERE program = 'pronapred' AND stage = 'exercised' ORDER BY fiscal_year""")
    running = Decimal(0)
    for year, share, cumulative in rows:
        running += budget["pronapred", year, "exercised"][0]
        assert cumulative == running
        assert share == pytest.approx(float(budget["pronapred", year, "exercised"][0]
                                            / budget["pronapred", year, "approved"][0]))


def test_real_pesos_of_the_newest_month_of_the_shipped_inpc(shipped_warehouse):
    prices = inpc_by_month()
    base = max(prices)
    assert base == date(2024, 3, 1)
    amount, real_pesos, price_base = query(shipped_warehouse, """
        SELECT amount_pesos, amount_real_pesos, price_base FROM marts.program_budget_yearly
        WHERE program = 'pronapred' AND fiscal_year = 2013 AND stage = 'approved'""")[0]
    assert price_base == base
    assert float(real_pesos) == pytest.approx(real(amount, prices, 2013, base), abs=0.01)


def test_spending_yearly_links_to_the_budget(shipped_warehouse):
    (fasp_2013,), = query(shipped_warehouse, """
        SELECT budget_exercised_pesos FROM marts.spending_yearly
        WHERE program = 'fasp' AND geo_level = 'national' AND fiscal_year = 2013""")
    assert fasp_2013 == expected_budget()["fasp", 2013, "exercised"][0]


def test_every_program_of_the_file_is_kept_in_core(shipped_warehouse):
    for year in (2013, 2016):
        stage_rows = [r for r in cp_rows(year) if r["PRESUPUESTO"] in STAGES]
        (n, total), = query(shipped_warehouse, """
            SELECT count(*), sum(b.amount_pesos) FROM core.budget_yearly AS b
            JOIN ops.raw_files AS f USING (file_sha256)
            WHERE b.fiscal_year = ? AND f.status = 'loaded'""", [year])
        assert n == len(stage_rows)
        assert total == sum(pesos(r["TOTAL"]) for r in stage_rows)


def test_following_another_program_is_a_reference_row_not_a_reload(shipped_warehouse,
                                                                   tmp_path):
    """The Gendarmería Nacional (E017 in Gobernación): one more row in the programs table."""
    reference = tmp_path / "reference"
    shutil.copytree(REPO / "schemas" / "reference", reference)
    with open(reference / "budget_programs.csv", "a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(
            ["gendarmeria", "Gendarmería", "Gobernación", "", "E017", "2014", "",
             "Gendarmería Nacional", "The federal police's gendarmerie division."])
    wh = tmp_path / "seguridad.duckdb"
    shutil.copyfile(shipped_warehouse, wh)
    con = duckdb.connect(str(wh))
    try:
        set_variables(con, reference_dir=str(reference))
        run_sql_file(con, SQL_DIR / "reference" / "budget.sql")
        run_sql_file(con, SQL_DIR / "marts" / "55_program_budget.sql")
        got = con.execute("""
            SELECT fiscal_year, amount_pesos FROM marts.program_budget_yearly
            WHERE program = 'gendarmeria' AND stage = 'approved' ORDER BY 1""").fetchall()
    finally:
        con.close()
    expected = [(y, pesos(r["TOTAL"])) for y in range(2014, 2019) for r in cp_rows(y)
                if r["PROGRAMA"] == "E017" and (r.get("SUBRAMO") or r["RAMO"]) == "Gobernación"
                and r["PRESUPUESTO"] == "Aprobado"]
    assert got == expected and len(got) >= 2


def test_the_statement_sentence_from_the_raw_files(shipped_warehouse, monkeypatch):
    use_paths(monkeypatch, shipped_warehouse.parent.parent / "raw", shipped_warehouse)
    budget = expected_budget()
    approved = sum(budget["pronapred", y, "approved"][0] for y in (2013, 2014, 2015))
    spent = sum(budget["pronapred", y, "exercised"][0] for y in (2013, 2014, 2015))
    out = run_cli("report", "spending", "--program", "pronapred", "--years", "2013:2015",
                  "--lang", "en")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    sentence = (f"Between 2013 and 2015 Congress approved {approved / 1_000_000:,.0f} million "
                f"pesos for PRONAPRED; {spent / 1_000_000:,.0f} million were spent "
                f"({spent / approved * 100:.0f}%).")
    assert lines[0] == sentence
    assert sentence == ("Between 2013 and 2015 Congress approved 7,778 million pesos for "
                        "PRONAPRED; 6,872 million were spent (88%).")
    row_2015 = next(line for line in lines if line.startswith("2015 "))
    assert f"{budget['pronapred', 2015, 'approved'][0]:,.2f}" in row_2015
    assert f"{approved:,.2f}" in row_2015  # cumulative approved since 2013
    assert "real pesos: pesos of March 2024 (INPC)" in out.stdout
    sources = {line.split(" (")[0].rsplit("/", 1)[-1] for line in lines
               if line.startswith("source: ")}
    assert sources == {"cp_2013.xls", "cp_2014.xls", "cp_2015.xls", INPC.name}


def test_the_report_in_spanish_and_as_json(shipped_warehouse, monkeypatch):
    use_paths(monkeypatch, shipped_warehouse.parent.parent / "raw", shipped_warehouse)
    out = run_cli("report", "spending", "--program", "pronapred")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0].startswith(
        "Entre 2013 y 2018 el Congreso aprobó 10,094 millones de pesos para PRONAPRED (sin "
        "partida en la Cuenta Pública de 2017); se ejercieron")
    assert "pesos de marzo de 2024" in out.stdout
    data = json.loads(run_cli("report", "spending", "--program", "pronapred", "--years",
                              "2013:2015", "--format", "json").stdout)
    assert data["budget"]["price_base"] == "2024-03-01"
    assert Decimal(data["budget"]["approved_pesos"]) == Decimal("7778230000.00")


def test_a_year_without_a_cuenta_publica_is_refused(shipped_warehouse, monkeypatch):
    use_paths(monkeypatch, shipped_warehouse.parent.parent / "raw", shipped_warehouse)
    out = run_cli("report", "spending", "--program", "pronapred", "--years", "2012:2015")
    assert out.returncode == 1
    assert "no hay Cuenta Pública cargada de 2012" in out.stderr
    assert "Traceback" not in out.stderr


# --- the CSV flattening of every year, next to the workbooks, and the BIE export -------------

def _tampered_bie(target: Path) -> Path:
    """The BIE export with May 2010 raised by 1%."""
    text = BIE.read_bytes().decode("latin-1")
    line = next(x for x in text.splitlines() if x.startswith('"2010/05"'))
    value = float(line.split(",")[1].strip('"'))
    target.write_bytes(text.replace(line, f'"2010/05","{value * 1.01}"').encode("latin-1"))
    return target


@pytest.fixture(scope="module")
def budget_warehouse(tmp_path_factory) -> Path:
    """A warehouse of the shipped budget files alone: the six Cuenta Pública workbooks and the
    INPC. The files written into it below need nothing else."""
    return warehouse_of(tmp_path_factory.mktemp("budget_warehouse"),
                        [*sorted(CP_XLS.glob("cp_*.xls")), INPC])


@pytest.fixture(scope="module")
def csv_run(budget_warehouse, tmp_path_factory):
    """The shipped budget files, then the six CSVs, the BIE export and a tampered copy of it
    in one ingest run."""
    root = tmp_path_factory.mktemp("cp_csv")
    tampered = _tampered_bie(root / "inpc_BIE_tampered.csv")
    paths = [CP_CSV / f"cp_{y}.csv" for y in YEARS] + [BIE, tampered]
    run = ingest_into_copy(budget_warehouse, root, paths)
    assert run["state"].is_completed(), run["state"].message
    return {**run, "tampered": tampered}


def _core_rows(wh: Path, path: Path) -> list[tuple]:
    return query(wh, """
        SELECT * EXCLUDE (file_sha256, row_number) FROM core.budget_yearly
        WHERE file_sha256 = ? ORDER BY ALL""", [sha256(path)])


@pytest.mark.parametrize("year", YEARS)
def test_the_workbook_and_the_csv_give_identical_rows(csv_run, year):
    from_xls = _core_rows(csv_run["wh"], CP_XLS / f"cp_{year}.xls")
    from_csv = _core_rows(csv_run["wh"], CP_CSV / f"cp_{year}.csv")
    assert len(from_xls) == len([r for r in cp_rows(year) if r["PRESUPUESTO"] in STAGES])
    assert from_xls == from_csv


def test_a_later_edition_supersedes_the_earlier_one(csv_run):
    """The CSVs arrived after the workbooks and carry no edition in their names: each takes
    over its fiscal year, and the numbers do not move."""
    wh = csv_run["wh"]
    status = dict(query(wh, "SELECT file_name, status FROM ops.raw_files "
                            "WHERE format = 'cuenta_publica_programatica'"))
    assert {Path(n).name: s for n, s in status.items()} == {
        **{f"cp_{y}.xls": "superseded" for y in YEARS}, **{f"cp_{y}.csv": "loaded" for y in YEARS}}
    rows = query(wh, "SELECT program, fiscal_year, stage, amount_pesos, file_sha256 "
                     "FROM marts.program_budget_yearly")
    assert {(p, y, s): a for p, y, s, a, _ in rows} == {
        k: v[0] for k, v in expected_budget().items()}
    assert {sha for *_, sha in rows} == {sha256(CP_CSV / f"cp_{y}.csv") for y in YEARS}


def test_the_newer_price_file_wins_and_the_older_one_agrees(csv_run):
    wh = csv_run["wh"]
    outcomes = {Path(o.label).name: o for o in csv_run["run"].outcomes}
    assert outcomes[BIE.name].status == "loaded" and "warning" not in outcomes[BIE.name].message
    months = query(wh, "SELECT count(*), count(DISTINCT file_sha256), any_value(file_sha256) "
                       "FROM core.price_index_monthly")
    assert months == [(len(inpc_by_month()), 1, sha256(INPC))]
    (status,), = query(wh, "SELECT status FROM ops.raw_files WHERE file_sha256 = ?",
                       [sha256(BIE)])
    assert status == "superseded"


def test_an_overlap_that_disagrees_is_warned_about(csv_run):
    tampered = csv_run["tampered"]
    outcome = next(o for o in csv_run["run"].outcomes if o.label == str(tampered))
    assert outcome.status == "loaded" and "price index disagrees" in outcome.message
    lines = tampered.read_bytes().decode("latin-1").splitlines()
    row = next(i for i, x in enumerate(lines, start=1) if x.startswith('"2010/05"'))
    warned = query(csv_run["wh"], "SELECT DISTINCT row_number, column_name FROM "
                                  "ops.data_warnings WHERE file_sha256 = ?", [sha256(tampered)])
    assert warned == [(row, "Índice general")]
    (message,), = query(csv_run["wh"], "SELECT any_value(message) FROM ops.data_warnings "
                                       "WHERE file_sha256 = ?", [sha256(tampered)])
    assert f"row {row}, column Índice general" in message
    assert "for 2010-05 differs by 0.99% from" in message


# --- real pesos from the BIE export alone, and rebasing ---------------------------------------

def _older_edition_on_another_base(target: Path) -> Path:
    """The shipped INPC up to December 2010, put on base December 2010 = 100, as an older
    publication would give it (INEGI rebases the index now and then)."""
    prices = {m: v for m, v in inpc_by_month().items() if m <= date(2010, 12, 1)}
    scale = 100 / prices[date(2010, 12, 1)]
    with open(target, "w", encoding="ascii", newline="") as f:
        f.write("Fecha,IPC\r\n" + "".join(f"{m:%Y-%m-%d},{v * scale:.10f}\r\n"
                                          for m, v in sorted(prices.items())))
    return target


@pytest.fixture(scope="module")
def bie_run(tmp_path_factory):
    """An empty warehouse: the 2015 Cuenta Pública, the BIE export and an older INPC edition
    on another base."""
    root = tmp_path_factory.mktemp("bie")
    older = _older_edition_on_another_base(root / "inpc_base2010_1969-2010.csv")
    mp = pytest.MonkeyPatch()
    use_paths(mp, root / "raw", root / "warehouse" / "seguridad.duckdb")
    try:
        state = ingest_flow([str(CP_CSV / "cp_2015.csv"), str(BIE), str(older)],
                            return_state=True)
    finally:
        mp.undo()
    assert state.is_completed(), state.message
    return {"root": root, "wh": root / "warehouse" / "seguridad.duckdb",
            "run": state.result(), "older": older}


def test_real_pesos_from_the_bie_export_name_its_base_month(bie_run, monkeypatch):
    prices = bie_by_month()
    base = max(prices)
    assert base == date(2018, 9, 1)
    amount, real_pesos, price_base = query(bie_run["wh"], """
        SELECT amount_pesos, amount_real_pesos, price_base FROM marts.program_budget_yearly
        WHERE program = 'pronapred' AND fiscal_year = 2015 AND stage = 'exercised'""")[0]
    assert price_base == base
    assert float(real_pesos) == pytest.approx(real(amount, prices, 2015, base), abs=0.01)
    use_paths(monkeypatch, bie_run["root"] / "raw", bie_run["wh"])
    out = run_cli("report", "spending", "--program", "pronapred", "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert "real pesos: pesos of September 2018 (INPC)" in out.stdout
    assert f"source: {BIE}" in out.stdout


def test_an_older_edition_on_another_base_is_rebased_onto_the_newest(bie_run):
    older = bie_run["older"]
    outcome = next(o for o in bie_run["run"].outcomes if o.label == str(older))
    assert outcome.status == "loaded" and "warning" not in outcome.message  # agree, rebased
    original = inpc_by_month()
    rebased = dict(query(bie_run["wh"], "SELECT month, inpc FROM core.price_index_monthly "
                                        "WHERE file_sha256 = ?", [sha256(older)]))
    assert min(rebased) == date(1969, 1, 1) and max(rebased) == date(2004, 12, 1)
    for month in (date(1990, 6, 1), date(2004, 12, 1)):
        assert rebased[month] == pytest.approx(original[month], rel=1e-6)
    bie = dict(query(bie_run["wh"], "SELECT month, inpc FROM core.price_index_monthly "
                                    "WHERE file_sha256 = ?", [sha256(BIE)]))
    assert bie == bie_by_month()  # the newest file's months, as it gives them


# --- damaged copies: rejected whole, row and column named, nothing published changes ---------

def _csv_copy(name: str, change) -> callable:
    def make(folder: Path) -> Path:
        with open(CP_CSV / "cp_2013.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        rows = change(rows)
        target = folder / name
        with open(target, "w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\r\n").writerows(rows)
        return target
    return make


def _set(line: int, column: str, value: str):
    def change(rows):
        rows[line - 1][rows[0].index(column)] = value
        return rows
    return change


def _shift_right(line: int, first_column: str):
    def change(rows):
        i = rows[0].index(first_column)
        rows[line - 1] = rows[line - 1][:i] + [""] + rows[line - 1][i:-1]
        return rows
    return change


def _drop(line: int):
    return lambda rows: rows[:line - 1] + rows[line:]


def _workbook_rows() -> list[list[object]]:
    sheet = CalamineWorkbook.from_path(str(CP_XLS / "cp_2013.xls")).get_sheet_by_index(0)
    return sheet.to_python(skip_empty_area=False)


def _pronapred_sheet_row(rows: list[list[object]]) -> int:
    """0-based index of PRONAPRED's code-and-name row in the 2013 workbook."""
    ramo = None
    for i, r in enumerate(rows):
        ramo = r[2] if isinstance(r[2], str) and r[2].strip() else ramo
        if r[3] == "U006" and ramo == "Gobernación":
            return i
    raise AssertionError("PRONAPRED not found")


def _workbook_copy(name: str, change) -> callable:
    """The 2013 workbook down to PRONAPRED's last row (a whole report, only shorter: quicker
    to write and read), with one change."""
    def make(folder: Path) -> Path:
        rows = _workbook_rows()
        at = _pronapred_sheet_row(rows)
        return write_xlsx(folder / name, change(rows[:at + 7], at))
    return make


def _cell_in_sheet(offset: int, column: int, value: object):
    def change(rows, at):
        rows[at + offset][column] = value
        return rows
    return change


def _without_sheet_row(offset: int):
    return lambda rows, at: rows[:at + offset] + rows[at + offset + 1:]


def _shift_sheet_row(offset: int):
    def change(rows, at):
        rows[at + offset] = [""] + rows[at + offset][:-1]
        return rows
    return change


_AT = _pronapred_sheet_row(_workbook_rows()) + 1  # the workbook row (1-based) of its name
DAMAGED = {
    "text_amount": (_csv_copy("cp_2013_text.csv", _set(PRONAPRED_ROW, "TOTAL",
                                                       "2,500,000,000.0")),
                    [f"row {PRONAPRED_ROW}, column TOTAL: '2,500,000,000.0' is not an amount "
                     "in pesos"]),
    "shifted_column": (_csv_copy("cp_2013_shifted.csv",
                                 _shift_right(PRONAPRED_ROW + 1, "GC_SERVICIOS_PERSONALES")),
                       [f"row {PRONAPRED_ROW + 1}, column GC_SUMA", "not the sum of its parts"]),
    "stage_missing": (_csv_copy("cp_2013_no_devengado.csv", _drop(PRONAPRED_ROW + 2)),
                      [f"row {PRONAPRED_ROW + 2}, column PRESUPUESTO: 'Ejercicio' is not the "
                       "row expected here"]),
    "workbook_text_amount": (_workbook_copy("cp_2013_text.xlsx",
                                            _cell_in_sheet(1, 15, "2.500 millones")),
                             [f"row {_AT + 1:,}, column TOTAL: '2.500 millones' is not an "
                              "amount in pesos"]),
    "workbook_stage_missing": (_workbook_copy("cp_2013_no_devengado.xlsx",
                                              _without_sheet_row(3)),
                               [f"row {_AT + 3:,}, column PRESUPUESTO: 'Ejercicio'"]),
    "workbook_shifted_row": (_workbook_copy("cp_2013_shifted.xlsx", _shift_sheet_row(2)),
                             [f"row {_AT + 2:,}, column F: 'Modificado' is in a column the "
                              "report does not use"]),
    "workbook_unknown_layout": (
        _workbook_copy("cp_2013_layout.xlsx",
                       lambda rows, at: [[("DEPENDENCIA" if c == "Ente / Ramo" else c)
                                          for c in r] for r in rows]),
        ["no header row with 'ENTE / RAMO'", "expected the SHCP's Cuenta Pública report"]),
    "workbook_other": (lambda folder: write_xlsx(folder / "presupuesto.xlsx",
                                                 [["Ramo", "Monto"], ["04", 1.5]]),
                       ["does not match any known format", "or as the SHCP's Cuenta Pública "
                                                           "report"]),
}


def _published(wh: Path) -> tuple:
    return query(wh, """
        SELECT (SELECT count(*) FROM core.budget_yearly),
               (SELECT md5(string_agg(concat_ws('|', program, fiscal_year, stage, amount_pesos,
                                                amount_real_pesos, file_sha256), ','
                                      ORDER BY program, fiscal_year, stage))
                FROM marts.program_budget_yearly)""")[0]


@pytest.fixture(scope="module")
def damaged_run(budget_warehouse, tmp_path_factory):
    root = tmp_path_factory.mktemp("cp_damaged")
    incoming = root / "incoming"
    incoming.mkdir()
    paths = {key: make(incoming) for key, (make, _) in DAMAGED.items()}
    before = _published(budget_warehouse)
    run = ingest_into_copy(budget_warehouse, root, list(paths.values()))
    return {**run, "paths": paths, "before": before,
            "outcomes": {label: o for label, (o,) in run["outcomes"].items()}}


@pytest.mark.parametrize("damage", DAMAGED)
def test_a_damaged_copy_is_rejected_naming_row_and_column(damaged_run, damage):
    path = damaged_run["paths"][damage]
    outcome = damaged_run["outcomes"][str(path)]
    assert outcome.status == "rejected"
    assert outcome.message.startswith(f"{path}: rejected")
    for words in DAMAGED[damage][1]:
        assert words in outcome.message, outcome.message
    assert "Traceback" not in outcome.message
    (status,), = query(damaged_run["wh"], "SELECT status FROM ops.raw_files "
                                          "WHERE file_sha256 = ?", [outcome.sha256])
    assert status == "rejected"
    assert (damaged_run["raw"] / path.name).read_bytes() == path.read_bytes()


def test_damaged_copies_change_nothing_published(damaged_run):
    assert damaged_run["state"].is_failed()
    assert _published(damaged_run["wh"]) == damaged_run["before"]
    assert query(damaged_run["wh"], "SELECT count(*) FROM core.budget_yearly WHERE "
                                    "file_sha256 IN (SELECT file_sha256 FROM ops.raw_files "
                                    "WHERE status = 'rejected')") == [(0,)]


# --- the publisher's repeated block: loaded apart, warned about (issue 22) ------------------

CONSEJO = "Consejo de la Judicatura Federal"


def _consejo_twice(folder: Path) -> Path:
    """The shipped 2018 workbook as the CSV flattening writes it, with the Consejo de la
    Judicatura Federal's blocks (its TOTAL and its program R001) written a second time right
    after the first, every amount halved: two units under one name, as the SHCP's 2020-2023
    editions list the Consejo."""
    from seguridad.intake import budget_xls

    sheet = CalamineWorkbook.from_path(str(CP_XLS / "cp_2018.xls")).get_sheet_by_index(0)
    header, rows, _ = budget_xls.flatten(sheet.to_python(skip_empty_area=False), "cp_2018.xls")
    ramo = header.index("RAMO")
    block = [i for i, r in enumerate(rows) if r[ramo] == CONSEJO]
    assert block == list(range(block[0], block[-1] + 1)) and len(block) == 13
    amounts = [header.index(c) for c in header[header.index("PRESUPUESTO") + 1:]
               if not c.startswith("PORCENTAJE")]
    copy = []
    for i in block:
        r = list(rows[i])
        if r[header.index("PRESUPUESTO")] in STAGES:
            for c in amounts:
                r[c] = str(Decimal(r[c]) / 2) if r[c] else r[c]
        copy.append(r)
    rows = rows[:block[-1] + 1] + copy + rows[block[-1] + 1:]
    target = folder / "cp_2018_consejo_twice.csv"
    with open(target, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, *rows])
    return target


@pytest.fixture(scope="module")
def repeated_block(budget_warehouse, tmp_path_factory):
    root = tmp_path_factory.mktemp("cp_repeated")
    path = _consejo_twice(root)
    run = ingest_into_copy(budget_warehouse, root, [path])
    (outcome,) = run["outcomes"][str(path)]
    return {"state": run["state"], "outcome": outcome, "path": path, "wh": run["wh"],
            "rows": read_csv_rows(path, "utf-8")}


def test_a_repeated_block_with_other_amounts_loads_and_warns(repeated_block):
    outcome, rows = repeated_block["outcome"], repeated_block["rows"]
    assert repeated_block["state"].is_completed(), outcome.message
    assert outcome.status == "loaded" and "see ops.data_warnings" in outcome.message
    warned = query(repeated_block["wh"], "SELECT row_number, column_name, value, check_name "
                                         "FROM ops.data_warnings WHERE file_sha256 = ? "
                                         "ORDER BY 1", [outcome.sha256])
    # one warning per repeated block, on its first row (the CSV's line: header = 1)
    consejo = [i + 2 for i, r in enumerate(rows) if r["RAMO"] == CONSEJO]
    assert [(r, c, v) for r, c, v, _ in warned] == [(consejo[13], "PROGRAMA", "TOTAL"),
                                                    (consejo[19], "PROGRAMA", "R001")]
    assert all("with other amounts" in check for *_, check in warned)


def test_the_two_blocks_are_kept_apart_and_add_up_to_the_raw_rows(repeated_block):
    outcome, rows = repeated_block["outcome"], repeated_block["rows"]
    got = query(repeated_block["wh"], """
        SELECT program_code, block, stage, amount_pesos FROM core.budget_yearly
        WHERE file_sha256 = ? AND ramo = ? ORDER BY ALL""", [outcome.sha256, CONSEJO])
    expected: dict[tuple, Decimal] = {}
    seen: dict[tuple, int] = {}
    for r in rows:
        if r["RAMO"] != CONSEJO or r["PRESUPUESTO"] not in STAGES:
            continue
        key = (r["PROGRAMA"], STAGES[r["PRESUPUESTO"]])
        seen[key] = seen.get(key, 0) + 1  # the first listing is block 1, the second block 2
        expected[(r["PROGRAMA"], seen[key], key[1])] = pesos(r["TOTAL"])
    assert {(p, b, s): a for p, b, s, a in got} == expected
    assert {b for _, b, _, _ in got} == {1, 2} and len(got) == 16
    # the second block is the first halved: other amounts, never a double count
    firsts = {(p, s): a for p, b, s, a in got if b == 1}
    assert all(a * 2 == firsts[p, s] for p, b, s, a in got if b == 2 and a)


def test_program_totals_are_the_sums_of_the_raw_rows(repeated_block, tmp_path):
    """Following the Consejo's program (R001) as a program: its totals add both blocks, as
    the raw rows do; the programs followed already keep their figures."""
    wh, rows = repeated_block["wh"], repeated_block["rows"]
    reference = tmp_path / "reference"
    shutil.copytree(REPO / "schemas" / "reference", reference)
    with open(reference / "budget_programs.csv", "a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(
            ["cjf", "CJF", CONSEJO, "", "R001", "2018", "2018", "Otras actividades",
             "The Consejo de la Judicatura Federal's program, listed twice in the test file."])
    con = duckdb.connect(str(wh))
    try:
        set_variables(con, reference_dir=str(reference))
        run_sql_file(con, SQL_DIR / "reference" / "budget.sql")
        run_sql_file(con, SQL_DIR / "marts" / "55_program_budget.sql")
        got = {(p, s): (a, b) for p, s, a, b in con.execute("""
            SELECT program, stage, amount_pesos, blocks FROM marts.program_budget_yearly
            WHERE fiscal_year = 2018""").fetchall()}
    finally:
        con.close()
    for p in followed() + [{"program": "cjf", "program_code": "R001", "ramo": CONSEJO}]:
        for label, stage in STAGES.items():
            raw = [pesos(r["TOTAL"]) for r in rows
                   if r["PROGRAMA"] == p["program_code"] and r["PRESUPUESTO"] == label
                   and (r["SUBRAMO"] or r["RAMO"]) == p["ramo"]]
            if not raw:
                assert (p["program"], stage) not in got
                continue
            assert got[p["program"], stage] == (sum(raw), len(raw)), (p["program"], stage)
    assert got["cjf", "approved"][1] == 2


def test_an_identical_repeated_block_is_still_rejected(budget_warehouse, tmp_path):
    """The same block written twice as it is would double every total: damage."""
    rows = read_csv_rows(CP_CSV / "cp_2013.csv", "utf-8")
    header = list(rows[0])
    at = PRONAPRED_ROW - 2  # PRONAPRED's Aprobado, 0-based among the data rows
    block = rows[at - 1:at + 6]  # its name row and six stage rows
    assert block[0]["PRESUPUESTO"] not in STAGES and block[1]["PRESUPUESTO"] == "Aprobado"
    # written again after the next program's block (right after itself it would merge into
    # one block with its stages twice, which the stage order rejects)
    key = (rows[at + 6]["RAMO"], rows[at + 6]["PROGRAMA"])
    j = at + 6
    while (rows[j]["RAMO"], rows[j]["PROGRAMA"]) == key:
        j += 1
    doubled = rows[:j] + block + rows[j:]
    path = tmp_path / "cp_2013_doubled.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(doubled)
    run = ingest_into_copy(budget_warehouse, tmp_path / "copy", [path])
    (outcome,) = run["outcomes"][str(path)]
    assert outcome.status == "rejected"
    assert f"row {j + 2}, column PROGRAMA: 'U006' is listed a second time" \
        in outcome.message and "a total would count it twice" in outcome.message
