"""The Parquet lake (`seguridad export`, and the refresh's step when SEGURIDAD_LAKE is set):
every exported table read back by DuckDB, and by Apache Spark where Java and pyspark are
installed (.ci/run installs them), gives the warehouse's own rows and totals; publications
swap in whole."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import run_cli
from seguridad import lake

NUMERIC = ("BIGINT", "INTEGER", "DOUBLE", "HUGEINT", "UBIGINT", "SMALLINT")


@pytest.fixture(scope="module")
def exported(shipped_warehouse, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lake") / "lake"
    mp = pytest.MonkeyPatch()
    mp.setenv("SEGURIDAD_WAREHOUSE", str(shipped_warehouse))
    try:
        result = run_cli("export", "--to", str(root))
    finally:
        mp.undo()
    assert result.returncode == 0, result.stderr
    assert "exportadas" in result.stdout
    return root


def totals_sql(source: str, columns: list[dict]) -> str:
    """count(*), the sum of every numeric column, distinct sources and the date range: what
    must agree between the warehouse and any engine reading the lake."""
    parts = ["count(*)"]
    for c in columns:
        if c["type"] == "DOUBLE":  # summed in another order: equal to the last few digits
            parts.append(f'round(sum("{c["name"]}"), 3)')
        elif c["type"] in NUMERIC or c["type"].startswith("DECIMAL"):
            parts.append(f'sum("{c["name"]}")')
        elif c["type"] == "DATE":
            parts.append(f'min("{c["name"]}")')
            parts.append(f'max("{c["name"]}")')
        elif c["name"] == "file_sha256":
            parts.append('count(DISTINCT "file_sha256")')
    return f"SELECT {', '.join(parts)} FROM {source}"


def test_every_table_reads_back_in_duckdb_with_the_warehouse_totals(exported,
                                                                     shipped_warehouse):
    manifest = json.loads((exported / "current" / "_manifest.json").read_text("utf-8"))
    names = [t["table"] for t in manifest["tables"]]
    assert "marts.indicator_monthly" in names and "core.crime_state_monthly" in names
    wh = duckdb.connect(str(shipped_warehouse), read_only=True)
    try:
        marts = {f"marts.{n}" for (n,) in wh.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()}
        assert marts <= set(names)
        checked_rows = 0
        for t in manifest["tables"]:
            cols = [c for c in t["columns"] if not (c["name"] == "year"
                                                    and "year" in t["partition_by"]
                                                    and "(a partition column)" in
                                                    (c["description"] or ""))]
            glob = str(exported / "current" / t["path"] / "**" / "*.parquet")
            lake_source = f"read_parquet('{glob}', hive_partitioning = true)"
            assert (wh.execute(totals_sql(t["table"], cols)).fetchall()
                    == wh.execute(totals_sql(lake_source, cols)).fetchall()), t["table"]
            (rows,), = wh.execute(f"SELECT count(*) FROM {t['table']}").fetchall()
            assert t["rows"] == rows
            checked_rows += rows
            # names and types as in the warehouse (partition columns come last)
            described = dict(wh.execute(f"SELECT column_name, column_type FROM (DESCRIBE "
                                        f"SELECT * FROM {lake_source})").fetchall())
            for c in cols:
                if c["name"] not in t["partition_by"]:
                    assert described[c["name"]] == c["type"], (t["table"], c["name"])
        assert checked_rows > 1_000_000
        shas = {s for (s,) in wh.execute("SELECT file_sha256 FROM ops.raw_files WHERE status "
                                         "IN ('loaded', 'superseded')").fetchall()}
        assert {s["sha256"] for s in manifest["sources"]} == shas
        (built,), = wh.execute("SELECT value FROM ops.meta WHERE key = 'built_at'").fetchall()
        assert manifest["warehouse"]["built_at"] == built
    finally:
        wh.close()


def test_partitions_dates_and_descriptions_travel_with_the_files(exported):
    table = exported / "current" / "marts" / "indicator_monthly"
    assert sorted(p.name for p in table.iterdir()) == ["series=cieisp_1997", "series=cnsp_2015",
                                                       "series=rnid_2026"]
    assert (table / "series=cnsp_2015" / "year=2024").is_dir()
    one = next((table / "series=cnsp_2015" / "year=2024").glob("*.parquet"))
    con = duckdb.connect()
    kv = {k.decode(): v.decode() for k, v in con.execute(
        "SELECT key, value FROM parquet_kv_metadata(?)", [str(one)]).fetchall()}
    assert kv["seguridad.table"] == "marts.indicator_monthly"
    assert "never zero" in kv["seguridad.comment"]
    assert "Annualised" in json.loads(kv["seguridad.columns"])["rate_per_100k"]
    (kind,), = con.execute("SELECT type FROM parquet_schema(?) WHERE name = 'month'",
                           [str(one)]).fetchall()
    assert kind == "INT32"  # a DATE (logical type date), not a timestamp or text
    (codec,), = con.execute("SELECT DISTINCT compression FROM parquet_metadata(?)",
                            [str(one)]).fetchall()
    assert codec == "ZSTD"


def test_a_new_publication_swaps_in_whole_and_a_failed_one_changes_nothing(
        shipped_warehouse, tmp_path, monkeypatch):
    root = tmp_path / "lake"
    con = duckdb.connect(str(shipped_warehouse), read_only=True)
    try:
        first = lake.export(con, root, ["marts.geo", "marts.indicator_monthly"])
        assert (root / "current").resolve().name == first["publication"]

        real = lake._export_table
        calls = []

        def dies_half_way(*args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise OSError("No space left on device")
            return real(*args, **kwargs)

        monkeypatch.setattr(lake, "_export_table", dies_half_way)
        with pytest.raises(OSError):
            lake.export(con, root, ["marts.geo", "marts.indicator_monthly"])
        monkeypatch.undo()
        assert (root / "current").resolve().name == first["publication"]
        assert [p.name for p in (root / "publications").iterdir()] == [first["publication"]]

        second = lake.export(con, root, ["marts.geo"])
        assert (root / "current").resolve().name == second["publication"]
        assert (root / "publications" / first["publication"] / "_manifest.json").exists()
        assert lake.export_if_stale(con, root) is None  # same build: nothing to do
    finally:
        con.close()


def test_the_nightly_refresh_exports_when_the_lake_is_set(small_workspace, monkeypatch):
    from flows.refresh import refresh_flow

    root = small_workspace / "lake"
    monkeypatch.setenv("SEGURIDAD_LAKE", str(root))
    run = refresh_flow(report=False)  # nothing new, but no lake yet: it is exported
    assert any("lago: la publicación" in n for n in run.notes)
    first = (root / "current").resolve().name
    again = refresh_flow(report=False)
    assert not any("lake" in n for n in again.notes)
    assert (root / "current").resolve().name == first


def test_unknown_tables_are_refused_by_name(shipped_warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("SEGURIDAD_WAREHOUSE", str(shipped_warehouse))
    result = run_cli("export", "--to", str(tmp_path / "l"), "--tables",
                     "marts.geo,marts.x'); COPY (SELECT 1) TO '/tmp/pwn")
    assert result.returncode == 1
    assert "no existe esa tabla en el almacén: marts.x'); COPY" in result.stderr
    assert not (tmp_path / "l" / "current").exists()


# .ci/run installs pyspark apart from the project's environment (pip install --target), so
# that no other process imports it: pandera imports pyspark.pandas whenever it can, which
# costs every command a fraction of a second and a FutureWarning under pandas 3.
SPARK_SITE = Path(__file__).resolve().parent.parent / ".venv" / "spark"


def _spark_or_skip():
    if shutil.which("java") is None:
        pytest.skip("Apache Spark needs Java (17): not found on this machine")
    if SPARK_SITE.is_dir() and str(SPARK_SITE) not in sys.path:
        sys.path.append(str(SPARK_SITE))
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.skip("pyspark is not installed (.ci/run installs it: pip install --target "
                    ".venv/spark pyspark)")
    from pyspark.sql import SparkSession

    return (SparkSession.builder.master("local[1]").appName("seguridad-lake-test")
            .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
            .config("spark.driver.memory", "1g").getOrCreate())


@pytest.mark.slow  # Apache Spark
def test_spark_reads_every_table_with_the_warehouse_totals(exported, shipped_warehouse):
    spark = _spark_or_skip()
    from pyspark.sql import functions as F

    manifest = json.loads((exported / "current" / "_manifest.json").read_text("utf-8"))
    wh = duckdb.connect(str(shipped_warehouse), read_only=True)
    try:
        for t in manifest["tables"]:
            if not t["rows"]:
                continue
            frame = spark.read.parquet(str(exported / "current" / t["path"]))
            numeric = [c["name"] for c in t["columns"] if c["type"] in ("BIGINT", "DOUBLE")
                       and c["name"] not in t["partition_by"]][:3]
            types = {c["name"]: c["type"] for c in t["columns"]}
            sums = [F.sum(F.col(c).cast("decimal(38,0)")) if types[c] == "BIGINT" else F.sum(c)
                    for c in numeric]  # Spark sums BIGINT into BIGINT; DuckDB into HUGEINT
            got = frame.agg(F.count(F.lit(1)), *sums).collect()[0]
            expected = wh.execute("SELECT count(*)" + "".join(f', sum("{c}")' for c in numeric)
                                  + f" FROM {t['table']}").fetchall()[0]
            for g, e in zip(got, expected, strict=True):
                if isinstance(e, float):
                    assert g == pytest.approx(e, rel=1e-9), t["table"]
                else:
                    assert (int(g) if g is not None else None) == e, t["table"]
            if "series" in t["partition_by"]:
                series = {r[0] for r in frame.select("series").distinct().collect()}
                assert series == {s for (s,) in wh.execute(
                    f"SELECT DISTINCT series FROM {t['table']}").fetchall()}
    finally:
        wh.close()
