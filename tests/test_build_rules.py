"""The data rules run at every build (warehouse/sql/checks/build/), the reference tables are
validated by their pandera models when a build reads them, and ARCHITECTURE.md's recipe "add
an indicator" works as written: rows in two CSVs, then `seguridad refresh`."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import REPO, RNID_2026_FILE, add_revised_cut, query, read_csv_rows, run_cli
from flows.refresh import refresh_flow
from seguridad.warehouse import build as warehouse
from seguridad.warehouse import reference as warehouse_reference


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def reference(tmp_path, monkeypatch) -> Path:
    """A private copy of schemas/reference/ that the builds of this test read."""
    copy = tmp_path / "reference"
    shutil.copytree(REPO / "schemas" / "reference", copy)
    monkeypatch.setattr(warehouse_reference, "REFERENCE_DIR", copy)
    return copy


def append(path: Path, line: str) -> None:
    with open(path, "a", encoding="utf-8", newline="") as f:
        f.write(line + "\n")


# What each rule exists to catch, done to a copy of the shipped warehouse (victims, both
# catalogues, groups): the statement that breaks the data, and a word of the failing rows.
BREAKS = {
    "victims_add_up": (
        "UPDATE marts.victims_monthly SET value = value + 1 WHERE sex = 'Mujer' "
        "AND age_group = 'Total' AND geo_code = '14' AND indicator = 'homicidio_doloso' "
        "AND month = DATE '2024-06-01'", "14"),
    "series_never_mix": (
        "UPDATE marts.indicator_monthly SET series = 'rnid_2026' WHERE geo_code = '09' "
        "AND indicator = 'secuestro' AND series = 'cnsp_2015' AND month = DATE '2016-05-01'",
        "09"),
    "groups_sum_their_states": (
        "UPDATE marts.indicator_monthly SET value = value + 1 WHERE geo_level = 'state' "
        "AND geo_code = '02' AND indicator = 'secuestro' AND series = 'cnsp_2015' "
        "AND month = DATE '2016-05-01'", "frontera_norte"),
    "crosswalk_matches_catalogue": (
        "INSERT INTO core.crime_crosswalk (indicator, series, bien_juridico, tipo, subtipo, "
        "modalidad) VALUES ('homicidio_doloso', 'cnsp_2015', '%', 'Homicidoo', '%', '%')",
        "Homicidoo"),
    "crosswalk_keys_known": (
        "INSERT INTO core.crime_crosswalk (indicator, series, bien_juridico, tipo, subtipo, "
        "modalidad) VALUES ('homicidios', 'cnsp_2015', '%', 'Homicidio', '%', '%')",
        "homicidios"),
    # issue 21: the indicators check-claims may read victims of are known indicators
    "verdict_rules_known": (
        "UPDATE core.verdict_rule SET value = value || ' homicidios' "
        "WHERE rule = 'victims_indicators'", "homicidios"),
}


@pytest.fixture(scope="module")
def breakable(shipped_warehouse, tmp_path_factory):
    """A writable copy of the shipped warehouse; each test breaks it inside a transaction
    that it rolls back."""
    import duckdb

    copy = tmp_path_factory.mktemp("rules") / "seguridad.duckdb"
    shutil.copyfile(shipped_warehouse, copy)
    con = duckdb.connect(str(copy))
    yield con
    con.close()


def test_every_rule_is_tested_here():
    assert set(BREAKS) == {p.stem for p in warehouse.RULES_DIR.glob("*.sql")}


@pytest.mark.parametrize("rule", BREAKS)
def test_each_rule_finds_what_it_exists_to_catch(breakable, rule):
    """The builds of the shipped files pass every rule (seal() runs them; a failing rule
    refuses the build): here each rule is shown to fail on the mistake it names."""
    statement, word = BREAKS[rule]
    breakable.execute("BEGIN TRANSACTION")
    try:
        assert warehouse.rule_failures(breakable) == {}  # whole before
        breakable.execute(statement)
        failed = warehouse.rule_failures(breakable)
    finally:
        breakable.execute("ROLLBACK")
    assert rule in failed, failed
    count, rows = failed[rule]
    assert count >= 1 and any(word in str(row.values()) for row in rows), rows


def test_a_crosswalk_rule_matching_no_catalogue_row_stops_the_build(small_workspace, reference):
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    before = sha(wh)
    append(reference / "crime_crosswalk.csv",
           "homicidio_doloso,rnid_2026,%,Homicidoo,Homicidio doloso,%,a typo")
    # no new file: the reference data changed, so the refresh rebuilds the marts
    state = refresh_flow(report=False, return_state=True)
    assert state.is_failed()
    assert "la regla crosswalk_matches_catalogue falló en 1 fila(s)" in state.message
    assert "tipo=Homicidoo" in state.message and "no se publicó nada" in state.message
    assert sha(wh) == before


def test_a_build_whose_nation_is_not_the_sum_of_its_states_is_refused(small_workspace,
                                                                      monkeypatch):
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    before = sha(wh)
    derive = warehouse.derive

    def derive_with_a_bug(con, settings):  # what a mistake in a mart's SQL would do
        derive(con, settings)
        con.execute("UPDATE marts.indicator_monthly SET value = value + 1 "
                    "WHERE geo_level = 'national' AND indicator = 'secuestro' "
                    "AND series = 'rnid_2026' AND month = DATE '2026-02-01'")

    monkeypatch.setattr(warehouse, "derive", derive_with_a_bug)
    add_revised_cut(small_workspace)
    state = refresh_flow(report=False, return_state=True)
    assert state.is_failed()
    assert "la regla groups_sum_their_states falló en 1 fila(s)" in state.message
    assert "geo_code=00" in state.message and "indicator=secuestro" in state.message
    assert sha(wh) == before
    assert "ops.raw_files" not in state.message  # says what broke, not where it is stored


def test_a_reference_row_breaking_its_model_stops_the_build(small_workspace, reference):
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    before = sha(wh)
    append(reference / "indicators.csv", "Narco Menudeo,Narcomenudeo,Drug dealing,carpetas,x")
    state = refresh_flow(report=False, return_state=True)
    assert state.is_failed()
    assert str(reference / "indicators.csv") in state.message
    rows = len((reference / "indicators.csv").read_text(encoding="utf-8").splitlines())
    assert f"row {rows}" in state.message and "Narco Menudeo" in state.message
    assert sha(wh) == before


def test_recipe_add_an_indicator(small_workspace, reference):
    """ARCHITECTURE.md, "Add an indicator": one row in indicators.csv, its crosswalk rows,
    then a refresh (nothing new to load: the marts are rebuilt because the reference data
    changed). The new indicator's national count is the raw file's own sum."""
    append(reference / "indicators.csv",
           "narcomenudeo,Narcomenudeo,Retail drug dealing,carpetas,Every narcomenudeo row.")
    append(reference / "crime_crosswalk.csv",
           "narcomenudeo,cnsp_2015,%,Narcomenudeo,%,%,")
    append(reference / "crime_crosswalk.csv",
           "narcomenudeo,rnid_2026,%,Narcomenudeo,%,%,")
    state = refresh_flow(report=False, return_state=True)
    assert state.is_completed(), state.message
    assert any("datos de referencia" in n for n in state.result().notes)
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    rows = read_csv_rows(RNID_2026_FILE, "latin-1")
    expected = sum(int(r["Marzo"]) for r in rows if r["Tipo de delito"] == "Narcomenudeo")
    assert expected > 0
    assert query(wh, "SELECT value FROM marts.indicator_monthly WHERE indicator = "
                     "'narcomenudeo' AND geo_level = 'national' AND series = 'rnid_2026' "
                     "AND month = DATE '2026-03-01'") == [(expected,)]
    result = run_cli("report", "compare", "--indicator", "narcomenudeo", "--geo", "national",
                     "--current", "2026-03:2026-03", "--baseline", "2026-02:2026-02",
                     "--format", "json")
    assert result.returncode == 0, result.stderr
    assert str(expected) in result.stdout
    again = refresh_flow(report=False, return_state=True)  # the same reference: nothing to rebuild
    assert again.is_completed() and not again.result().published


# Issue 25: the checks generated from warehouse/sql/tables.toml. Each kind of check is shown
# to fail on the mistake it names, on a copy of the shipped warehouse, inside a transaction.
GRAIN_BREAKS = {
    "marts.indicator_monthly unique": (
        "INSERT INTO marts.indicator_monthly SELECT * FROM marts.indicator_monthly "
        "WHERE geo_code = '14' AND indicator = 'secuestro' AND month = DATE '2016-05-01'",
        "geo_code=14"),
    "marts.indicator_monthly not_null:cut_date": (
        "UPDATE marts.indicator_monthly SET cut_date = NULL WHERE geo_code = '31' "
        "AND indicator = 'secuestro' AND month = DATE '2016-05-01'", "geo_code=31"),
    "marts.standard_changes accepted:preset": (
        "UPDATE marts.standard_changes SET preset = 'anual' WHERE rowid = (SELECT min(rowid) "
        "FROM marts.standard_changes)", "preset=anual"),
    "marts.indicator_monthly references:indicator": (
        "UPDATE marts.indicator_monthly SET indicator = 'homicidios' WHERE geo_code = '09' "
        "AND indicator = 'secuestro' AND month = DATE '2016-05-01'", "indicator=homicidios"),
}


@pytest.mark.parametrize("check", GRAIN_BREAKS)
def test_each_declared_grain_check_finds_its_mistake(breakable, check):
    from seguridad.warehouse import grain

    statement, word = GRAIN_BREAKS[check]
    table = grain.registry()[check.split()[0]]
    breakable.execute("BEGIN TRANSACTION")
    try:
        assert grain.failures(breakable, {table.name: table}) == {}  # whole before
        breakable.execute(statement)
        failed = grain.failures(breakable, {table.name: table})
    finally:
        breakable.execute("ROLLBACK")
    assert check in failed, failed
    count, examples = failed[check]
    assert count >= 1 and any(word in e for e in examples), examples


def test_every_declared_grain_holds_on_the_shipped_and_small_warehouses(shipped_warehouse,
                                                                        small_warehouse):
    """The builds check tables (seal); views are checked here, on both warehouses."""
    import duckdb

    from seguridad.warehouse import grain

    for path in (shipped_warehouse, small_warehouse):
        with duckdb.connect(str(path), read_only=True) as con:
            assert grain.failures(con) == {}, path


def test_a_build_that_breaks_a_declared_grain_publishes_nothing(small_workspace, monkeypatch):
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    before = sha(wh)
    derive = warehouse.derive

    def derive_twice(con, settings):  # a join that fans out would do this
        derive(con, settings)
        con.execute("INSERT INTO marts.geo SELECT * FROM marts.geo WHERE geo_code = '09'")

    monkeypatch.setattr(warehouse, "derive", derive_twice)
    add_revised_cut(small_workspace)
    state = refresh_flow(report=False, return_state=True)
    assert state.is_failed()
    assert "la tabla marts.geo rompe lo que declara warehouse/sql/tables.toml (unique)" \
        in state.message
    assert "geo_code=09" in state.message and "no se publicó nada" in state.message
    assert sha(wh) == before


def test_a_build_out_of_memory_says_how_much_to_give_and_publishes_nothing(small_workspace,
                                                                          monkeypatch):
    """Not every DuckDB operator spills: a build that runs out of its memory budget is one
    clear line naming the budget and the setting, and the published warehouse is untouched
    (issue 24: a full municipal file beside the state files needs ~3GB; measured in
    benchmarks/RESULTS.md, here DuckDB's own exception is raised where the marts run)."""
    import duckdb

    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    before = sha(wh)
    run_step = warehouse.run_step

    def marts_out_of_memory(con, step, *args, **kwargs):
        if step == "marts":
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")
        run_step(con, step, *args, **kwargs)

    monkeypatch.setattr(warehouse, "run_step", marts_out_of_memory)
    add_revised_cut(small_workspace)
    state = refresh_flow(report=False, return_state=True)
    assert state.is_failed()
    assert "se quedó sin memoria con el presupuesto de DuckDB de 700MB" in state.message
    assert "SEGURIDAD_MEMORY_LIMIT=3GB" in state.message
    assert sha(wh) == before
