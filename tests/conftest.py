"""Shared fixtures. Real files only: the shipped raw/ files and the copies under tests/data/.

Two warehouses are built once per test run and shared by the workers: the shipped one (the
Quick start's) and a small one (three 2026 cuts); a test that writes gets a file copy of one.
A worker starts a test Prefect server only when one of its tests runs a flow; commands run in
the test's own process unless a second process is the point."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent
SHIPPED_RAW = REPO / "raw"
TEST_DATA = REPO / "tests" / "data"
NM_FILE = SHIPPED_RAW / "sesnsp" / "estatal_IDEFC_NM_2015-2024_nov2024.csv"
OLD_FILE = (SHIPPED_RAW / "sesnsp"
            / "IncidenciaDelictiva_FueroComun_Estatal_1997-2017__cp1252_crlf.csv")
OLD_XLSX_FILE = (SHIPPED_RAW / "sesnsp"
                 / "IncidenciaDelictiva_FueroComun_Estatal_1997-Diciembre2014.xlsx")
NM_XLSX_FILE = SHIPPED_RAW / "sesnsp" / "Estatal-Delitos-2015-2021_feb2021.xlsx"
MUNICIPAL_SLICE = (SHIPPED_RAW / "sesnsp"
                   / "municipal_slice_guanajuato_homicidios_2020-2025_nov2025.csv")
MONTHS = ["Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto",
          "Septiembre", "Octubre", "Noviembre", "Diciembre"]  # the month columns, new methodology
VICTIMS_FILE = SHIPPED_RAW / "sesnsp" / "IDVFC_NM_dic24.csv"
RNID_2026_FILE = SHIPPED_RAW / "sesnsp" / "estatal_RNID_2026_mar2026.csv"
OLD_OCT_FILE = TEST_DATA / "IncidenciaDelictiva_FueroComun_Estatal_1997-2017__utf8bom_cr_octcut.csv"
CONAPO_2010 = SHIPPED_RAW / "conapo" / "conapo2010_state-population_1990-2030.csv"
CONAPO_2023 = SHIPPED_RAW / "conapo" / "conapo2023_pob_ent_gender_1950_2070.csv"


# The modules that take longest, longest first. `make test` runs modules on several workers
# (pytest-xdist, a module's tests on one worker), taking them in collection order: starting
# the long ones first leaves no worker running one alone at the end.
LONGEST_FIRST = [
    # a module that needs the shipped warehouse first (its worker builds it), then modules on
    # the small one, so the other worker is busy meanwhile; the slow tier's long ones first
    "test_benchmarks.py", "test_serve.py", "test_fanout.py", "test_benchmark_fanout.py",
    "test_draft_claims.py", "test_hostile_files.py", "test_hostile_settings.py",
    "test_operations.py", "test_ingest.py", "test_budget.py", "test_municipal_quirks.py",
    "test_published.py", "test_versions.py", "test_verdicts.py", "test_progress.py",
    "test_reports.py", "test_spending.py", "test_build_rules.py", "test_municipal.py",
    "test_lake.py"]


def pytest_collection_modifyitems(session, config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable for the rest


# ------------------------------------------------------------------ Prefect, where a flow runs

_PREFECT: contextlib.ExitStack | None = None
_SHARED_SERVER: subprocess.Popen | None = None
SHARED_URL = "SEGURIDAD_TESTS_PREFECT_API_URL"  # set by the controller of a parallel run
SHARED_HOME = "SEGURIDAD_TESTS_PREFECT_HOME"
# The suite never starts seguridad's own long-lived Prefect server (issue 24) in the developer's
# PREFECT_HOME: flows report to the test server above, and a command run in a process of its
# own without PREFECT_API_URL falls back to Prefect's temporary server. The tests of that
# server (tests/test_prefect_server.py) turn it on for themselves.
os.environ["SEGURIDAD_PREFECT_SERVER"] = "off"


def pytest_configure(config):
    """Under pytest-xdist the controller starts one Prefect server for all the workers, in
    the background: it boots while they collect and run their first tests, and a worker
    that runs a flow waits for it (`prefect_api`). A server per worker cost each ~10 s."""
    global _SHARED_SERVER
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    home = Path(tempfile.mkdtemp(prefix="seguridad-tests-prefect-"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_LOGGING_LEVEL="WARNING", DO_NOT_TRACK="1",
               PREFECT_SERVER_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{home}/prefect.db")
    env.pop("PREFECT_API_URL", None)
    _SHARED_SERVER = subprocess.Popen(
        [str(Path(sys.executable).parent / "prefect"), "server", "start", "--host",
         "127.0.0.1", "--port", str(port), "--no-ui", "--no-services"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    os.environ[SHARED_URL] = f"http://127.0.0.1:{port}/api"  # the workers inherit it
    os.environ[SHARED_HOME] = str(home)


def pytest_unconfigure(config):
    global _SHARED_SERVER
    if _SHARED_SERVER is not None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(_SHARED_SERVER.pid, signal.SIGTERM)
        _SHARED_SERVER.wait(timeout=60)
        shutil.rmtree(Path(os.environ.pop(SHARED_HOME)), ignore_errors=True)
        _SHARED_SERVER = None


def _wait_for(url: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), \
                urllib.request.urlopen(f"{url}/health", timeout=5) as answer:
            if answer.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the tests' Prefect server at {url} did not start")


def prefect_api() -> None:
    """Flows of this worker report to a test Prefect server, quietly and without heartbeats:
    the run's shared one (see pytest_configure), else a temporary one of this process
    started the first time a test runs a flow. A worker that only reads warehouses never
    waits for one."""
    global _PREFECT
    if _PREFECT is not None:
        return
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    stack = contextlib.ExitStack()
    shared = os.environ.get(SHARED_URL)
    if shared:
        _wait_for(shared)
        stack.enter_context(temporary_settings(updates={PREFECT_API_URL: shared}))
    else:
        from prefect.testing.utilities import prefect_test_harness

        stack.enter_context(prefect_test_harness(server_startup_timeout=90))
    stack.enter_context(temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}))
    _PREFECT = stack


def pytest_sessionfinish(session, exitstatus):
    global _PREFECT
    if _PREFECT is not None:
        _PREFECT.close()
        _PREFECT = None


@pytest.fixture(scope="session")
def prefect_harness():
    """For a test that runs a flow without one of the workspace fixtures below."""
    prefect_api()


def use_paths(monkeypatch: pytest.MonkeyPatch, raw: Path, warehouse: Path) -> None:
    monkeypatch.setenv("SEGURIDAD_RAW", str(raw))
    monkeypatch.setenv("SEGURIDAD_WAREHOUSE", str(warehouse))


# ------------------------------------------------------------------ warehouses built once

def _built_once(tmp_path_factory: pytest.TempPathFactory, name: str, landing_zone,
                command: bool = False) -> Path:
    """A warehouse built by a refresh over the landing zone `landing_zone(raw)` writes, once
    per test run: under pytest-xdist the workers share it, built by whichever asks first while
    the others wait on a lock. Read only: a test that writes copies it (`copy_of`). With
    `command`, the refresh is the installed `seguridad refresh` in a process of its own, as
    the Quick start runs it; its output is kept in `refresh.out`."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER") is not None:
        base = base.parent  # the run's folder, common to the workers
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        root = base / name
        wh = root / "warehouse" / "seguridad.duckdb"
        if not (root / "built").exists():
            shutil.rmtree(root, ignore_errors=True)  # a build that failed half-way
            landing_zone(root / "raw")
            prefect_api()
            mp = pytest.MonkeyPatch()
            use_paths(mp, root / "raw", wh)
            try:
                if command:
                    done = run_cli("refresh", subprocess_always=True)
                    assert done.returncode == 0, done.stderr
                    (root / "refresh.out").write_text(done.stdout, encoding="utf-8")
                else:
                    from flows.refresh import refresh_flow

                    state = refresh_flow(report=False, return_state=True)
                    assert state.is_completed(), state.message
            finally:
                mp.undo()
            (root / "built").touch()
    return wh


