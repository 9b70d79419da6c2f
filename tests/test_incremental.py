"""A build makes the monthly population again only when what it is made from changed
(seguridad/warehouse/incremental.py), and skips setup when its objects were made from exactly
these files: what it keeps is what making it again would give."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from conftest import CONAPO_2010, REPO, add_revised_cut, copy_of, query, read_csv_rows
from flows.refresh import refresh_flow
from seguridad.config import DEFAULT_POPULATION_VINTAGE, SQL_DIR
from seguridad.db import run_sql_file
from seguridad.warehouse import incremental

POPULATION = [SQL_DIR / "core" / "30_population_monthly.sql",
              SQL_DIR / "core" / "32_geo_population_monthly.sql"]
TABLES = ["core.population_monthly", "core.geo_population_monthly", "core.population_chosen"]


@pytest.fixture
def ran(monkeypatch) -> list[str]:
    """The SQL files the builds of the test run (step/name)."""
    names: list[str] = []
    real = incremental.run_sql_file

    def spy(con, path, *args, **kwargs):
        names.append(f"{path.parent.name}/{path.name}")
        return real(con, path, *args, **kwargs)

    monkeypatch.setattr(incremental, "run_sql_file", spy)
    return names


def made_again(wh, tmp_path) -> dict[str, int]:
    """Rows that differ, both ways, between each population table of `wh` and the table its
    SQL file makes when run again on a copy."""
    copy = tmp_path / "again.duckdb"
    shutil.copyfile(wh, copy)
    copy.chmod(0o644)
    con = duckdb.connect(str(copy))
    try:
        con.execute("SET VARIABLE population_vintage = ?", [DEFAULT_POPULATION_VINTAGE])
        for table in TABLES:
            con.execute(f"CREATE TEMP TABLE kept_{table.split('.')[1]} AS FROM {table}")
        for path in POPULATION:
            run_sql_file(con, path)
        return {table: con.execute(
            f"SELECT count(*) FROM ((FROM {table} EXCEPT ALL FROM kept_{table.split('.')[1]}) "
            f"UNION ALL (FROM kept_{table.split('.')[1]} EXCEPT ALL FROM {table}))").fetchone()[0]
            for table in TABLES}
    finally:
        con.close()


def test_a_crime_cut_keeps_the_population_and_it_is_what_making_it_again_gives(
        small_workspace, ran, tmp_path):
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    add_revised_cut(small_workspace)
    assert refresh_flow(report=False, return_state=True).is_completed()
    assert "marts/20_indicator_monthly.sql" in ran  # the marts were made again
    assert not {"core/30_population_monthly.sql", "core/32_geo_population_monthly.sql"} & set(ran)
    assert not {f"schema/{p.name}" for p in (SQL_DIR / "schema").glob("*.sql")} & set(ran)
    assert made_again(wh, tmp_path) == {table: 0 for table in TABLES}


def test_a_new_population_file_makes_it_again(small_workspace, ran, tmp_path):
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    assert query(wh, "SELECT count(*) FROM core.population_monthly "
                     "WHERE vintage = 'conapo_2010'") == [(0,)]
    shutil.copy(CONAPO_2010, small_workspace / "raw" / "conapo" / CONAPO_2010.name)
    assert refresh_flow(report=False, return_state=True).is_completed()
    assert {"core/30_population_monthly.sql", "core/32_geo_population_monthly.sql"} <= set(ran)
    rows = read_csv_rows(CONAPO_2010, "utf-8")  # a month of each year, its states and the
    years, places = {r["Year"] for r in rows}, {r["StateCode"] for r in rows} | {"0"}  # nation
    assert query(wh, "SELECT count(*) FROM core.population_monthly WHERE vintage = "
                     "'conapo_2010'") == [(len(years) * 12 * len(places) * 3,)]  # 3 sexes
    assert made_again(wh, tmp_path) == {table: 0 for table in TABLES}


def test_the_fingerprint_follows_every_row_it_reads(small_warehouse, tmp_path):
    raw, wh = copy_of(small_warehouse, tmp_path)
    wh.chmod(0o644)
    con = duckdb.connect(str(wh))
    try:
        before = [incremental.fingerprint(con, path) for path in POPULATION]
        assert None not in before
        con.execute("UPDATE core.population_yearly SET population_mid_year = "
                    "population_mid_year + 1 WHERE rowid = (SELECT max(rowid) "
                    "FROM core.population_yearly)")
        assert incremental.fingerprint(con, POPULATION[0]) != before[0]
        assert incremental.fingerprint(con, POPULATION[1]) == before[1]  # not made yet
    finally:
        con.close()


def test_the_header_lists_what_the_file_reads():
    assert incremental.header_names(POPULATION[0], "Reads:") == [
        "core.current_population_years", "core.population_yearly"]
    assert incremental.header_names(POPULATION[1], "Creates:") == [
        "core.geo_population_monthly", "core.population_chosen"]
    assert all((REPO / "warehouse" / "sql" / name).exists()
               for name in incremental.UNLESS_CHANGED)


def test_rates_divide_by_the_vintage_where_it_has_the_geography(shipped_warehouse):
    """core.population_for, for the build's vintage (chosen once, core.population_chosen) and
    for any other, gives each geography, sex and month the row of that vintage where it has
    one, else the municipal projections': the choice made again here, over every geography
    and sex of three years (one before the municipal projections begin)."""
    years = [1985, 2020, 2035]
    con = duckdb.connect(str(shipped_warehouse), read_only=True)
    try:
        assert con.execute("SELECT DISTINCT chosen_for FROM core.population_chosen"
                           ).fetchall() == [(DEFAULT_POPULATION_VINTAGE,)]
        for vintage in ("conapo_2023", "conapo_2010", "conapo_1900"):  # chosen, other, none
            expected, got = con.execute("""
                WITH expected AS (
                    SELECT * FROM core.geo_population_monthly AS g
                    WHERE year(month) IN $years AND (vintage = $v OR (
                        vintage = 'conapo_municipal' AND NOT EXISTS (
                            SELECT 1 FROM core.geo_population_monthly AS o
                            WHERE o.vintage = $v AND (o.geo_level, o.geo_code, o.sex, o.month)
                                = (g.geo_level, g.geo_code, g.sex, g.month)))))
                SELECT count(*), sum(hash(e)), list(DISTINCT vintage ORDER BY vintage)
                FROM expected AS e
                UNION ALL
                SELECT count(*), sum(hash(p)), list(DISTINCT vintage ORDER BY vintage)
                FROM core.population_for($v) AS p WHERE year(month) IN $years""",
                {"v": vintage, "years": years}).fetchall()
            assert got == expected and got[0] > 50_000, vintage
            assert got[2] == sorted({vintage, "conapo_municipal"} - {"conapo_1900"})
    finally:
        con.close()


def test_a_large_table_is_checked_again_only_when_its_rows_changed(shipped_warehouse, tmp_path,
                                                                   monkeypatch):
    from seguridad.errors import BuildRefused
    from seguridad.warehouse import grain, rules

    checked: list[set[str]] = []
    real = grain.failures
    monkeypatch.setattr(grain, "failures", lambda con, tables=None, views=True: (
        checked.append(set(tables or {})), real(con, tables, views))[1])
    wh = tmp_path / "copy.duckdb"
    shutil.copyfile(shipped_warehouse, wh)
    wh.chmod(0o644)
    con = duckdb.connect(str(wh))
    try:
        (rows,), = con.execute("SELECT count(*) FROM core.crime_state_monthly").fetchall()
        assert rows >= incremental.LARGE
        rules.check_rules(con)  # as the build that published it left it: passes, not re-checked
        assert "core.crime_state_monthly" not in checked[-1] and "marts.geo" in checked[-1]
        con.execute("INSERT INTO core.crime_state_monthly "
                    "SELECT * FROM core.crime_state_monthly LIMIT 1")  # a key twice
        with pytest.raises(BuildRefused, match="core.crime_state_monthly"):
            rules.check_rules(con)
        assert "core.crime_state_monthly" in checked[-1]
    finally:
        con.close()
