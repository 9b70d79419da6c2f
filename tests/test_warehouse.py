"""The warehouse as analysts see it: documented marts, series kept apart, groups that add up,
and readers that never see half a build."""

from __future__ import annotations

import re
import shutil

import duckdb
import pytest

from conftest import CONAPO_2010, CONAPO_2023, read_csv_rows, run_cli, use_paths
from seguridad import config
from seguridad.errors import WarehouseBusy
from seguridad.warehouse import build as warehouse


@pytest.fixture
def con(shipped_warehouse):
    c = duckdb.connect(str(shipped_warehouse), read_only=True)
    yield c
    c.close()


def test_marts_are_documented(con):
    (table_comment,), = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE schema_name = 'marts' "
        "AND table_name = 'indicator_monthly'").fetchall()
    assert "never zero" in table_comment
    columns = con.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = 'marts' "
        "AND table_name = 'indicator_monthly'").fetchall()
    required = {"month", "series", "geo_level", "geo_code", "geo_name", "indicator", "value",
                "population", "rate_per_100k"}
    assert required <= {c for c, _ in columns}
    assert all(comment for _, comment in columns)


def test_every_mart_is_documented(con):
    undocumented = con.execute("""
        SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' AND comment IS NULL
        UNION ALL
        SELECT view_name FROM duckdb_views() WHERE schema_name = 'marts' AND comment IS NULL
        UNION ALL
        SELECT table_name || '.' || column_name FROM duckdb_columns()
        WHERE schema_name = 'marts' AND comment IS NULL
    """).fetchall()
    assert undocumented == []


def test_published_file_opens_in_duckdb_1_4(con):
    (tags,), = con.execute("SELECT tags FROM duckdb_databases() "
                           "WHERE database_name = current_database()").fetchall()
    assert tags["storage_version"].startswith("v1.4.0")


def test_both_catalogues_cover_2015_2017(con):
    """The old catalogue (to December 2017) and the 2015 one overlap for three years, each
    kept as its own series (the build's rule series_never_mix keeps them apart)."""
    rows = con.execute("""
        SELECT series, count(DISTINCT month) FROM marts.indicator_monthly
        WHERE month BETWEEN DATE '2015-01-01' AND DATE '2017-12-01'
          AND indicator = 'homicidio_doloso' AND geo_level = 'national' GROUP BY 1 ORDER BY 1
    """).fetchall()
    assert rows == [("cieisp_1997", 36), ("cnsp_2015", 36)]


def test_both_population_vintages_as_the_raw_files_give_them(con):
    """CONAPO 2010 has no national row: the nation is the sum of its states' mid-year
    figures. CONAPO 2023 publishes its own national row, kept as published."""
    y2010 = [r for r in read_csv_rows(CONAPO_2010, "utf-8") if r["Year"] == "2015"]
    y2023 = [r for r in read_csv_rows(CONAPO_2023, "utf-8")
             if r["n_year"] == "2015" and r["genero"] == "Total"]
    expected = {"conapo_2010": sum(int(r["Total"]) for r in y2010),
                "conapo_2023": next(int(r["pob_mid_year"]) for r in y2023
                                    if r["cve_ent"] == "00")}
    rows = dict(con.execute(
        "SELECT vintage, population_mid_year FROM core.population_yearly "
        "WHERE geo_level = 'national' AND sex = 'total' AND year = 2015").fetchall())
    assert rows == expected


def test_a_rate_needs_a_population_of_the_same_members(con):
    """core.with_population, the one join of values to populations: the northern border's
    population (CONAPO 2023, read here from the states the reference file lists) is given to
    a value that adds up all six states, and to none that misses one; a row without a
    population sex (one age band) gets none either."""
    members = [c for (c,) in con.execute(
        "SELECT state_code FROM core.geo_member WHERE geo_level = 'group' "
        "AND geo_code = 'frontera_norte'").fetchall()]
    assert len(members) == 6
    (expected,), = con.execute(
        "SELECT round(sum(population)) FROM core.population_monthly WHERE vintage = "
        "'conapo_2023' AND sex = 'total' AND month = DATE '2020-06-01' AND geo_level = 'state' "
        "AND list_contains(?, geo_code)", [members]).fetchall()
    con.execute("""
        CREATE TEMP TABLE some_values AS
        SELECT * FROM (VALUES ('all six', 6, 'total'), ('one missing', 5, 'total'),
                              ('one age band', 6, NULL))
            AS t(label, states, population_sex),
            (SELECT 'group' AS geo_level, 'frontera_norte' AS geo_code,
                    DATE '2020-06-01' AS month, 100 AS value)""")
    rows = dict(con.execute(
        "SELECT label, population FROM core.with_population('some_values', 'conapo_2023')"
    ).fetchall())
    assert rows == {"all six": expected, "one missing": None, "one age band": None}
    assert expected > 10_000_000


