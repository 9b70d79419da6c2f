"""The local Prefect server of the writing commands (issue 24,
seguridad/orchestration/prefect_server.py,
seguridad/orchestration/server_state.py).

Fast: the state file, what a recorded server is taken for (gone, hung, another program on its
port, another Prefect version), which server a command uses, `status`'s line, the errors, the
ingest of known bytes without a build, and the imports of a run with nothing to check. Slow
(a real server in a process of its own, `pytest -m slow`): started by the first command,
reused by the next, shown by status, stopped when idle, a stale one replaced, two commands
starting at once, and never started when PREFECT_API_URL is set."""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ENTRY_POINT, REPO, RNID_2026_FILE, _run_in_process, prefect_api, query
from seguridad import config, i18n
from seguridad.errors import SeguridadError
from seguridad.orchestration import prefect_server, server_state
from seguridad.orchestration.server_state import State


def a_state(**changes) -> State:
    fields = {"pid": 4242, "port": 41234, "token": "ab" * 16,
              "started_at": "2026-12-06T01:35:35+00:00", "prefect_version": "3.9.1",
              "idle_s": 1800.0}
    return State(**{**fields, **changes})


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


@contextlib.contextmanager
def http_answering(body: dict):
    """Another program on a port: an HTTP server that answers every GET with `body`."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ the state file

def test_a_state_round_trips_and_anything_else_is_no_state():
    state = a_state()
    assert State.parse(state.text()) == state
    assert state.url == "http://127.0.0.1:41234/api"
    written = json.loads(state.text())
    for text in ["", "{", "null", "[]", '"x"', state.text()[:-5]]:
        assert State.parse(text) is None, text
    for field, value in [("pid", 0), ("pid", -3), ("pid", True), ("pid", "4242"),
                         ("port", 0), ("port", 70000), ("token", ""), ("token", 7),
                         ("started_at", "yesterday"), ("idle_s", -1), ("idle_s", "30"),
                         ("prefect_version", None)]:
        assert State.parse(json.dumps({**written, field: value})) is None, (field, value)
    missing = dict(written)
    del missing["port"]
    assert State.parse(json.dumps(missing)) is None
    # a field added by a later version is no reason to replace a running server
    assert State.parse(json.dumps({**written, "more": 1})) == state


def test_what_a_recorded_server_is_taken_for():
    state = a_state()
    assert server_state.verdict(None, False, False) == "none"
    assert server_state.verdict(state, alive=False, answering=False) == "gone"
    assert server_state.verdict(state, alive=True, answering=False) == "not_answering"
    assert server_state.verdict(state, True, True, "3.9.1") == "running"
    assert server_state.verdict(state, True, True, "3.10.0") == "other_version"
    assert server_state.verdict(state, True, True) == "running"  # status asks no version


def test_which_server_a_command_uses():
    assert server_state.choose("http://127.0.0.1:4200/api", "auto") == "user"
    assert server_state.choose("http://127.0.0.1:4200/api", "off") == "user"
    assert server_state.choose(None, "auto") == "ours"
    assert server_state.choose("", "auto") == "ours"
    assert server_state.choose(None, "off") == "temporary"


def test_the_settings_of_the_server(monkeypatch):
    monkeypatch.delenv("SEGURIDAD_PREFECT_SERVER", raising=False)
    monkeypatch.delenv("SEGURIDAD_PREFECT_SERVER_IDLE", raising=False)
    assert (config.settings().prefect_server, config.settings().prefect_server_idle_s) == \
        ("auto", 1800.0)
    monkeypatch.setenv("SEGURIDAD_PREFECT_SERVER", " OFF ")
    monkeypatch.setenv("SEGURIDAD_PREFECT_SERVER_IDLE", "90")
    assert (config.settings().prefect_server, config.settings().prefect_server_idle_s) == \
        ("off", 90.0)
    monkeypatch.setenv("SEGURIDAD_PREFECT_SERVER", "no")
    with pytest.raises(SeguridadError, match="SEGURIDAD_PREFECT_SERVER='no' no es un valor"):
        config.settings()
    monkeypatch.setenv("SEGURIDAD_PREFECT_SERVER", "off")
    monkeypatch.setenv("SEGURIDAD_PREFECT_SERVER_IDLE", "-5")
    with pytest.raises(SeguridadError, match="SEGURIDAD_PREFECT_SERVER_IDLE='-5'"):
        config.settings()


def test_a_recorded_server_is_looked_at_without_trusting_its_port(tmp_path):
    where = tmp_path / "seguridad-server"
    where.mkdir()
    assert server_state.look(where) == ("none", None)
    (where / "state.json").write_text("{cut short", encoding="utf-8")
    assert server_state.look(where) == ("none", None)

    gone = a_state(pid=dead_pid())
    server_state.write_state(where, gone)
    assert server_state.look(where) == ("gone", gone)

    with socket.socket() as s:  # a process that is alive, a port that answers nothing
        s.bind(("127.0.0.1", 0))
        quiet = a_state(pid=os.getpid(), port=s.getsockname()[1])
    server_state.write_state(where, quiet)
    assert server_state.look(where, timeout=0.5)[0] == "not_answering"

    with http_answering({"token": "another server's"}) as port:  # another program on it
        server_state.write_state(where, a_state(pid=os.getpid(), port=port))
        assert server_state.look(where)[0] == "not_answering"
    token = "cd" * 16
    with http_answering({"token": token}) as port:
        ours = a_state(pid=os.getpid(), port=port, token=token)
        server_state.write_state(where, ours)
        assert server_state.look(where, "3.9.1") == ("running", ours)
        assert server_state.look(where, "3.10.0") == ("other_version", ours)
        # forget() removes only the state of the server it names
        server_state.forget(where, "ef" * 16)
        assert server_state.read_state(where) == ours
        server_state.forget(where, token)
        assert not (where / "state.json").exists()


def test_status_says_which_server_the_commands_use(tmp_path):
    env = {"PREFECT_HOME": str(tmp_path)}
    where = server_state.folder(env)
    assert where == tmp_path / "seguridad-server"
    assert server_state.describe("auto", {**env, "PREFECT_API_URL": "http://h:4200/api"}) \
        == "el de PREFECT_API_URL, http://h:4200/api; seguridad no inicia uno propio"
    assert "SEGURIDAD_PREFECT_SERVER=off" in server_state.describe("off", env)
    assert server_state.describe("auto", env) == \
        "local, detenido: el próximo comando que escribe lo inicia"
    where.mkdir()
    server_state.write_state(where, a_state(pid=dead_pid()))
    assert "ya no responde: el próximo comando que escribe lo reemplaza" in \
        server_state.describe("auto", env)
    token = "cd" * 16
    with http_answering({"token": token}) as port:
        server_state.write_state(where, a_state(pid=os.getpid(), port=port, token=token,
                                                  idle_s=600))
        (where / "last-used").touch()
        os.utime(where / "last-used", (time.time() - 125, time.time() - 125))
        line = server_state.describe("auto", env)
        assert line.startswith(f"local, http://127.0.0.1:{port}/api (proceso {os.getpid()}), "
                               "en marcha desde 2026-12-06 01:35; sin uso desde hace 2 min")
        assert line.endswith("se detiene solo tras 10 min sin uso")
        with open(where / "users.lock", "a") as held:  # a command using it now
            fcntl.flock(held, fcntl.LOCK_SH)
            assert "en uso ahora" in server_state.describe("auto", env)
        assert "en uso ahora" not in server_state.describe("auto", env)
        i18n.set_language("en")
        try:
            assert "unused for 2 min; stops by itself after 10 min unused" in \
                server_state.describe("auto", env)
        finally:
            i18n.set_language(None)
    assert [server_state.duration(s) for s in (0, 59, 60, 1800, 3725)] == \
        ["0 s", "59 s", "1 min", "30 min", "1 h 02 min"]


def test_status_reads_the_api_url_a_prefect_profile_sets(tmp_path):
    """`prefect config set PREFECT_API_URL=...` writes it in the active profile: the commands
    then use that server (Prefect reads it), and status says so without importing Prefect."""
    (tmp_path / "profiles.toml").write_text(
        'active = "mine"\n[profiles.mine]\nPREFECT_API_URL = "http://h:4200/api"\n'
        '[profiles.other]\n', encoding="utf-8")
    env = {"PREFECT_HOME": str(tmp_path)}
    assert server_state.describe("auto", env) == \
        "el de PREFECT_API_URL, http://h:4200/api; seguridad no inicia uno propio"
    assert server_state.describe("auto", {**env, "PREFECT_PROFILE": "other"}) == \
        "local, detenido: el próximo comando que escribe lo inicia"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    seen = subprocess.run([sys.executable, "-c", "from prefect.settings import "
                           "get_current_settings as s; print(s().api.url)"],
                          env={**clean, **env}, cwd=tmp_path, capture_output=True, text=True,
                          check=True).stdout.strip()
    assert seen == "http://h:4200/api"


# ------------------------------------------------------------------ when it cannot start

def test_a_server_that_cannot_start_is_one_line_naming_its_log(tmp_path, monkeypatch):
    monkeypatch.setattr(prefect_server, "PROCESS_MODULE", "seguridad.no_such_module")
    where = tmp_path / "seguridad-server"
    with pytest.raises(SeguridadError) as e:
        prefect_server.ensure(where, 1800, 30, "3.9.1")
    text = str(e.value)
    assert text.startswith("no se pudo iniciar el servidor local de Prefect: el proceso "
                           "terminó con el código 1: ")
    assert "No module named seguridad.no_such_module" in text
    assert str(where / "server.log") in text and "SEGURIDAD_PREFECT_SERVER=off" in text
    assert "\n" not in text
    assert not (where / "state.json").exists()
    assert where not in prefect_server._USING  # its hold on users.lock given back


def test_a_writing_command_says_in_one_line_that_the_server_cannot_start(tmp_path,
                                                                       monkeypatch):
    """The command line, with no PREFECT_API_URL and our server on: PREFECT_HOME holds a
    file where the server's folder goes. One line in Spanish (English with --lang en), exit
    1, no traceback, nothing written."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    home = tmp_path / "prefect-home"
    home.mkdir()
    (home / "seguridad-server").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("PREFECT_HOME", str(home))
    monkeypatch.setenv("SEGURIDAD_PREFECT_SERVER", "auto")
    monkeypatch.setenv("SEGURIDAD_RAW", str(tmp_path / "raw"))
    monkeypatch.setenv("SEGURIDAD_WAREHOUSE", str(tmp_path / "warehouse" / "seguridad.duckdb"))
    with temporary_settings(updates={PREFECT_API_URL: None}):
        done = _run_in_process(["refresh"], None)
        english = _run_in_process(["--lang", "en", "refresh"], None)
    assert done.returncode == 1
    assert done.stderr.startswith("error: no se pudo iniciar el servidor local de Prefect: "
                                  f"no se puede escribir en {home / 'seguridad-server'}")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert english.returncode == 1
    assert english.stderr.startswith("error: the local Prefect server could not start: ")
    assert not (tmp_path / "warehouse").exists()