def copy_of(warehouse: Path, root: Path) -> tuple[Path, Path]:
    """A private copy of a warehouse built once and of its landing zone, under `root`: the
    (raw, warehouse) paths. Plain file copies; nothing is rebuilt."""
    raw = root / "raw"
    shutil.copytree(warehouse.parent.parent / "raw", raw)
    wh = root / "warehouse" / "seguridad.duckdb"
    wh.parent.mkdir(parents=True)
    shutil.copyfile(warehouse, wh)
    return raw, wh


@pytest.fixture(scope="session")
def shipped_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse the Quick start builds: a refresh over a copy of the shipped raw/. For
    the tests that check the shipped files' own variety (both catalogues, workbooks, victims,
    budgets, the December 2015 statement); the others use `small_warehouse`."""
    return _built_once(tmp_path_factory, "shipped",
                       lambda raw: shutil.copytree(SHIPPED_RAW, raw), command=True)


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three real monthly cuts of the 2026 catalogue and a population file (`rnid_2026_landing
    _zone`), built once: a warehouse to write to, break and rebuild in a fraction of the
    shipped one's time, for every test that does not need the shipped files' variety."""
    return _built_once(tmp_path_factory, "small", rnid_2026_landing_zone)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path):
    """A private copy of the shipped warehouse and landing zone, as the environment sees it."""
    prefect_api()
    use_paths(monkeypatch, *copy_of(shipped_warehouse, tmp_path))
    return tmp_path