def test_status_names_the_cut_behind_every_series(shipped_warehouse, monkeypatch):
    use_paths(monkeypatch, shipped_warehouse.parent.parent / "raw", shipped_warehouse)
    result = run_cli("status")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()

    def line(dataset: str, series: str) -> str:
        found = [x for x in lines if re.match(rf"\s+{re.escape(dataset)}\s+"
                                              rf"{re.escape(series)}\s", x)]
        assert len(found) == 1, result.stdout
        return found[0]

    # the cuts the shipped files' names give (estatal_..._nov2024, _mar2026, ..._nov2025),
    # each dataset and series in words (Spanish by default), not by its key
    state, cnsp = "incidencia delictiva estatal", "metodología 2015 (CNSP/38/15)"
    assert re.search(r"2015-01 \.\. 2024-11 +corte 2024-11 ", line(state, cnsp))
    assert re.search(r"2026-01 \.\. 2026-03 +corte 2026-03 ", line(state, "catálogo 2026 (RNID)"))
    assert "corte 2025-11" in line("incidencia delictiva municipal", cnsp)
    assert re.search(r"1997-01 \.\. 2017-12 +corte 2017-12 ",
                     line(state, "metodología anterior (CIEISP)"))
    # yearly data: years, and no publication cut to name
    assert re.search(r"1990 \.\. 2030 +proyección ",
                     line("población estatal proyectada", "CONAPO 2010"))
    assert re.search(r"1998 \.\. 2014 +sin corte ",
                     line("Ramo 33 por estado", "SHCP, vía México Evalúa"))
    assert "cnsp_2015" not in result.stdout and "crime_state" not in result.stdout
    english = run_cli("--lang", "en", "status").stdout
    assert re.search(r"state crime counts +the 2026 catalogue \(RNID\) +2026-01 \.\. 2026-03 "
                     r"+cut 2026-03 ", english), english


def test_reader_keeps_its_snapshot_during_a_build_and_never_errs(small_workspace):
    settings = config.settings()
    reader = duckdb.connect(str(settings.warehouse_path), read_only=True)
    (before,), = reader.execute("SELECT count(*) FROM ops.runs").fetchall()
    with warehouse.build(settings) as b:
        b.con.execute("DELETE FROM marts.indicator_monthly")  # a half-done build
        assert reader.execute("SELECT count(*) FROM marts.indicator_monthly").fetchall()[0][0] > 0
        b.con.execute("INSERT INTO ops.runs (run_id, command, started_at, status) "
                      "VALUES ('t', 'test', now(), 'completed')")
        b.publish()
    assert reader.execute("SELECT count(*) FROM ops.runs").fetchall() == [(before,)]
    reader.close()
    fresh = duckdb.connect(str(settings.warehouse_path), read_only=True)
    assert fresh.execute("SELECT count(*) FROM ops.runs").fetchall() == [(before + 1,)]
    fresh.close()
    assert not list(settings.build_dir.glob("build-*"))


def test_a_failed_build_publishes_nothing(small_workspace):
    settings = config.settings()
    before = settings.warehouse_path.read_bytes()
    with pytest.raises(RuntimeError), warehouse.build(settings) as b:
        b.con.execute("DELETE FROM marts.indicator_monthly")
        raise RuntimeError("boom")
    assert settings.warehouse_path.read_bytes() == before
    assert not list(settings.build_dir.glob("build-*"))


def test_a_second_writer_waits_then_gives_up_with_a_clear_message(small_workspace):
    settings = config.settings()
    with warehouse.writer_lock(settings), pytest.raises(WarehouseBusy) as err, \
            warehouse.writer_lock(settings, wait_s=0.5):
        pass
    assert "Otra actualización o reconstrucción está escribiendo" in str(err.value)


def test_leftovers_of_a_dead_writer_are_cleaned_by_the_next(small_workspace):
    settings = config.settings()
    settings.build_dir.mkdir(exist_ok=True)
    dead = settings.build_dir / "build-999999.1.duckdb"
    shutil.copyfile(settings.warehouse_path, dead)
    (settings.build_dir / "spill").mkdir()
    with warehouse.build(settings) as b:
        assert not dead.exists() and not (settings.build_dir / "spill").exists()
        assert any("archivo(s) de construcción que dejó" in n for n in b.notes)
