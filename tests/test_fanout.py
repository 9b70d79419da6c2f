"""Loads that fan out over a Dask cluster (`--workers 2`): each file is checked and staged by
a worker, the one writer loads them in order. The warehouse must be the one the serial path
builds, table by table (EXCEPT ALL both ways), rejections and their quarantine included."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from benchmarks.municipal import generate_cut
from conftest import MUNICIPAL_SLICE, TEST_DATA, query, rnid_2026_landing_zone, run_cli, use_paths
from seguridad.intake import fanout

RNID_JAN = TEST_DATA / "estatal_RNID_2026_ene2026.csv"
RNID_FEB = TEST_DATA / "estatal_RNID_2026_feb2026.csv"


def _landing_zone(raw: Path) -> None:
    """Three real cuts of one series, a population file, the municipal slice, the January
    cut again under another name (same bytes), and the February cut with one count damaged."""
    rnid_2026_landing_zone(raw)
    shutil.copy(MUNICIPAL_SLICE, raw / "sesnsp" / MUNICIPAL_SLICE.name)
    shutil.copy(RNID_JAN, raw / "sesnsp" / "copia_estatal_enero.csv")
    lines = RNID_FEB.read_bytes().split(b"\n")
    fields = lines[1200].split(b",")
    fields[8] = b"1O"  # a letter O typed for a zero: not a count
    lines[1200] = b",".join(fields)
    (raw / "sesnsp" / "estatal_RNID_2026_feb2026_dañado.csv").write_bytes(b"\n".join(lines))


def _refresh(root: Path, raw: Path, monkeypatch, *extra: str):
    wh = root / "warehouse" / "seguridad.duckdb"
    use_paths(monkeypatch, raw, wh)
    return wh, run_cli("refresh", "--full", "--no-report", *extra)


@pytest.mark.slow  # a Dask cluster
def test_two_workers_build_the_serial_warehouse(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    _landing_zone(raw)
    serial_wh, serial = _refresh(tmp_path / "serial", raw, monkeypatch)
    fanned_wh, fanned = _refresh(tmp_path / "fanned", raw, monkeypatch, "--workers", "2")
    # One file rejected, so both exit 1, with the same words for every file.
    assert (serial.returncode, fanned.returncode) == (1, 1), fanned.stderr[-3000:]
    took = re.compile(r" Tiempo: \d+\.\d s\.")  # the summary's time taken differs
    assert took.sub("", fanned.stdout) == took.sub("", serial.stdout).replace(
        str(serial_wh), str(fanned_wh))
    assert "RECHAZADO" in fanned.stderr and "'1O'" in fanned.stderr
    # The copy is known from earlier in the same run, before the marts are rebuilt: it is
    # the newest January, so loaded (ops.raw_files needs no build to say so).
    assert re.search(r"los mismos bytes que [^)]*copia_estatal_enero\.csv\): cargado, "
                     r"corte 2026-01", fanned.stdout), fanned.stdout
    assert fanout.differences(serial_wh, fanned_wh) == {}
    # ... and they did load something: the three cuts (two of them superseded by March), the
    # slice, the population; and the damaged file was refused.
    assert query(fanned_wh, "SELECT status, count(*) FROM ops.raw_files GROUP BY ALL "
                            "ORDER BY ALL") == [("loaded", 3), ("rejected", 1),
                                                ("superseded", 2)]
    assert query(fanned_wh, "SELECT count(*) FROM ops.quarantine") == \
        query(serial_wh, "SELECT count(*) FROM ops.quarantine") != [(0,)]
    assert not (fanned_wh.parent / ".build" / "staged").exists()  # nothing left staged
    # The comparison can fail: one count changed is one row each way, in its table only.
    fanned_wh.chmod(0o644)  # a build leaves it read-only; this test damages it on purpose
    con = duckdb.connect(str(fanned_wh))
    changed = con.execute("UPDATE core.crime_state_monthly SET value = value + 1 WHERE rowid = "
                          "(SELECT min(rowid) FROM core.crime_state_monthly "
                          "WHERE value IS NOT NULL)").fetchall()
    con.close()
    assert changed == [(1,)]
    assert fanout.differences(serial_wh, fanned_wh) == {"core.crime_state_monthly": (1, 1)}


@pytest.fixture(scope="module")
def municipal_cuts(tmp_path_factory) -> Path:
    """Two cuts (October and November 2025) of a municipal file in the SESNSP's full format,
    Aguascalientes and Colima, 2024-2025 (benchmarks/municipal.py)."""
    raw = tmp_path_factory.mktemp("municipal") / "raw"
    raw.mkdir()
    for month in (10, 11):
        generate_cut(raw, 2025, month, first_year=2024, states={"01", "06"})
    return raw


@pytest.mark.slow  # a Dask cluster
def test_a_backfill_over_two_workers_equals_the_serial_one(tmp_path, monkeypatch,
                                                          municipal_cuts):
    base, built = _refresh(tmp_path / "base", municipal_cuts, monkeypatch)
    assert built.returncode == 0, built.stderr[-2000:]
    results = {}
    for name, extra in (("serial", ()), ("fanned", ("--workers", "2"))):
        wh = tmp_path / name / "warehouse" / "seguridad.duckdb"
        wh.parent.mkdir(parents=True)
        shutil.copyfile(base, wh)
        use_paths(monkeypatch, municipal_cuts, wh)
        done = run_cli("backfill", "--from", "2024-06", "--to", "2025-11", "--dataset",
                       "crime_municipal", *extra)
        assert done.returncode == 0, done.stderr[-2000:]
        results[name] = wh
        assert not (wh.parent / ".build" / "staged").exists()
    assert fanout.differences(results["serial"], results["fanned"]) == {}
    # Rebuilding months from the same files changes none of the newest values (the files
    # arrived newest first, so the base stored the older cut's cells apart; the backfill, in
    # cut order, stores them once per value).
    newest = ("SELECT municipality_code, crime_id, month, value "
              "FROM core.crime_municipal_cells WHERE is_newest")
    con = duckdb.connect()
    con.execute("ATTACH ? AS base (READ_ONLY)", [str(base)])
    con.execute("ATTACH ? AS fanned (READ_ONLY)", [str(results["fanned"])])
    for a, b in (("base", "fanned"), ("fanned", "base")):
        assert con.execute(f"SELECT count(*) FROM ({newest.replace('core.', a + '.core.')} "
                           f"EXCEPT ALL {newest.replace('core.', b + '.core.')})"
                           ).fetchall() == [(0,)]
    assert query(base, f"SELECT count(*) FROM ({newest})") == [(2058 * 23,)]


def test_a_worker_that_dies_is_a_clear_error_not_a_rejection():
    """A worker killed by its cluster (memory, a lost connection) says which file and what to
    do; it is not the file's fault, so it is not recorded against the file."""
    from flows.ingest_tasks import staged_result
    from seguridad.errors import SeguridadError

    class Lost:
        def result(self):
            raise RuntimeError("Worker exceeded 95% memory budget. Restarting")

    with pytest.raises(SeguridadError) as e:
        staged_result(Lost(), "raw/IDM_NM_nov25.csv")
    assert "raw/IDM_NM_nov25.csv: falló el proceso que revisaba este archivo" in str(e.value)
    assert "--workers 1" in str(e.value) and "no se publicó nada" in str(e.value)
