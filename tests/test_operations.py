"""Production faults: writers killed at any point, two writers at once, analysts reading
through refreshes and backfills, backfills run twice, rollbacks."""

from __future__ import annotations

import hashlib
import os
import re
import select
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from conftest import add_revised_cut, query, run_cli
from flows.refresh import refresh_flow
from seguridad import config
from seguridad.warehouse import build as warehouse


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def marts_fingerprint(wh: Path) -> str:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.execute("""
            SELECT md5(string_agg(concat_ws('|', month, series, geo_code, indicator, value,
                                            file_sha256), ',' ORDER BY ALL))
            FROM marts.indicator_monthly""").fetchall()[0][0]
    finally:
        con.close()


def raw_file_count(wh: Path) -> int:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM ops.raw_files").fetchall()[0][0]
    finally:
        con.close()


@pytest.mark.slow  # a SIGKILL, three times
@pytest.mark.parametrize("point", ["after-first-file", "before-publish", "after-publish"])
def test_a_refresh_killed_anywhere_leaves_the_warehouse_whole_and_the_next_run_recovers(
        small_workspace, point, monkeypatch):
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    add_revised_cut(small_workspace)  # work to do
    before, files_before = sha(wh), raw_file_count(wh)
    monkeypatch.setenv("SEGURIDAD_FAULT_POINT", point)
    killed = run_cli("refresh", "--no-report", cwd=small_workspace)
    assert killed.returncode == -9, killed.stderr  # SIGKILL: no cleanup ran
    if point == "after-publish":
        assert raw_file_count(wh) == files_before + 1  # published whole, report not written
    else:
        assert sha(wh) == before  # not a byte changed
    monkeypatch.delenv("SEGURIDAD_FAULT_POINT")
    rerun = run_cli("refresh", "--no-report", cwd=small_workspace)
    assert rerun.returncode == 0, rerun.stderr
    assert "candado" in rerun.stderr  # the stale lock, cleared
    assert raw_file_count(wh) == files_before + 1
    assert not any((small_workspace / "warehouse" / ".build").iterdir())
    status = run_cli("status", cwd=small_workspace).stdout
    assert "interrumpida" in status  # the killed run


def test_a_second_writer_waits_and_then_says_why_it_gave_up(small_workspace, monkeypatch):
    settings = config.settings()
    monkeypatch.setenv("SEGURIDAD_LOCK_WAIT", "1")
    with warehouse.writer_lock(settings):
        result = run_cli("refresh", "--no-report", cwd=small_workspace)
    assert result.returncode == 1
    assert "Otra actualización o reconstrucción está escribiendo el almacén" in result.stderr
    assert "Traceback" not in result.stderr  # a message for the user, not a bug report


