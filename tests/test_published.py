"""The published file and the analysts' SQL (issue 23): `seguridad sql` prints at most 1,000
rows unless told otherwise and says when it cut; a build leaves the published file read-only
on disk with its sha256 recorded beside it; `seguridad status` says when the file was changed
outside a build and points to rollback; builds, rollback and copies still work."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import REPO, add_revised_cut, query, run_cli, use_paths


def cli(*args: str) -> subprocess.CompletedProcess:
    """The real command line, in this process (writing commands too)."""
    from seguridad.cli.app import run

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(args))
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def writable(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


# --- seguridad sql ------------------------------------------------------------------------

ALL_ROWS = "SELECT * FROM marts.indicator_monthly ORDER BY ALL"


def test_sql_prints_at_most_a_thousand_rows_and_says_it_cut(shipped_warehouse, monkeypatch):
    use_paths(monkeypatch, shipped_warehouse.parent.parent / "raw", shipped_warehouse)
    (total,), = query(shipped_warehouse, "SELECT count(*) FROM marts.indicator_monthly")
    assert total > 1000
    table = run_cli("sql", ALL_ROWS)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert len(lines) == 2 + 1000 + 1  # header, rule, rows, count
    assert lines[-1] == "(1,000 filas)"
    assert "1,000" in table.stderr and "--limit 0" in table.stderr
    everything = run_cli("sql", ALL_ROWS, "--limit", "0")
    assert len(everything.stdout.splitlines()) == 2 + total + 1
    assert everything.stderr == ""
    some = run_cli("sql", ALL_ROWS, "--limit", "5", "--format", "csv")
    assert len(some.stdout.splitlines()) == 1 + 5  # the CSV stays data only
    assert "5" in some.stderr and "--limit 0" in some.stderr
    few = run_cli("sql", "SELECT geo_code FROM marts.geo WHERE geo_level = 'state'")
    assert few.stderr == "" and few.stdout.splitlines()[-1] == "(32 filas)"
    english = run_cli("--lang", "en", "sql", ALL_ROWS, "--limit", "3")
    assert english.stdout.splitlines()[-1] == "(3 rows)" and "--limit 0" in english.stderr


# --- the published file on disk -------------------------------------------------------------

def test_a_build_leaves_the_file_read_only_with_its_sha256_recorded(small_workspace):
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    add_revised_cut(small_workspace)
    result = cli("refresh", "--no-report")
    assert result.returncode == 0, result.stderr
    assert not writable(wh)
    record = wh.with_name("seguridad.duckdb.sha256")
    assert record.read_text(encoding="utf-8") == f"{sha256(wh)}  seguridad.duckdb\n"
    status = cli("status")
    assert "sin cambios desde que se publicó" in status.stdout, status.stdout
    assert "AVISO" not in status.stdout
    checked = subprocess.run(["sha256sum", "-c", record.name], cwd=wh.parent,
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr  # what docs/sql.md says


def test_status_says_when_the_file_was_changed_outside_a_build(small_workspace):
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    add_revised_cut(small_workspace)
    assert cli("refresh", "--no-report").returncode == 0
    published = sha256(wh)
    rows = query(wh, "SELECT count(*) FROM marts.indicator_monthly")
    # what a client opened without -readonly does, once the mode is out of its way (root
    # ignores it; anyone else would first have to chmod the file)
    wh.chmod(0o644)
    con = duckdb.connect(str(wh))
    con.execute("DELETE FROM marts.indicator_monthly WHERE geo_level = 'state'")
    con.close()
    assert sha256(wh) != published
    status = cli("status")
    assert status.returncode == 0
    assert "AVISO: el archivo publicado cambió fuera de una construcción" in status.stdout
    assert published[:12] in status.stdout and "seguridad rollback" in status.stdout
    english = cli("--lang", "en", "status")
    assert "WARNING: the published file was changed outside a build" in english.stdout
    back = cli("rollback")
    assert back.returncode == 0, back.stderr
    after = cli("status")
    assert "AVISO" not in after.stdout and "sin cambios desde que se publicó" in after.stdout
    assert not writable(wh)
    assert query(wh, "SELECT count(*) FROM marts.indicator_monthly") != [(0,)]
    assert rows  # the rolled-back warehouse is whole again, the edited one is gone


def test_a_touch_is_not_a_change(small_workspace):
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    add_revised_cut(small_workspace)
    assert cli("refresh", "--no-report").returncode == 0
    os.utime(wh)  # a backup tool, a copy that kept the bytes
    status = cli("status")
    assert "sin cambios desde que se publicó" in status.stdout and "AVISO" not in status.stdout


def test_copies_of_a_read_only_warehouse_still_build(small_workspace, tmp_path):
    """A copy that keeps the file mode (cp -p, shutil.copy2, copytree) is read-only too; a
    build works on its own writable copy and replaces the file by a rename."""
    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    add_revised_cut(small_workspace)
    assert cli("refresh", "--no-report").returncode == 0
    copy = tmp_path / "copia"
    shutil.copytree(small_workspace, copy)
    copied = copy / "warehouse" / "seguridad.duckdb"
    assert not writable(copied)
    mp = pytest.MonkeyPatch()
    use_paths(mp, copy / "raw", copied)
    try:
        add_revised_cut(copy, "estatal_RNID_2026_mar2026_rev2.csv")
        assert cli("refresh", "--no-report").returncode == 0
        assert "sin cambios desde que se publicó" in cli("status").stdout
    finally:
        mp.undo()
    assert not writable(wh) and sha256(wh) != sha256(copied)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="runs a user without root's override of file modes")
@pytest.mark.slow  # processes of their own, as another user of the machine
def test_for_a_user_who_is_not_root_the_mode_protects_and_builds_still_work(small_workspace):
    """The tests run as root, whom file modes do not stop. A user of the machine (nobody),
    owning a copy of the small_workspace: a DuckDB client opened for writing is refused, a
    read-only one reads, and a refresh and a rollback still publish."""
    import tempfile

    from prefect.settings import PREFECT_API_URL

    home = Path(tempfile.mkdtemp(prefix="seguridad-nobody-"))  # pytest's folders are root's
    request_cleanup = contextlib.ExitStack()
    request_cleanup.callback(shutil.rmtree, home, True)
    with request_cleanup:
        _as_nobody(small_workspace, home, PREFECT_API_URL.value())


def _as_nobody(small_workspace: Path, home: Path, api_url: str | None) -> None:
    shutil.copytree(small_workspace, home / "ws")
    home.chmod(0o755)
    wh = home / "ws" / "warehouse" / "seguridad.duckdb"
    add_revised_cut(home / "ws")
    later = add_revised_cut(home / "ws", "estatal_RNID_2026_mar2026_rev2.csv")
    later = later.rename(home / later.name)  # lands after the first build, new bytes:
    later.write_bytes(later.read_bytes().replace(b"\n", b"\r\n"))
    (home / "prefect").mkdir()
    subprocess.run(["chown", "-R", "65534:65534", str(home)], check=True)
    env = {**os.environ, "SEGURIDAD_RAW": str(home / "ws" / "raw"),
           "SEGURIDAD_WAREHOUSE": str(wh), "PREFECT_HOME": str(home / "prefect"),
           "HOME": str(home)}
    if api_url:
        env["PREFECT_API_URL"] = api_url
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*as_nobody, *args], capture_output=True, text=True, env=env,
                              cwd=home, timeout=300)

    refresh = run(sys.executable, "-m", "seguridad", "refresh", "--no-report")
    assert refresh.returncode == 0, refresh.stderr
    assert not writable(wh)
    write = run(sys.executable, "-c", f"import duckdb; duckdb.connect({str(wh)!r})")
    assert write.returncode != 0 and "Permission denied" in write.stderr
    read = run(sys.executable, "-c", f"import duckdb; print(duckdb.connect({str(wh)!r}, "
                                     "read_only=True).execute('SELECT 1').fetchall()[0][0])")
    assert read.returncode == 0 and read.stdout.strip() == "1", read.stderr
    assert run("cp", str(later), str(home / "ws" / "raw")).returncode == 0
    again = run(sys.executable, "-m", "seguridad", "refresh", "--no-report")
    assert again.returncode == 0, again.stderr  # a build over a read-only published file
    assert "1 cargado" in again.stdout and not writable(wh)
    back = run(sys.executable, "-m", "seguridad", "rollback")
    assert back.returncode == 0, back.stderr
    status = run(sys.executable, "-m", "seguridad", "status")
    assert "sin cambios desde que se publicó" in status.stdout, status.stdout + status.stderr


def test_the_docs_tell_analysts_to_open_it_read_only():
    page = (REPO / "docs" / "sql.md").read_text(encoding="utf-8")
    assert "pip install duckdb-cli" in page
    assert "duckdb -readonly warehouse/seguridad.duckdb" in page
    assert "--limit 0" in page and "seguridad rollback" in page
