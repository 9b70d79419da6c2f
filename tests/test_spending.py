"""The money side: Ramo 33 (FASP) against an independent parse of the real file, rates under
both CONAPO vintages, the program-spending format (CSV and XLSX) on an illustrative fixture,
and the difference-in-differences evaluation checked by hand against real municipal
homicides."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from decimal import Decimal

import pytest
from xlsx_writer import write_xlsx

from conftest import (
    CONAPO_2023,
    MONTHS,
    SHIPPED_RAW,
    TEST_DATA,
    query,
    read_csv_rows,
    run_cli,
    use_paths,
    warehouse_of,
)
from flows.ingest import ingest_flow

RAMO33 = SHIPPED_RAW / "spending" / "ramo33_por_estado_1998-2014_mdp.csv"
PROGRAM = TEST_DATA / "gasto_programa_ILUSTRATIVO.csv"
SLICE = SHIPPED_RAW / "sesnsp" / "municipal_slice_guanajuato_homicidios_2020-2025_nov2025.csv"
MUNICIPAL_POPULATION = SHIPPED_RAW / "conapo" / "municipal_poblacion_1990-2040.csv"
INPC = SHIPPED_RAW / "prices" / "inpc_mensual_1969-2024.csv"
INPC_LAST_FULL_YEAR = max(int(y) for y, n in Counter(
    r["Fecha"][:4] for r in read_csv_rows(INPC, "ascii")).items() if n == 12)
def test_fasp_in_pesos_for_every_state_and_year(shipped_warehouse):
    with open(RAMO33, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = [h.strip() for h in rows[0]]
    expected = {}
    for r in rows[1:]:
        d = dict(zip(header, r, strict=True))
        cell = d["r33_segurid"].replace(" ", "")
        if cell:  # empty: the fund did not exist yet (1998) or was not reported
            expected[(d["id"], int(d["yr"]))] = Decimal(cell) * 1_000_000
    got = {(geo, year): amount for geo, year, amount in query(shipped_warehouse, """
        SELECT geo_code, fiscal_year, amount_mxn FROM marts.spending_yearly
        WHERE program = 'fasp' AND geo_level IN ('state', 'national')""")}
    assert got == expected
    assert len([k for k in got if k[0] != "00"]) >= 32 * 15
    # The nation is the published national row, not the states added on top of it.
    (nation,), = query(shipped_warehouse, """
        SELECT sum(amount_mxn) FROM marts.spending_yearly
        WHERE program = 'fasp' AND geo_level = 'national' AND fiscal_year = 2013""")
    assert nation == expected[("00", 2013)]
    assert nation == sum(v for (geo, year), v in expected.items() if year == 2013 and geo != "00")


def test_suspicious_fasp_zeros_are_loaded_and_flagged(shipped_warehouse):
    flagged = query(shipped_warehouse, """
        SELECT geo_code, amount_mxn, data_warning FROM marts.spending_yearly
        WHERE program = 'fasp' AND fiscal_year = 2014 AND geo_level = 'national'""")
    assert flagged == [("00", Decimal("0.00"), "FASP is zero or empty in a year the fund "
                                                "existed (it began in 1999): probably missing, "
                                                "not zero")]
    kinds = dict(query(shipped_warehouse, "SELECT check_name, count(*) FROM ops.data_warnings "
                                          "GROUP BY ALL"))
    assert kinds["the national row is not the sum of the states (beyond rounding)"] == 4
    status = query(shipped_warehouse, "SELECT status FROM ops.raw_files WHERE format = "
                                      "'ramo33_state'")
    assert status == [("loaded",)]


def test_the_fasp_sentence_names_its_doubtful_year_and_source(shipped_warehouse, monkeypatch):
    use_paths(monkeypatch, shipped_warehouse.parent.parent / "raw", shipped_warehouse)
    out = run_cli("report", "spending", "--program", "fasp", "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert "(sum of the years; current pesos; 2014 flagged as doubtful, see the notes)." in \
        out.stdout.splitlines()[0]
    assert f"{RAMO33.name} (sha256 " in out.stdout


def test_rates_under_both_population_vintages(shipped_warehouse):
    rows = query(shipped_warehouse, """
        SELECT population_vintage, population, rate_per_100k FROM marts.indicator_rates
        WHERE series = 'cnsp_2015' AND indicator = 'homicidio_doloso' AND geo_code = '01'
          AND month = DATE '2015-06-01' ORDER BY population_vintage""")
    assert [r[0] for r in rows] == ["conapo_2010", "conapo_2023"]
    (v2010, p2010, r2010), (v2023, p2023, r2023) = rows
    assert p2010 < p2023 and r2010 > r2023  # 2010 vintage: fewer people, higher rate


@pytest.fixture(scope="module")
def program_workspace(tmp_path_factory):
    """The shipped files a program is evaluated with (the municipal slice: real Guanajuato
    homicides; the municipal and state populations; the INPC for real pesos) and the
    illustrative program, in one refresh."""
    root = tmp_path_factory.mktemp("program")
    warehouse_of(root, [SLICE, MUNICIPAL_POPULATION, CONAPO_2023, INPC, PROGRAM])
    return root


def fixture_rows() -> list[dict]:
    return read_csv_rows(PROGRAM, "utf-8")


def test_program_spending_marts(program_workspace):
    wh = program_workspace / "warehouse" / "seguridad.duckdb"
    rows = fixture_rows()
    for year in (2021, 2022):
        mine = [r for r in rows if r["ejercicio_fiscal"] == str(year)]
        expected = (sum(Decimal(r["monto_pesos"]) for r in mine),
                    len({(r["clave_municipio"], r["clave_poligono"]) for r in mine}),
                    len({r["clave_municipio"] for r in mine}),
                    sum(int(r["beneficiarios"]) for r in mine))
        got = query(wh, """
            SELECT amount_mxn, polygons, municipalities, beneficiaries, per_beneficiary_mxn,
                   cumulative_mxn, price_basis
            FROM marts.spending_yearly WHERE program = 'ilustrativo' AND fiscal_year = ?
              AND geo_level = 'national'""", [year])[0]
        assert got[:4] == expected
        assert got[4] == pytest.approx(float(expected[0]) / expected[3], abs=0.01)
        # The shipped INPC makes them real pesos of its last complete year.
        assert got[6] == f"real, pesos of {INPC_LAST_FULL_YEAR} (INPC)"
    (leon,), = query(wh, """
        SELECT amount_mxn FROM marts.spending_yearly WHERE program = 'ilustrativo'
          AND geo_level = 'municipality' AND geo_code = '11020' AND fiscal_year = 2021""")
    assert leon == sum(Decimal(r["monto_pesos"]) for r in rows
                       if r["clave_municipio"] == "11020" and r["ejercicio_fiscal"] == "2021")


def _homicides(rows, municipalities, year):
    return sum(int(float(r[m])) for r in rows for m in MONTHS
               if r["Año"] == str(year) and r["Cve. Municipio"] in municipalities
               and r["Subtipo de delito"] == "Homicidio doloso")


def _mean_population(codes, year):
    """Sum over municipalities of each one's mean monthly population in a year: the
    documented interpolation between mid-year figures (at mid-month, whole persons), re-done
    here from the raw file."""
    from decimal import ROUND_HALF_UP

    mid = {r["CVE"]: {y: int(r[str(y)]) for y in range(year - 1, year + 2)}
           for r in read_csv_rows(MUNICIPAL_POPULATION, "utf-8") if r["CVE"] in codes}
    total = 0.0
    for code in codes:
        p = mid[code]
        months = []
        for m in range(1, 13):
            t = Decimal(2 * m - 13) / 24
            slope = p[year + 1] - p[year] if t >= 0 else p[year] - p[year - 1]
            value = (p[year] + slope * t).quantize(Decimal("0.0001"))
            months.append(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        total += float(sum(months)) / 12
    return total


def test_difference_in_differences_by_hand(program_workspace):
    wh = program_workspace / "warehouse" / "seguridad.duckdb"
    slice_rows = read_csv_rows(SLICE, "utf-8")
    funded = {r["clave_municipio"] for r in fixture_rows()}
    everyone = {r["Cve. Municipio"] for r in slice_rows}
    comparison = everyone - funded
    fb, fa = _homicides(slice_rows, funded, 2020), _homicides(slice_rows, funded, 2022)
    cb, ca = _homicides(slice_rows, comparison, 2020), _homicides(slice_rows, comparison, 2022)
    did = (fa - fb) * 100 / fb - (ca - cb) * 100 / cb
    rate = {(s, y): v / _mean_population({c.zfill(5) for c in s_codes}, y) * 100_000
            for s, s_codes, y, v in [("f", funded, 2020, fb), ("f", funded, 2022, fa),
                                     ("c", comparison, 2020, cb), ("c", comparison, 2022, ca)]}
    did_rate = (rate["f", 2022] - rate["f", 2020]) - (rate["c", 2022] - rate["c", 2020])
    (row,) = query(wh, """
        SELECT funded_municipalities, funded_before, funded_after, comparison_municipalities,
               comparison_before, comparison_after, did_pct_points, did_rate_per_100k
        FROM marts.program_evaluation('ilustrativo', DATE '2020-01-01', DATE '2020-12-01',
                                      DATE '2022-01-01', DATE '2022-12-01')
        WHERE indicator = 'homicidio_doloso'""")
    assert row[:6] == (len(funded), fb, fa, len(comparison), cb, ca)
    assert row[6] == pytest.approx(did)
    assert row[7] == pytest.approx(did_rate, rel=1e-6)


def test_report_spending_says_it_like_the_statement(program_workspace, monkeypatch):
    use_paths(monkeypatch, program_workspace / "raw",
              program_workspace / "warehouse" / "seguridad.duckdb")
    rows = fixture_rows()
    total = sum(Decimal(r["monto_pesos"]) for r in rows)
    people = sum(int(r["beneficiarios"]) for r in rows)
    out = run_cli("report", "spending", "--program", "ilustrativo", "--lang", "en")
    assert out.returncode == 0, out.stderr
    first = out.stdout.splitlines()[0]
    assert first == (f"An investment of {total / Decimal(1e6):,.1f} million pesos in 9 polygons "
                     f"of 4 municipalities reached {people:,} beneficiaries (ilustrativo, "
                     "2021-2022; beneficiaries summed over years and components).")
    assert "Intentional homicide:" in out.stdout and "points." in out.stdout
    # every file behind a number: the spending file, the crime file, the populations and
    # the price index of the real pesos
    sources = {line.split(" (")[0].removeprefix("source: ").rsplit("/", 1)[-1]
               for line in out.stdout.splitlines() if line.startswith("source: ")}
    assert sources == {PROGRAM.name, SLICE.name, MUNICIPAL_POPULATION.name,
                       "conapo2023_pob_ent_gender_1950_2070.csv", INPC.name}, out.stdout
    shipped = json.loads(run_cli("report", "spending", "--program", "ilustrativo",
                                 "--format", "json").stdout)["sources"]
    sha = {s["file"].rsplit("/", 1)[-1]: s["sha256"] for s in shipped}
    assert sha[PROGRAM.name] == hashlib.sha256(PROGRAM.read_bytes()).hexdigest()


def test_program_municipalities_are_a_geography(program_workspace, monkeypatch):
    use_paths(monkeypatch, program_workspace / "raw",
              program_workspace / "warehouse" / "seguridad.duckdb")
    slice_rows = read_csv_rows(SLICE, "utf-8")
    funded = {r["clave_municipio"] for r in fixture_rows()}
    for geo, members in (("programa_ilustrativo", funded),
                         ("zm_leon", {"11020", "11037", "11031", "11025"})):
        out = run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo", geo,
                      "--current", "2022-01:2022-12", "--baseline", "2020-01:2020-12",
                      "--format", "csv", "--measure", "rate")
        assert out.returncode == 0, out.stderr
        (row,) = list(csv.DictReader(out.stdout.splitlines()))
        assert int(row["current_count"]) == _homicides(slice_rows, members, 2022)
        assert row["population_vintage"] == "conapo_municipal"


def test_the_same_program_as_a_workbook(empty_workspace, tmp_path):
    with open(PROGRAM, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    typed = [rows[0]] + [[r[0], int(r[1]), int(r[2]), r[3], int(r[4]), r[5], r[6], r[7], r[8],
                          float(r[9]), int(r[10])] for r in rows[1:]]
    book = write_xlsx(tmp_path / "gasto_programa_ILUSTRATIVO.xlsx", typed)
    state = ingest_flow([str(PROGRAM), str(book)], return_state=True)
    assert state.is_completed(), state.message
    wh = empty_workspace / "warehouse" / "seguridad.duckdb"
    by_file = query(wh, """
        SELECT r.encoding, sum(p.amount_mxn), count(*) FROM core.program_spending AS p
        JOIN ops.raw_files AS r USING (file_sha256) GROUP BY ALL ORDER BY 1""")
    assert len(by_file) == 2 and by_file[0][1:] == by_file[1][1:]  # same rows, both formats
    assert {b[0] for b in by_file} == {"utf-8", "xlsx"}


@pytest.mark.parametrize("column,value,words", [
    ("clave_municipio", "6001", "is not a municipality of the row's state"),
    ("monto_pesos", "-5000", "is not in the expected form"),
    ("beneficiarios", "12.5", "is not a whole number of people"),
    ("clave_poligono", "11007-P01", "is the id of a polygon of another municipality"),
])
def test_a_bad_program_file_is_rejected(empty_workspace, column, value, words):
    rows = fixture_rows()
    rows[3][column] = value
    bad = empty_workspace / "gasto_malo.csv"
    with open(bad, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run = ingest_flow([str(bad)], return_state=True).result(raise_on_failure=False)
    (outcome,) = run.outcomes
    assert outcome.status == "rejected"
    assert f"row 5, column {column}: '{value}' {words}" in outcome.message


def test_real_pesos_with_a_price_index(empty_workspace, tmp_path):
    """An INPC file (illustrative index values) turns nominal pesos into pesos of its last
    complete year."""
    inpc = tmp_path / "inpc_ILUSTRATIVO.csv"
    inpc.write_text("fecha,inpc\n" + "".join(
        f"{y}-{m:02d},{100 + (y - 2021) * 12 + m}\n" for y in (2021, 2022) for m in range(1, 13)),
        encoding="utf-8")
    state = ingest_flow([str(PROGRAM), str(inpc)], return_state=True)
    assert state.is_completed(), state.message
    wh = empty_workspace / "warehouse" / "seguridad.duckdb"
    (amount, real, basis), = query(wh, """
        SELECT amount_mxn, amount_real_mxn, price_basis FROM marts.spending_yearly
        WHERE program = 'ilustrativo' AND geo_level = 'national' AND fiscal_year = 2021""")
    mean = {y: sum(100 + (y - 2021) * 12 + m for m in range(1, 13)) / 12 for y in (2021, 2022)}
    assert basis == "real, pesos of 2022 (INPC)"
    assert float(real) == pytest.approx(float(amount) * mean[2022] / mean[2021], abs=0.01)