def test_two_refreshes_started_together_do_not_both_write(small_workspace):
    add_revised_cut(small_workspace)
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value())
    procs = [subprocess.Popen([sys.executable, "-m", "seguridad", "refresh", "--no-report"],
                              cwd=small_workspace,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    loaded = [out for out, _ in outputs if "1 cargado," in out]
    assert len(loaded) == 1  # one loaded the new file; the other waited, then found it known
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    con = duckdb.connect(str(wh), read_only=True)
    runs = con.execute("SELECT started_at, finished_at FROM ops.runs "
                       "WHERE command = 'refresh' ORDER BY finished_at DESC LIMIT 2").fetchall()
    con.close()
    assert len(runs) == 2


READER = textwrap.dedent("""
    import sys, time, duckdb
    path, stop = sys.argv[1], sys.argv[2]
    import os
    reads = errors = 0
    builds = set()
    while not os.path.exists(stop):
        try:
            con = duckdb.connect(path, read_only=True)
            (rows,), = con.execute("SELECT count(*) FROM marts.indicator_monthly").fetchall()
            (meta,), = con.execute(
                "SELECT value FROM ops.meta WHERE key = 'marts_rows'").fetchall()
            (built,), = con.execute(
                "SELECT value FROM ops.meta WHERE key = 'built_at'").fetchall()
            con.close()
            if int(meta) != rows:
                print("PARTIAL", rows, meta, flush=True)
            if built not in builds:
                print("BUILD", built, flush=True)
            builds.add(built)
            reads += 1
        except Exception as e:
            errors += 1
            print("ERROR", type(e).__name__, e, flush=True)
        time.sleep(0.05)
    print("READS", reads, "ERRORS", errors, "BUILDS", len(builds), flush=True)
""")


def _until_a_build(reader: subprocess.Popen, seen: list[str], timeout: float = 120) -> None:
    """Read the reader's lines until it reports a build it had not seen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([reader.stdout], [], [], deadline - time.monotonic())
        if not ready:
            break
        line = reader.stdout.readline()
        seen.append(line)
        if line.startswith("BUILD "):
            return
    raise AssertionError(f"the reader saw no new build: {seen}")


def test_readers_never_wait_err_or_see_half_a_build(small_workspace, tmp_path):
    """A reader polling the published file through a refresh and a backfill never errs,
    never waits and never sees a half-built warehouse; it sees the build before, the one the
    refresh published, then the backfill's (each awaited before the next writer starts)."""
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(wh), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    seen: list[str] = []
    add_revised_cut(small_workspace)
    try:
        _until_a_build(reader, seen)  # the warehouse as it was
        refresh = run_cli("refresh", "--no-report", cwd=small_workspace)
        assert refresh.returncode == 0, refresh.stderr
        _until_a_build(reader, seen)
        backfill = run_cli("backfill", "--from", "2026-01", "--to", "2026-02",
                           cwd=small_workspace)
        assert backfill.returncode == 0, backfill.stderr
        _until_a_build(reader, seen)
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=60)
    lines = seen + out.splitlines()
    assert not [x for x in lines if x.startswith(("ERROR", "PARTIAL"))], lines
    assert lines[-1].startswith("READS") and lines[-1].split()[-1] == "3", lines


def test_a_backfill_is_idempotent_and_changes_nothing_that_was_right(workspace):
    # 2014-2015: both crime catalogues, victims, population (yearly), Ramo 33 and the Cuenta
    # Pública (fiscal years), and the INPC
    wh = workspace / "warehouse" / "seguridad.duckdb"
    spending = """SELECT md5(string_agg(concat_ws('|', COLUMNS(*)), ',' ORDER BY ALL))
                  FROM marts.spending_yearly"""
    before, spending_before = marts_fingerprint(wh), query(wh, spending)
    dry = run_cli("backfill", "--from", "2014-01", "--to", "2015-12", "--dry-run",
                  cwd=workspace)
    assert dry.returncode == 0 and "Simulación: no se escribió nada." in dry.stdout
    assert "core.crime_state_monthly" in dry.stdout and "corte 2024-11" in dry.stdout
    assert re.search(r"ramo33 +sin corte +cargado +2014 \.\. 2014 +-> core.spending_yearly",
                     dry.stdout), dry.stdout
    untouched = sha(wh)
    result = run_cli("backfill", "--from", "2014-01", "--to", "2015-12", cwd=workspace)
    assert result.returncode == 0, result.stderr
    assert "Reconstrucción terminada: 12 archivos reconstruidos" in result.stdout
    assert marts_fingerprint(wh) == before and sha(wh) != untouched  # rebuilt, same numbers
    assert query(wh, spending) == spending_before


def test_rollback_puts_the_previous_warehouse_back(small_workspace, monkeypatch):
    monkeypatch.setenv("SEGURIDAD_SNAPSHOTS", "1")  # one quiet night could push it out
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    before = marts_fingerprint(wh)
    add_revised_cut(small_workspace, "revisado.csv")
    files = raw_file_count(wh)
    assert refresh_flow(report=False, return_state=True).is_completed()
    assert raw_file_count(wh) == files + 1
    # a quiet night publishes no data and keeps no snapshot that would push this one out
    assert refresh_flow(report=False, return_state=True).is_completed()
    rolled = run_cli("rollback", cwd=small_workspace)
    assert rolled.returncode == 0, rolled.stderr
    assert "Se restituyó el almacén" in rolled.stdout
    con = duckdb.connect(str(wh), read_only=True)
    names = [n for (n,) in con.execute("SELECT file_name FROM ops.raw_files").fetchall()]
    con.close()
    assert not any(n.endswith("revisado.csv") for n in names)
    assert marts_fingerprint(wh) == before
    again = run_cli("rollback", cwd=small_workspace)  # nothing further back
    assert again.returncode == 1 and "No hay un almacén publicado anterior" in again.stderr
    after = run_cli("refresh", "--no-report", cwd=small_workspace)
    assert after.returncode == 0 and "candado" not in after.stderr  # it did not die