@pytest.fixture
def small_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_warehouse: Path):
    """A private copy of the small warehouse and its landing zone (like `workspace`)."""
    prefect_api()
    use_paths(monkeypatch, *copy_of(small_warehouse, tmp_path))
    return tmp_path


@pytest.fixture
def empty_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    prefect_api()
    use_paths(monkeypatch, tmp_path / "raw", tmp_path / "warehouse" / "seguridad.duckdb")
    return tmp_path


@pytest.fixture
def published(shipped_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped warehouse as the published one, for commands that only read it."""
    use_paths(monkeypatch, shipped_warehouse.parent.parent / "raw", shipped_warehouse)
    return shipped_warehouse


def warehouse_of(root: Path, files: list[Path]) -> Path:
    """A warehouse built by one refresh over a landing zone of just these files (each under
    raw/<its folder's name>/), for the tests that write files which need only those: rebuilding
    the marts of the whole shipped history after each would cost seconds for nothing they
    check. The warehouse's path (its landing zone is root/raw, as `copy_of` expects)."""
    from flows.refresh import refresh_flow

    for path in files:
        folder = root / "raw" / path.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / path.name)
    prefect_api()
    wh = root / "warehouse" / "seguridad.duckdb"
    mp = pytest.MonkeyPatch()
    use_paths(mp, root / "raw", wh)
    try:
        state = refresh_flow(report=False, return_state=True)
    finally:
        mp.undo()
    assert state.is_completed(), state.message
    return wh


def ingest_into_copy(warehouse: Path, root: Path, files: list[Path]) -> dict:
    """One `ingest` run of `files` (each judged on its own) into a private copy of `warehouse`
    under `root`: the flow's state and run, the outcomes by the path given, and the paths."""
    from flows.ingest import ingest_flow

    prefect_api()
    raw, wh = copy_of(warehouse, root)
    mp = pytest.MonkeyPatch()
    use_paths(mp, raw, wh)
    try:
        state = ingest_flow([str(p) for p in files], return_state=True)
    finally:
        mp.undo()
    run = state.result(raise_on_failure=False)
    assert not isinstance(run, BaseException), run
    outcomes: dict[str, list] = {}
    for o in run.outcomes:
        outcomes.setdefault(o.label.split("!")[0], []).append(o)
    return {"state": state, "run": run, "wh": wh, "raw": raw, "outcomes": outcomes}


# ------------------------------------------------------------------ the command line

READ_ONLY_COMMANDS = {"report", "sql", "status", "dictionary", "check-claims", "export",
                      "draft-claims"}


def run_cli(*args: str, cwd: Path | None = None,
            subprocess_always: bool = False) -> subprocess.CompletedProcess:
    """The real command line with the current environment, run in this process (writing
    commands run their flows against this worker's test Prefect server). A subprocess only
    where one is the point: a process killed on purpose (SEGURIDAD_FAULT_POINT), locks held
    by two processes, or the installed entry point itself (`subprocess_always`)."""
    if subprocess_always or os.environ.get("SEGURIDAD_FAULT_POINT"):
        return _run_in_subprocess(list(args), cwd)
    if args and args[0] not in READ_ONLY_COMMANDS:
        prefect_api()
    return _run_in_process(list(args), cwd)


# The console script pip installed (`seguridad`), beside this Python; `python -m seguridad`
# where the suite runs without the project installed.
ENTRY_POINT = Path(sys.executable).parent / "seguridad"


def _run_in_subprocess(args: list[str], cwd: Path | None) -> subprocess.CompletedProcess:
    env = os.environ.copy()
    if _PREFECT is not None:
        from prefect.settings import PREFECT_API_URL

        env["PREFECT_API_URL"] = PREFECT_API_URL.value()
    command = [str(ENTRY_POINT)] if ENTRY_POINT.exists() else [sys.executable, "-m", "seguridad"]
    return subprocess.run([*command, *args], capture_output=True, text=True,
                          cwd=cwd or REPO, env=env, timeout=600)


def _run_in_process(args: list[str], cwd: Path | None) -> subprocess.CompletedProcess:
    from seguridad.cli.app import run

    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    os.chdir(cwd or REPO)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(args)
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def read_csv_rows(path: Path, encoding: str) -> list[dict[str, str]]:
    """Rows of a raw file read with nothing but the csv module: the independent reading the
    golden checks compare the warehouse against. Each call gets rows of its own (a test may
    change them); the same bytes are parsed once a worker."""
    data = Path(path).read_bytes()
    key = (hashlib.blake2b(data, digest_size=16).digest(), encoding)
    if key not in _PARSED:
        if len(_PARSED) >= 16:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = tuple(csv.DictReader(io.StringIO(data.decode(encoding), newline="")))
    return [dict(row) for row in _PARSED[key]]


_PARSED: dict[tuple[bytes, str], tuple[dict[str, str], ...]] = {}


def query(wh: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a read-only query against a warehouse file."""
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def national_population(year_month_pairs):
    """Monthly national population from the CONAPO 2023 file: straight line between
    mid-year figures, read at mid-month (the documented method, re-done here)."""
    mid = {int(r["n_year"]): int(r["pob_mid_year"]) for r in read_csv_rows(CONAPO_2023, "utf-8")
           if r["cve_ent"] == "00" and r["genero"] == "Total"}
    out = []
    for y, m in year_month_pairs:
        t = (m - 0.5) / 12 - 0.5
        slope = mid[y + 1] - mid[y] if t >= 0 else mid[y] - mid[y - 1]
        out.append(mid[y] + slope * t)
    return out


def rnid_2026_landing_zone(raw: Path) -> None:
    """A small real landing zone: the January, February and March 2026 state cuts (2026
    catalogue) and the CONAPO 2023 projections."""
    (raw / "sesnsp").mkdir(parents=True)
    (raw / "conapo").mkdir()
    for f in (TEST_DATA / "estatal_RNID_2026_ene2026.csv",
              TEST_DATA / "estatal_RNID_2026_feb2026.csv", RNID_2026_FILE):
        shutil.copy(f, raw / "sesnsp" / f.name)
    shutil.copy(CONAPO_2023, raw / "conapo" / CONAPO_2023.name)


def add_revised_cut(workspace: Path, name: str = "estatal_RNID_2026_mar2026_rev.csv") -> Path:
    """New work for a refresh: the March-2026 file as re-issued with one count revised
    (real bytes but one; small, so the test is quick)."""
    data = RNID_2026_FILE.read_bytes()
    revised = data.replace(b",Con arma blanca,1,1,1,", b",Con arma blanca,2,1,1,", 1)
    assert revised != data
    target = workspace / "raw" / name
    target.write_bytes(revised)
    return target
