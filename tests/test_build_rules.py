"""The data rules run at every build (warehouse/sql/checks/build/), the reference tables are
validated by their pandera models when a build reads them, and ARCHITECTURE.md's recipe "add
an indicator" works as written: rows in two CSVs, then `seguridad refresh`."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import MONTHS, NM_FILE, REPO, add_revised_cut, query, read_csv_rows, run_cli
from flows.refresh import refresh_flow
from seguridad import warehouse


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def reference(tmp_path, monkeypatch) -> Path:
    """A private copy of schemas/reference/ that the builds of this test read."""
    copy = tmp_path / "reference"
    shutil.copytree(REPO / "schemas" / "reference", copy)
    monkeypatch.setattr(warehouse, "REFERENCE_DIR", copy)
    return copy


def append(path: Path, line: str) -> None:
    with open(path, "a", encoding="utf-8", newline="") as f:
        f.write(line + "\n")


def test_every_rule_passes_on_the_shipped_warehouse_and_is_not_empty(shipped_warehouse):
    import duckdb

    rules = sorted(p.stem for p in warehouse.RULES_DIR.glob("*.sql"))
    assert {"victims_add_up", "series_never_mix", "groups_sum_their_states",
            "crosswalk_matches_catalogue", "crosswalk_keys_known"} <= set(rules)
    con = duckdb.connect(str(shipped_warehouse), read_only=True)
    try:
        assert warehouse.rule_failures(con) == {}
        # each rule reads real rows: the group sums compare thousands of group-months
        (pairs,), = con.execute("SELECT count(*) FROM marts.indicator_monthly "
                                "WHERE geo_level IN ('group', 'national')").fetchall()
        assert pairs > 1000
    finally:
        con.close()


def test_a_crosswalk_rule_matching_no_catalogue_row_stops_the_build(workspace, reference):
    wh = workspace / "warehouse" / "seguridad.duckdb"
    before = sha(wh)
    append(reference / "crime_crosswalk.csv",
           "homicidio_doloso,cnsp_2015,%,Homicidoo,Homicidio doloso,%,a typo")
    # no new file: the reference data changed, so the refresh rebuilds the marts
    state = refresh_flow(return_state=True)
    assert state.is_failed()
    assert "rule crosswalk_matches_catalogue failed on 1 row(s)" in state.message
    assert "tipo=Homicidoo" in state.message and "nothing was published" in state.message
    assert sha(wh) == before


def test_a_build_whose_nation_is_not_the_sum_of_its_states_is_refused(workspace, monkeypatch):
    wh = workspace / "warehouse" / "seguridad.duckdb"
    before = sha(wh)
    derive = warehouse.derive

    def derive_with_a_bug(con, settings):  # what a mistake in a mart's SQL would do
        derive(con, settings)
        con.execute("UPDATE marts.indicator_monthly SET value = value + 1 "
                    "WHERE geo_level = 'national' AND indicator = 'secuestro' "
                    "AND series = 'cnsp_2015' AND month = DATE '2016-05-01'")

    monkeypatch.setattr(warehouse, "derive", derive_with_a_bug)
    add_revised_cut(workspace)
    state = refresh_flow(return_state=True)
    assert state.is_failed()
    assert "rule groups_sum_their_states failed on 1 row(s)" in state.message
    assert "geo_code=00" in state.message and "indicator=secuestro" in state.message
    assert sha(wh) == before
    assert "ops.raw_files" not in state.message  # says what broke, not where it is stored


def test_a_reference_row_breaking_its_model_stops_the_build(workspace, reference):
    wh = workspace / "warehouse" / "seguridad.duckdb"
    before = sha(wh)
    append(reference / "indicators.csv", "Narco Menudeo,Narcomenudeo,Drug dealing,carpetas,x")
    state = refresh_flow(return_state=True)
    assert state.is_failed()
    assert str(reference / "indicators.csv") in state.message
    rows = len((reference / "indicators.csv").read_text(encoding="utf-8").splitlines())
    assert f"row {rows}" in state.message and "Narco Menudeo" in state.message
    assert sha(wh) == before


def test_recipe_add_an_indicator(workspace, reference):
    """ARCHITECTURE.md, "Add an indicator": one row in indicators.csv, its crosswalk rows,
    then a refresh (nothing new to load: the marts are rebuilt because the reference data
    changed). The new indicator's national count is the raw file's own sum."""
    append(reference / "indicators.csv",
           "narcomenudeo,Narcomenudeo,Retail drug dealing,carpetas,Every narcomenudeo row.")
    append(reference / "crime_crosswalk.csv",
           "narcomenudeo,cnsp_2015,%,Narcomenudeo,%,%,")
    append(reference / "crime_crosswalk.csv",
           "narcomenudeo,rnid_2026,%,Narcomenudeo,%,%,")
    state = refresh_flow(return_state=True)
    assert state.is_completed(), state.message
    assert any("datos de referencia" in n for n in state.result().notes)
    wh = workspace / "warehouse" / "seguridad.duckdb"
    nm = read_csv_rows(NM_FILE, "latin-1")
    expected = sum(int(r[MONTHS[10]]) for r in nm
                   if r["Año"] == "2024" and r["Tipo de delito"] == "Narcomenudeo")
    assert expected > 0
    assert query(wh, "SELECT value FROM marts.indicator_monthly WHERE indicator = "
                     "'narcomenudeo' AND geo_level = 'national' AND series = 'cnsp_2015' "
                     "AND month = DATE '2024-11-01'") == [(expected,)]
    result = run_cli("report", "compare", "--indicator", "narcomenudeo", "--geo", "national",
                     "--current", "2024-11:2024-11", "--baseline", "2023-11:2023-11",
                     "--format", "json")
    assert result.returncode == 0, result.stderr
    assert str(expected) in result.stdout
    again = refresh_flow(return_state=True)  # the same reference: nothing to rebuild
    assert again.is_completed() and not again.result().published