def test_an_unreachable_server_is_one_line(tmp_path, monkeypatch):
    """PREFECT_API_URL naming a server that is not running: Prefect's RuntimeError becomes
    one line that says what to do."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/api"
    monkeypatch.setenv("SEGURIDAD_RAW", str(tmp_path / "raw"))
    monkeypatch.setenv("SEGURIDAD_WAREHOUSE", str(tmp_path / "warehouse" / "seguridad.duckdb"))
    with temporary_settings(updates={PREFECT_API_URL: url}):
        done = _run_in_process(["refresh"], None)
    assert done.returncode == 1
    assert done.stderr == f"error: el servidor de Prefect en {url} no responde: ¿está en " \
        "marcha? Si es el de PREFECT_API_URL, inícielo o quite PREFECT_API_URL (seguridad usa " \
        "entonces su servidor local)\n"


def test_the_flow_runs_of_a_command_and_their_heartbeat(tmp_path, monkeypatch):
    """With PREFECT_API_URL set (as the suite sets it) or our server off, for_flow_runs never
    starts ours; the heartbeat is off unless the user set it."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.setenv("SEGURIDAD_PREFECT_SERVER", "auto")
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}), \
            prefect_server.for_flow_runs(config.settings()):
        assert PREFECT_API_URL.value() == "http://127.0.0.1:9/api"
    with temporary_settings(updates={PREFECT_API_URL: None}):
        monkeypatch.setenv("SEGURIDAD_PREFECT_SERVER", "off")
        with prefect_server.for_flow_runs(config.settings()):
            assert PREFECT_API_URL.value() is None  # Prefect's temporary server
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api",
                                     PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 60}):
        with prefect_server.for_flow_runs(config.settings()):
            assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == 60  # the user's choice
        assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == 60
    assert not (tmp_path / "seguridad-server").exists()
    # Prefect's default (every 180 s) in a process where nobody set it: off for the run
    probe = ("from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY as H; "
             "from seguridad import config\n"
             "from seguridad.orchestration import prefect_server as p\n"
             "before = H.value()\n"
             "with p.for_flow_runs(config.settings()): print(before, H.value())")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_FLOWS")}
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                          text=True, env={**env, "PREFECT_API_URL": "http://127.0.0.1:9/api"})
    assert done.stdout.split() == ["180", "None"], done.stderr


