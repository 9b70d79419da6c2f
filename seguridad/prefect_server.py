"""The local Prefect server the writing commands record their flow runs on (issue 24).

Prefect records every flow run on a server. With no PREFECT_API_URL, Prefect starts a temporary
server inside each command and stops it at the end: ~7 s of every writing command on a 2-core
machine, whatever the command has to do. Instead, the first writing command starts one of ours
(`ensure`), later commands reuse it, and it stops itself once no command has used it for
SEGURIDAD_PREFECT_SERVER_IDLE seconds, 30 minutes by default (seguridad/prefect_server_process.py).
It is the server Prefect's temporary one is (the same app, the same database in PREFECT_HOME,
the same background services, no UI), only longer-lived: every flow run is recorded as before.

Which server a command uses (`choose`): the user's when PREFECT_API_URL is set (in the
environment or a Prefect profile; ours is then never started); Prefect's temporary one with
SEGURIDAD_PREFECT_SERVER=off; else ours.

Its files are in PREFECT_HOME/seguridad-server/, one server per Prefect home as there is one
database per home (two users, or two checkouts with their own PREFECT_HOME, never share one):
- state.json: pid, port, token, since when, Prefect version, idle limit; written by the command
  that started it, once it answered;
- start.lock: held by the command starting it, so that two commands starting at once start one;
- users.lock: held shared by every command while it uses the server, and exclusively by the
  server when it stops, so that it never stops under a running command;
- last-used: its modification time is the end of the last command that used it;
- server.log: what the server printed (its errors).

No Prefect is imported here at import time: `seguridad status` describes the server without it.
"""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from seguridad.errors import SeguridadError
from seguridad.i18n import say

FOLDER_NAME = "seguridad-server"
STATE, START_LOCK, USERS_LOCK, LAST_USED, LOG = (
    "state.json", "start.lock", "users.lock", "last-used", "server.log")
IDENTITY_PATH = "/seguridad-server"  # answered by our server only, with its token
PROCESS_MODULE = "seguridad.prefect_server_process"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def folder(environ: dict | None = None) -> Path:
    """Where our server's files are: PREFECT_HOME (by default ~/.prefect)/seguridad-server."""
    environ = os.environ if environ is None else environ
    return Path(environ.get("PREFECT_HOME") or "~/.prefect").expanduser() / FOLDER_NAME


def choose(api_url: str | None, mode: str) -> str:
    """Which server a writing command records its flow runs on: 'user' (PREFECT_API_URL names
    one: never start ours), 'temporary' (SEGURIDAD_PREFECT_SERVER=off: Prefect starts one in the
    process) or 'ours'."""
    if api_url:
        return "user"
    return "temporary" if mode == "off" else "ours"


