"""Municipal files: the real Guanajuato slice, and files in the SESNSP's full municipal
format written by benchmarks/municipal.py, validated in batches across their whole length."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from benchmarks.municipal import generate
from conftest import MONTHS, MUNICIPAL_SLICE, query, read_csv_rows, run_cli, use_paths
from flows.ingest import ingest_flow
from seguridad.intake import checking


def test_guanajuato_slice_gives_municipal_homicides(shipped_warehouse):
    rows = read_csv_rows(MUNICIPAL_SLICE, "utf-8")
    # The slice was re-saved by pandas: Diciembre holds floats like '1.0' in 2020-2024.
    assert rows[0]["Diciembre"].endswith(".0")
    leon_2024_05 = sum(int(r["Mayo"]) for r in rows if r["Cve. Municipio"] == "11020"
                       and r["Año"] == "2024" and r["Subtipo de delito"] == "Homicidio doloso")
    leon_2023_12 = sum(int(float(r["Diciembre"])) for r in rows if r["Cve. Municipio"] == "11020"
                       and r["Año"] == "2023" and r["Subtipo de delito"] == "Homicidio doloso")
    got = dict(query(shipped_warehouse, """
        SELECT month, value FROM marts.indicator_monthly WHERE geo_level = 'municipality'
        AND geo_code = '11020' AND indicator = 'homicidio_doloso'
        AND month IN (DATE '2024-05-01', DATE '2023-12-01')"""))
    assert [got[k] for k in sorted(got)] == [leon_2023_12, leon_2024_05]
    # The slice only has homicide rows: indicators it does not fully cover are left out.
    indicators = {i for (i,) in query(shipped_warehouse, """
        SELECT DISTINCT indicator FROM marts.indicator_monthly
        WHERE geo_level = 'municipality'""")}
    assert indicators == {"homicidio_doloso"}
    names = dict(query(shipped_warehouse, "SELECT geo_code, geo_name FROM marts.geo "
                                          "WHERE geo_level = 'municipality'"))
    assert len(names) >= 2_400 and names["11020"] == "León, Guanajuato"


def test_compare_a_municipality(shipped_warehouse, monkeypatch):
    use_paths(monkeypatch, shipped_warehouse.parent.parent / "raw", shipped_warehouse)
    rows = read_csv_rows(MUNICIPAL_SLICE, "utf-8")

    def total(year):
        return sum(int(float(r[m])) for r in rows for m in MONTHS[:11]
                   if r["Cve. Municipio"] == "11020" and r["Año"] == year
                   and r["Subtipo de delito"] == "Homicidio doloso")

    result = run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo", "11020",
                     "--current", "2025-01:2025-11", "--baseline", "2024-01:2024-11",
                     "--format", "csv", "--measure", "rate")
    assert result.returncode == 0, result.stderr
    (row,) = list(csv.DictReader(result.stdout.splitlines()))
    assert (int(row["current_count"]), int(row["baseline_count"])) == (total("2025"),
                                                                      total("2024"))
    assert row["population_vintage"] == "conapo_municipal" and row["geo_name"] == \
        "León, Guanajuato"
    asked = run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo", "11020",
                    "--current", "2025-01:2025-11", "--baseline", "2024-01:2024-11",
                    "--format", "csv", "--measure", "rate", "--population-vintage",
                    "conapo_2010", "--lang", "en")
    (other,) = list(csv.DictReader(asked.stdout.splitlines()))
    assert other["current_value"] == row["current_value"]  # no 2010 vintage by municipality
    assert "Population conapo_2010 was asked for" in other["notes"]
    by_name = run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo", "León",
                      "--current", "2025-01:2025-11", "--baseline", "2024-01:2024-11",
                      "--format", "csv")
    assert list(csv.DictReader(by_name.stdout.splitlines()))[0]["geo_code"] == "11020"


def test_a_municipal_group_breaks_down_into_its_municipalities(shipped_warehouse, monkeypatch):
    use_paths(monkeypatch, shipped_warehouse.parent.parent / "raw", shipped_warehouse)
    rows = read_csv_rows(MUNICIPAL_SLICE, "utf-8")
    members = {"11020", "11037", "11031", "11025"}  # zm_leon in municipal_groups.csv

    def total(code, year):
        return sum(int(float(r[m])) for r in rows for m in MONTHS[:11]
                   if r["Cve. Municipio"].zfill(5) == code and r["Año"] == year
                   and r["Subtipo de delito"] == "Homicidio doloso")

    result = run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo", "zm_leon",
                     "--current", "2025-01:2025-11", "--baseline", "2024-01:2024-11",
                     "--by", "member", "--format", "csv")
    assert result.returncode == 0, result.stderr
    out = list(csv.DictReader(result.stdout.splitlines()))
    (group,) = [r for r in out if r["role"] == "total"]
    parts = {r["geo_code"]: r for r in out if r["role"] == "member"}
    assert set(parts) == members
    assert {r["geo_level"] for r in parts.values()} == {"municipality"}
    for code, r in parts.items():
        assert (int(r["current_value"]), int(r["baseline_value"])) == (total(code, "2025"),
                                                                      total(code, "2024"))
    assert int(group["current_value"]) == sum(total(c, "2025") for c in members)
    assert sum(float(r["contribution_pp"]) for r in parts.values()) == \
        pytest.approx(float(group["pct_change"]), abs=0.01)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """Aguascalientes and Colima (21 municipalities) x 98 crime rows x 2 years, published to
    November 2025: the real format, Latin-1 and CRLF, 4,116 rows."""
    path = tmp_path_factory.mktemp("municipal") / "IDM_NM_nov25.csv"
    assert generate(path, years=range(2024, 2026), states={"01", "06"}) == 4_116
    return path


def _raw(path: Path) -> list[dict]:
    with open(path, encoding="latin-1", newline="") as f:
        return list(csv.DictReader(f))


def test_generated_municipal_file_in_batches(empty_workspace, generated, monkeypatch):
    monkeypatch.setattr(checking, "BATCH_ROWS", 1_000)  # five batches
    state = ingest_flow([str(generated)], return_state=True)
    assert state.is_completed(), state.message
    wh = empty_workspace / "warehouse" / "seguridad.duckdb"
    rows = _raw(generated)
    assert generated.read_bytes().count(b"\r\n") == 4_117
    expected = sum(int(r["Marzo"]) for r in rows if r["Año"] == "2025")
    (total, munis), = query(wh, """
        SELECT sum(value), count(DISTINCT geo_code) FROM marts.indicator_monthly
        WHERE geo_level = 'municipality' AND indicator = 'delitos_total'
          AND month = DATE '2025-03-01'""")
    assert (total, munis) == (expected, 21)
    (code,), = query(wh, "SELECT min(geo_code) FROM marts.indicator_monthly "
                         "WHERE geo_level = 'municipality'")
    assert code == "01001"  # '1001' in the file, zero-padded to the INEGI code
    assert query(wh, "SELECT count(*) FROM marts.indicator_monthly WHERE geo_level = "
                     "'municipality' AND month = DATE '2025-12-01'") == [(0,)]


def test_a_newer_slice_never_hides_an_older_fuller_file(empty_workspace, tmp_path):
    """The shipped slice (Guanajuato homicides, cut 2025-11) is newer than a full municipal
    file cut in October 2024: the newest cut still wins where both publish, and the full file
    gives everything the slice does not have."""
    full = tmp_path / "IDM_NM_oct24.csv"
    generate(full, years=range(2024, 2025), last_month=10, states={"01", "11"})
    for f in (MUNICIPAL_SLICE, full):  # the slice first, as the shipped landing zone has it
        assert ingest_flow([str(f)], return_state=True).is_completed()
    wh = empty_workspace / "warehouse" / "seguridad.duckdb"
    rows, sliced = _raw(full), read_csv_rows(MUNICIPAL_SLICE, "utf-8")

    def march(source, code, homicides_only):
        return sum(int(float(r["Marzo"])) for r in source
                   if r["Año"] == "2024" and r["Cve. Municipio"].zfill(5) == code
                   and (not homicides_only or r["Subtipo de delito"] == "Homicidio doloso"))

    def mart(code, indicator):
        (value, cut), = query(wh, """
            SELECT value, cut_date FROM marts.indicator_monthly WHERE geo_level =
            'municipality' AND geo_code = ? AND indicator = ? AND month = DATE '2024-03-01'
            """, [code, indicator])
        return value, f"{cut:%Y-%m}"

    assert mart("11020", "homicidio_doloso") == (march(sliced, "11020", True), "2025-11")
    assert mart("11020", "delitos_total") == (march(rows, "11020", False), "2024-10")
    assert mart("01001", "homicidio_doloso") == (march(rows, "01001", True), "2024-10")
    statuses = dict(query(wh, "SELECT cut_date, status FROM ops.raw_files "
                              "WHERE dataset = 'crime_municipal'"))
    assert sorted(statuses.values()) == ["loaded", "loaded"]  # both feed the marts


def _damage(source: Path, target: Path, edits: dict[int, dict[str, str]]) -> Path:
    """Copy a generated file changing cells; rows numbered as a spreadsheet (header = 1)."""
    rows = _raw(source)
    for row, cells in edits.items():
        rows[row - 2].update(cells)
    with open(target, "w", encoding="latin-1", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return target


def test_damage_anywhere_in_a_big_file_is_found_with_its_row(empty_workspace, generated,
                                                             monkeypatch):
    monkeypatch.setattr(checking, "BATCH_ROWS", 1_000)
    rows = _raw(generated)
    bad = _damage(generated, empty_workspace / "IDM_NM_nov25_bad.csv", {
        3_500: {"Abril": "7x"},  # fourth batch
        2_222: {"Cve. Municipio": "6001"},  # a Colima code in an Aguascalientes row
        # A Colima row repeating the key of the row before it (same municipality and crime).
        4_000: {k: rows[4_000 - 3][k] for k in ("Bien jurídico afectado", "Tipo de delito",
                                                "Subtipo de delito", "Modalidad")},
        1_500: {"Junio": ""},  # a blank among published counts
    })
    state = ingest_flow([str(bad)], return_state=True)
    (outcome,) = state.result(raise_on_failure=False).outcomes
    assert outcome.status == "rejected"
    message = outcome.message
    assert "row 3,500, column Abril: '7x' is not a whole number" in message
    assert "row 2,222, column Cve. Municipio: '6001' is not a municipality code" in message
    assert "row 1,500, column Junio: an empty cell is empty although other rows" in message
    assert ("row 3,999, column Cve. Municipio: '2025, 6009, El patrimonio, Extorsión, "
            "Extorsión, Extorsión' the same key (Año, Cve. Municipio") in message  # and 4,000
    assert "fewer crime rows than the rest of its year" in message  # the moved row's wake


def test_municipal_victims_of_2026(empty_workspace, tmp_path, monkeypatch):
    """The municipal victims layout published since 2026 (no public copy here: a generated
    file with illustrative counts, in the real layout and catalogue)."""
    from benchmarks.municipal import generate_victims

    monkeypatch.setattr(checking, "BATCH_ROWS", 2_000)
    path = tmp_path / "RNID-Victimas_Municipal-2026-feb2026.csv"
    n = generate_victims(path, states={"01"})
    state = ingest_flow([str(path)], return_state=True)
    assert state.is_completed(), state.message
    wh = empty_workspace / "warehouse" / "seguridad.duckdb"
    rows = _raw(path)
    assert len(rows) == n
    women_killed = sum(int(r["Febrero"]) for r in rows if r["Cve. Municipio"] == "1001"
                       and r["Subtipo de delito"] == "Feminicidio" and r["Sexo"] == "Mujer")
    young = sum(int(r["Febrero"]) for r in rows if r["Cve. Municipio"] == "1001"
                and r["Subtipo de delito"] == "Homicidio doloso"
                and r["Rango de edad"] == "18 a 29 años")
    got = dict(query(wh, """
        SELECT indicator || '/' || sex || '/' || age_group, value FROM marts.victims_monthly
        WHERE geo_level = 'municipality' AND geo_code = '01001' AND month = DATE '2026-02-01'
          AND ((indicator = 'feminicidio' AND sex = 'Mujer' AND age_group = 'Total')
            OR (indicator = 'homicidio_doloso' AND sex = 'Total'
                AND age_group = '18 a 29 años'))"""))
    assert got == {"feminicidio/Mujer/Total": women_killed,
                   "homicidio_doloso/Total/18 a 29 años": young}
    (series, vintage), = query(wh, """
        SELECT DISTINCT series, population_vintage FROM marts.victims_monthly
        WHERE geo_level = 'municipality' AND sex = 'Total' AND age_group = 'Total'""")
    assert (series, vintage) == ("rnid_2026", None)  # no municipal population loaded here