def test_the_suite_never_starts_our_server():
    assert os.environ["SEGURIDAD_PREFECT_SERVER"] == "off"


# ------------------------------------------------------------------ nothing to do, done fast

def test_a_run_with_nothing_to_check_imports_no_pandas():
    probe = ("import sys, flows.refresh, flows.ingest; print(sorted(m for m in "
             "('pandas', 'pandera', 'numpy', 'matplotlib', 'schemas.reference', "
             "'seguridad.intake.checking') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_no_op_refresh_and_an_ingest_of_known_bytes_import_no_pandas(small_workspace):
    """The whole command, as a user runs it, in a fresh process: nothing to do imports none
    of the checking and reporting libraries (~0.5 s of imports)."""
    from prefect.settings import PREFECT_API_URL

    probe = ("import sys; from seguridad.cli.app import run; "
             "codes = [run(['refresh', '--no-report']), run(['ingest', sys.argv[1]])]; "
             "print(codes, sorted(m for m in ('pandas', 'pandera', 'numpy', 'matplotlib', "
             "'pyarrow', 'schemas.reference', 'seguridad.intake.checking') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe, str(RNID_2026_FILE)], cwd=REPO,
                          env={**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Nada nuevo" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[0, 0] []"


def test_the_published_file_is_opened_once_while_it_is_the_same(small_workspace, monkeypatch):
    """A no-op command asks what the published file is 4-5 times: it is opened once, and
    again only when it changed (in place, or replaced by a publication)."""
    import duckdb

    from seguridad.warehouse import build as warehouse

    settings = config.settings()
    wh = settings.warehouse_path
    wh.chmod(0o644)
    original = wh.with_name("original.duckdb")
    shutil.copy(wh, original)
    opened, connect = [], duckdb.connect
    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: opened.append(a) or connect(*a, **k))
    assert warehouse.check_published(settings) == warehouse.SCHEMA_VERSION
    assert not warehouse.needs_full_rebuild(settings)
    warehouse.connect_read_only(settings).close()
    assert len(opened) == 2  # one check, one reader's connection
    con = connect(str(wh))
    con.execute("UPDATE ops.meta SET value = '0' WHERE key = 'schema_version'")
    con.close()
    assert warehouse.check_published(settings) == "0"
    assert warehouse.needs_full_rebuild(settings)
    os.replace(original, wh)
    assert warehouse.check_published(settings) == warehouse.SCHEMA_VERSION


def test_an_ingest_of_known_bytes_publishes_nothing(small_workspace):
    """The bytes of a loaded file, given again (from outside the landing zone, under another
    name): said unchanged, journalled, and the published file is left as it was (no build
    copy, no new ops.runs row)."""
    from conftest import run_cli

    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    before = (wh.stat().st_mtime_ns, wh.read_bytes())
    runs = query(wh, "SELECT count(*) FROM ops.runs")[0][0]
    copy = small_workspace / "elsewhere" / "the_march_file.csv"
    copy.parent.mkdir()
    shutil.copy(RNID_2026_FILE, copy)
    done = run_cli("ingest", str(copy))
    assert done.returncode == 0, done.stderr
    assert f"igual      {copy}: ya se había ingerido (los mismos bytes que " in done.stdout
    assert "estatal_RNID_2026_mar2026.csv): cargado, corte 2026-03; nada que hacer" in \
        done.stdout
    assert "Nada nuevo: 1 archivo ya conocido; el almacén no cambió." in done.stdout
    assert (wh.stat().st_mtime_ns, wh.read_bytes()) == before
    assert query(wh, "SELECT count(*) FROM ops.runs")[0][0] == runs
    journal = [json.loads(x) for x in
               (wh.parent / "runs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert journal[-1]["status"] == "completed" and journal[-2]["command"] == "ingest"
    assert journal[-2]["prefect_flow_run_id"]  # the flow run is recorded in Prefect
    assert not (wh.parent / ".build").exists() or not any((wh.parent / ".build").iterdir())


def test_an_ingest_with_something_to_do_still_builds(small_workspace):
    """A known file of the landing zone touched since (its new mtime is recorded, so the
    next refresh need not read it), beside a new file: the full path, as before."""
    from conftest import add_revised_cut, run_cli

    wh = small_workspace / "warehouse" / "seguridad.duckdb"
    known = small_workspace / "raw" / "sesnsp" / RNID_2026_FILE.name
    os.utime(known, (time.time() + 5, time.time() + 5))
    done = run_cli("ingest", str(known))
    assert done.returncode == 0, done.stderr
    assert query(wh, "SELECT mtime_ns FROM ops.file_intake WHERE landing_path = ?",
                 [f"sesnsp/{RNID_2026_FILE.name}"])[0][0] == known.stat().st_mtime_ns
    new = add_revised_cut(small_workspace)
    done = run_cli("ingest", str(known), str(new))
    assert done.returncode == 0, done.stderr
    assert "1 cargado" in done.stdout
    assert query(wh, "SELECT count(*) FROM ops.raw_files WHERE file_name LIKE ?",
                 [f"%{new.name}"])[0][0] == 1


# ------------------------------------------------------------------ a real server (slow)

def run_own(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess:
    """The installed command in a process of its own, as a user runs it: no PREFECT_API_URL,
    our server on, in its own Prefect home."""
    return subprocess.run(own_command(*args), capture_output=True, text=True, cwd=REPO,
                          env=own_env(home, **env), timeout=600)


def own_command(*args: str) -> list[str]:
    command = [str(ENTRY_POINT)] if ENTRY_POINT.exists() else [sys.executable, "-m", "seguridad"]
    return [*command, *args]


def own_env(home: Path, **env: str) -> dict:
    out = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    out.update({"PREFECT_HOME": str(home), "SEGURIDAD_PREFECT_SERVER": "auto", **env})
    return out


def servers_of(where: Path) -> list[int]:
    """The pids of our server processes serving this folder."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            with contextlib.suppress(OSError):
                args = (proc / "cmdline").read_bytes().split(b"\0")
                if (b"seguridad.orchestration.prefect_server_process" in args
                        and str(where).encode() in args):
                    found.append(int(proc.name))
    return found


@pytest.fixture
def own_home(tmp_path):
    """A Prefect home of the test's own; whatever server of ours runs for it is stopped at
    the end."""
    home = tmp_path / "prefect-home"
    yield home
    where = server_state.folder({"PREFECT_HOME": str(home)})
    prefect_server.stop(where)
    for pid in servers_of(where):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)


def api(state: State, method: str, path: str, body: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", state.port, timeout=30)
    try:
        conn.request(method, f"/api{path}", body=json.dumps(body) if body is not None else None,
                     headers={"Content-Type": "application/json"})
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read() or b"null")
    finally:
        conn.close()


@pytest.mark.slow
def test_started_on_first_use_reused_by_the_next_command_and_shown_by_status(
        small_workspace, own_home):
    where = server_state.folder({"PREFECT_HOME": str(own_home)})
    first = run_own("refresh", "--no-report", home=own_home)
    assert first.returncode == 0, first.stderr
    assert "Nada nuevo" in first.stdout
    state = server_state.read_state(where)
    assert state is not None and server_state.pid_alive(state.pid)
    assert server_state.answers(state)

    known = small_workspace / "raw" / "sesnsp" / RNID_2026_FILE.name
    second = run_own("ingest", str(known), home=own_home)
    assert second.returncode == 0, second.stderr
    assert server_state.read_state(where) == state  # the same server, the same pid
    assert servers_of(where) == [state.pid]

    status = run_own("status", home=own_home)
    assert f"local, {state.url} (proceso {state.pid}), en marcha desde " in status.stdout
    assert "se detiene solo tras 30 min sin uso" in status.stdout

    # every flow run recorded in Prefect, as with the temporary server
    journal = [json.loads(x) for x in (small_workspace / "warehouse" / "runs.jsonl")
               .read_text(encoding="utf-8").splitlines()]
    ids = [e["prefect_flow_run_id"] for e in journal[-4:] if e["event"] == "start"]
    assert len(ids) == 2
    for flow_run_id in ids:
        code, run = api(state, "GET", f"/flow_runs/{flow_run_id}")
        assert code == 200 and run["state"]["type"] == "COMPLETED", run
    code, names = api(state, "POST", "/flows/filter", {})
    assert {f["name"] for f in names} >= {"seguridad-refresh", "seguridad-ingest"}


@pytest.mark.slow
def test_it_stops_itself_when_idle(small_workspace, own_home):
    where = server_state.folder({"PREFECT_HOME": str(own_home)})
    done = run_own("refresh", "--no-report", home=own_home,
                   SEGURIDAD_PREFECT_SERVER_IDLE="2")
    assert done.returncode == 0, done.stderr
    state = server_state.read_state(where)
    assert state is not None and state.idle_s == 2
    deadline = time.monotonic() + 90
    while server_state.pid_alive(state.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not server_state.pid_alive(state.pid)
    assert server_state.read_state(where) is None
    assert "local, detenido" in run_own("status", home=own_home).stdout
    # and the next command starts a new one
    again = run_own("refresh", "--no-report", home=own_home)
    assert again.returncode == 0, again.stderr
    assert server_state.read_state(where).pid not in (None, state.pid)


@pytest.mark.slow
def test_a_stale_server_is_replaced_and_another_program_left_alone(small_workspace, own_home):
    """The recorded server is gone and its port is now another program's (which answers
    HTTP): the command starts a new server on a new port, and the program is not touched;
    then the recorded server's pid is a live process that is not ours: not touched either."""
    where = server_state.folder({"PREFECT_HOME": str(own_home)})
    where.mkdir(parents=True)
    with http_answering({"status": "someone else's"}) as port:
        server_state.write_state(where, a_state(pid=dead_pid(), port=port))
        done = run_own("refresh", "--no-report", home=own_home)
        assert done.returncode == 0, done.stderr
        state = server_state.read_state(where)
        assert state.port != port and server_state.answers(state)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/")
        assert json.loads(conn.getresponse().read()) == {"status": "someone else's"}
        conn.close()
    prefect_server.stop(where)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        server_state.write_state(where, a_state(pid=sleeper.pid, port=state.port))
        done = run_own("ingest", str(small_workspace / "raw" / "sesnsp" / RNID_2026_FILE.name),
                       home=own_home)
        assert done.returncode == 0, done.stderr
        assert sleeper.poll() is None  # alive: not ours, so not stopped
        assert server_state.read_state(where).pid not in (sleeper.pid, state.pid)
    finally:
        sleeper.kill()
        sleeper.wait()


@pytest.mark.slow
def test_two_commands_starting_at_once_start_one_server(small_workspace, own_home):
    where = server_state.folder({"PREFECT_HOME": str(own_home)})
    known = str(small_workspace / "raw" / "sesnsp" / RNID_2026_FILE.name)
    both = [subprocess.Popen(own_command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=REPO, env=own_env(own_home))
            for args in (("refresh", "--no-report"), ("ingest", known))]
    for p in both:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    state = server_state.read_state(where)
    assert servers_of(where) == [state.pid]


@pytest.mark.slow
def test_with_prefect_api_url_set_ours_is_never_started(small_workspace, own_home):
    from prefect.settings import PREFECT_API_URL

    prefect_api()  # the suite's server, as a user's own
    done = run_own("refresh", "--no-report", home=own_home,
                   PREFECT_API_URL=PREFECT_API_URL.value())
    assert done.returncode == 0, done.stderr
    where = server_state.folder({"PREFECT_HOME": str(own_home)})
    assert not where.exists() and servers_of(where) == []
    status = run_own("status", home=own_home, PREFECT_API_URL=PREFECT_API_URL.value())
    assert f"el de PREFECT_API_URL, {PREFECT_API_URL.value()}" in status.stdout


@pytest.mark.slow
def test_turned_off_each_command_uses_prefects_temporary_server(small_workspace, own_home):
    """SEGURIDAD_PREFECT_SERVER=off, no PREFECT_API_URL: the command runs (on the temporary
    server Prefect starts in its process, its run recorded in the Prefect home's database),
    and nothing of ours is started or left running."""
    done = run_own("refresh", "--no-report", home=own_home, SEGURIDAD_PREFECT_SERVER="off")
    assert done.returncode == 0, done.stderr
    assert "Nada nuevo" in done.stdout
    where = server_state.folder({"PREFECT_HOME": str(own_home)})
    assert not where.exists() and servers_of(where) == []
    assert (own_home / "prefect.db").exists()  # where the temporary server recorded the run
    status = run_own("status", home=own_home, SEGURIDAD_PREFECT_SERVER="off")
    assert "el de seguridad está desactivado (SEGURIDAD_PREFECT_SERVER=off)" in status.stdout