@dataclass(frozen=True)
class State:
    """What state.json records of the running server."""

    pid: int
    port: int
    token: str  # the server answers IDENTITY_PATH with it: the port is still ours
    started_at: str  # ISO 8601, with the offset
    prefect_version: str
    idle_s: float

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def text(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def parse(cls, text: str) -> State | None:
        """The state a file holds, or None when it holds none this module wrote (empty, cut
        short by a crash, edited, another program's)."""
        try:
            data = json.loads(text)
            state = cls(**{k: data[k] for k in cls.__dataclass_fields__})
        except (ValueError, TypeError, KeyError):
            return None

        def whole(v):
            return isinstance(v, int) and not isinstance(v, bool)

        try:
            datetime.fromisoformat(state.started_at)
        except (TypeError, ValueError):
            return None
        if not (whole(state.pid) and state.pid > 0 and whole(state.port)
                and 0 < state.port < 65536 and isinstance(state.token, str) and state.token
                and isinstance(state.prefect_version, str)
                and isinstance(state.idle_s, int | float) and not isinstance(state.idle_s, bool)
                and state.idle_s >= 0):
            return None
        return state


def read_state(where: Path) -> State | None:
    try:
        return State.parse((where / STATE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def write_state(where: Path, state: State) -> None:
    """Atomically: a command reading it never sees half a state."""
    tmp = where / f".{STATE}.{os.getpid()}"
    tmp.write_text(state.text(), encoding="utf-8")
    os.replace(tmp, where / STATE)


def forget(where: Path, token: str) -> None:
    """Remove the state file if it still describes the server with this token."""
    state = read_state(where)
    if state is not None and state.token == token:
        (where / STATE).unlink(missing_ok=True)


def answers(state: State, timeout: float = 2.0) -> bool:
    """Whether our server answers on the recorded port with the recorded token (not another
    program that took the port since, nor another server of ours)."""
    conn = http.client.HTTPConnection("127.0.0.1", state.port, timeout=timeout)
    try:
        conn.request("GET", IDENTITY_PATH)
        answer = conn.getresponse()
        return answer.status == 200 and json.loads(answer.read(4096)).get("token") == state.token
    except (OSError, ValueError, AttributeError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def pid_alive(pid: int) -> bool:
    from seguridad.warehouse import pid_alive as alive

    return alive(pid)


def verdict(state: State | None, alive: bool, answering: bool,
            prefect_version: str | None = None) -> str:
    """What to make of the recorded server: 'none' (nothing recorded), 'gone' (its process
    ended without clearing its state: killed, or the machine restarted), 'not_answering' (the
    process is there but the port does not answer as ours: hung, or the pid now another
    program's), 'other_version' (it runs another Prefect version than the asker's: another
    checkout's; left alone) or 'running'."""
    if state is None:
        return "none"
    if not alive:
        return "gone"
    if not answering:
        return "not_answering"
    if prefect_version is not None and state.prefect_version != prefect_version:
        return "other_version"
    return "running"


def look(where: Path, prefect_version: str | None = None,
         timeout: float = 2.0) -> tuple[str, State | None]:
    state = read_state(where)
    alive = state is not None and pid_alive(state.pid)
    return verdict(state, alive, alive and answers(state, timeout), prefect_version), state


# ------------------------------------------------------------------ a command's use of it

_USING: dict[Path, int] = {}  # folder -> this process's shared hold on users.lock
_STARTED: list[subprocess.Popen] = []  # servers this process started (they outlive it)


def _lock_file(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


def _flock(fd: int, kind: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, kind | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


def _cannot_start(where: Path, why: str) -> SeguridadError:
    return SeguridadError(say("server.cannot_start", why=why, log=where / LOG))


def ensure(where: Path, idle_s: float, timeout: float, prefect_version: str,
           env: dict | None = None, on_start=None) -> State | None:
    """Our server, answering, and held for this process's use until `release`: the recorded
    one, else a new one (`on_start()` is called first). None when the server recorded here
    runs another Prefect version (another checkout's): this command then uses Prefect's
    temporary server. Raises a one-line SeguridadError when it cannot start."""
    if where not in _USING:
        try:
            where.mkdir(parents=True, exist_ok=True)
            users = _lock_file(where / USERS_LOCK)
        except OSError as e:
            raise _cannot_start(where, say("server.why_folder", folder=where,
                                           why=e.strerror or e)) from None
        # A server that is stopping holds users.lock until it has exited (a few seconds).
        if not _flock(users, fcntl.LOCK_SH, timeout):
            os.close(users)
            raise _cannot_start(where, say("server.why_stopping", seconds=f"{timeout:.0f}"))
        _USING[where] = users
    try:
        found, state = look(where, prefect_version)
        if found != "running":
            state = _start_once(where, idle_s, timeout, prefect_version, env, on_start)
        touch(where)
        return state
    except BaseException:
        release(where)
        raise


def _start_once(where: Path, idle_s: float, timeout: float, prefect_version: str,
                env: dict | None, on_start) -> State | None:
    """Under start.lock: the server another command started meanwhile, else a new one, after
    clearing what the recorded one left (its state; its process if it is ours and hung)."""
    lock = _lock_file(where / START_LOCK)
    try:
        if not _flock(lock, fcntl.LOCK_EX, timeout):
            raise _cannot_start(where, say("server.why_busy", seconds=f"{timeout:.0f}"))
        found, state = look(where, prefect_version, timeout=5.0)
        if found == "running":
            return state
        if found == "other_version":
            return None
        if found == "not_answering":
            terminate(state)
        (where / STATE).unlink(missing_ok=True)
        if on_start is not None:
            on_start()
        return _start(where, idle_s, timeout, prefect_version, env)
    finally:
        os.close(lock)


def _start(where: Path, idle_s: float, timeout: float, prefect_version: str,
           env: dict | None) -> State:
    """Start the server on a port this process binds (so no other program takes it between
    choosing and listening) and wait until it answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    token = secrets.token_hex(16)
    state = State(pid=0, port=sock.getsockname()[1], token=token,
                  started_at=datetime.now().astimezone().isoformat(timespec="seconds"),
                  prefect_version=prefect_version, idle_s=float(idle_s))
    env = dict(os.environ if env is None else env)
    env.pop("PREFECT_API_URL", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT),
                                                   env.get("PYTHONPATH")) if p)
    command = [sys.executable, "-m", PROCESS_MODULE, "--fd", str(sock.fileno()),
               "--folder", str(where), "--idle", repr(float(idle_s)), "--token", token]
    try:
        with open(where / LOG, "wb") as log:
            # Its own session: a Ctrl-C at the terminal stops the command, not the server
            # other commands share.
            process = subprocess.Popen(command, pass_fds=(sock.fileno(),), env=env, cwd=where,
                                       stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as e:
        raise _cannot_start(where, e.strerror or str(e)) from None
    finally:
        sock.close()
    _STARTED.append(process)
    state = State(**{**asdict(state), "pid": process.pid})
    deadline = time.monotonic() + timeout
    while not answers(state, timeout=1.0):
        code = process.poll()
        if code is not None:
            raise _cannot_start(where, say("server.why_exited", code=code,
                                           last=_last_line(where / LOG)))
        if time.monotonic() >= deadline:
            terminate(state)
            raise _cannot_start(where, say("server.why_timeout", seconds=f"{timeout:.0f}"))
        time.sleep(0.1)
    write_state(where, state)
    return state


def _last_line(log: Path) -> str:
    try:
        lines = [x for x in log.read_text(encoding="utf-8", errors="replace").splitlines()
                 if x.strip()]
    except OSError:
        return "-"
    return lines[-1].strip()[:300] if lines else "-"


def touch(where: Path) -> None:
    with contextlib.suppress(OSError):
        (where / LAST_USED).touch()


def release(where: Path) -> None:
    """This process no longer uses the server: the idle time starts now."""
    fd = _USING.pop(where, None)
    if fd is not None:
        touch(where)
        os.close(fd)


def is_ours(pid: int) -> bool:
    """Whether the process is one of our servers (not a program that got its pid since)."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
            errors="replace")
    except OSError:
        try:
            args = subprocess.run(["ps", "-o", "args=", "-p", str(pid)], capture_output=True,
                                  text=True, timeout=5).stdout
        except (OSError, subprocess.SubprocessError):
            return False
    return PROCESS_MODULE in args


def terminate(state: State, wait_s: float = 15.0) -> None:
    """Stop a server of ours (SIGTERM: it finishes what it serves; SIGKILL if it hangs)."""
    if not (pid_alive(state.pid) and is_ours(state.pid)):
        return
    for sig, wait in ((signal.SIGTERM, wait_s), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(state.pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            for p in _STARTED:  # reap our own child, else it lingers as a zombie
                if p.pid == state.pid:
                    p.poll()
            if not pid_alive(state.pid):
                return
            time.sleep(0.05)


def stop(where: Path) -> bool:
    """Stop the recorded server now, if it is ours; whether one was stopped."""
    state = read_state(where)
    if state is None:
        return False
    running = pid_alive(state.pid) and is_ours(state.pid)
    terminate(state)
    forget(where, state.token)
    return running


def in_use(where: Path) -> bool:
    """Whether a command holds the server now (a short test of users.lock)."""
    try:
        fd = os.open(where / USERS_LOCK, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # releases the test lock too
    return False


# ------------------------------------------------------------------ the flow runs of a command

@contextlib.contextmanager
def for_flow_runs(settings, on_start=None):
    """The Prefect settings a command's flow runs take: on our server when `choose` says so
    (started or reused), and without the flow-run heartbeat unless the user set it.

    The heartbeat (a thread that sends an event every PREFECT_FLOWS_HEARTBEAT_FREQUENCY
    seconds, so that a server can mark a run whose process died as crashed) costs ~0.9 s at
    the end of every flow run, waiting for the thread. Leaving it off is safe: the journal
    (seguridad/journal.py) records a run killed midway as killed, by its pid, and
    `seguridad status` says so; a killed run publishes nothing (every build is a private
    copy). The nightly job that `seguridad serve` runs keeps Prefect's setting."""
    import prefect
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        get_current_settings,
        temporary_settings,
    )

    current = get_current_settings()
    updates: dict = {}
    if "heartbeat_frequency" not in current.flows.model_fields_set:
        updates[PREFECT_FLOWS_HEARTBEAT_FREQUENCY] = None
    where = None
    if choose(current.api.url, settings.prefect_server) == "ours":
        where = folder()
        env = {**os.environ, **current.to_environment_variables(exclude_unset=True)}
        state = ensure(where, settings.prefect_server_idle_s,
                       float(current.server.ephemeral.startup_timeout_seconds),
                       prefect.__version__, env, on_start)
        if state is not None:
            updates[PREFECT_API_URL] = state.url
    try:
        with temporary_settings(updates=updates):
            yield
    except RuntimeError as e:  # Prefect's words when no server answers at the address
        if not str(e).startswith("Failed to reach API"):
            raise
        url = updates.get(PREFECT_API_URL) or current.api.url
        raise SeguridadError(say("server.unreachable", url=url)) from None
    finally:
        if where is not None:
            release(where)


# ------------------------------------------------------------------ `seguridad status`

def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def describe(mode: str, environ: dict | None = None) -> str:
    """One line on the server the writing commands use, for `seguridad status`."""
    environ = os.environ if environ is None else environ
    if environ.get("PREFECT_API_URL"):
        return say("server.status_user", url=environ["PREFECT_API_URL"])
    if mode == "off":
        return say("server.status_off")
    where = folder(environ)
    found, state = look(where, timeout=1.0)
    if found == "none":
        return say("server.status_none")
    if found in ("gone", "not_answering"):
        return say("server.status_stale", pid=state.pid, url=state.url)
    since = datetime.fromisoformat(state.started_at)
    if in_use(where):
        idle = say("server.in_use")
    else:
        try:
            idle = say("server.idle_for", idle=duration(
                time.time() - (where / LAST_USED).stat().st_mtime))
        except OSError:
            idle = say("server.in_use")
    return say("server.status_running", url=state.url, pid=state.pid,
               since=f"{since:%Y-%m-%d %H:%M}", idle=idle, limit=duration(state.idle_s))
