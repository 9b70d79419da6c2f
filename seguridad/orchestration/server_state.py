"""What is recorded of seguridad's local Prefect server, and what to make of it (issue 24;
seguridad/orchestration/prefect_server.py starts, reuses and stops the server,
docs/orchestration.md says how
it works).

Its files are in PREFECT_HOME/seguridad-server/, one server per Prefect home as there is one
database per home (two users, or two checkouts with their own PREFECT_HOME, never share one):
- state.json: pid, port, token, since when, Prefect version, idle limit; written by the command
  that started it, once it answered;
- start.lock: held by the command starting it, so that two commands starting at once start one;
- users.lock: held shared by every command while it uses the server, and exclusively by the
  server when it stops, so that it never stops under a running command;
- last-used: its modification time is the end of the last command that used it;
- server.log: what the server printed (its errors).

Which server a command uses (`choose`): the user's when PREFECT_API_URL is set (in the
environment or a Prefect profile; ours is then never started); Prefect's temporary one with
SEGURIDAD_PREFECT_SERVER=off; else ours.

Nothing here imports Prefect: `seguridad status` describes the server without it (~0.6 s).
"""

from __future__ import annotations

import fcntl
import http.client
import json
import os
import subprocess
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from seguridad.i18n import say

FOLDER_NAME = "seguridad-server"
STATE, START_LOCK, USERS_LOCK, LAST_USED, LOG = (
    "state.json", "start.lock", "users.lock", "last-used", "server.log")
IDENTITY_PATH = "/seguridad-server"  # answered by our server only, with its token
PROCESS_MODULE = "seguridad.orchestration.prefect_server_process"


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
    from seguridad.warehouse.lock import pid_alive as alive

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



# ------------------------------------------------------------------ `seguridad status`

def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def profile_api_url(environ: dict) -> str | None:
    """PREFECT_API_URL as the active Prefect profile sets it (`prefect config set
    PREFECT_API_URL=...`), read without importing Prefect: the profile named by PREFECT_PROFILE,
    else the file's `active` one, in PREFECT_PROFILES_PATH (by default
    PREFECT_HOME/profiles.toml)."""
    import tomllib

    path = environ.get("PREFECT_PROFILES_PATH") or \
        Path(environ.get("PREFECT_HOME") or "~/.prefect").expanduser() / "profiles.toml"
    try:
        data = tomllib.loads(Path(path).expanduser().read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    name = environ.get("PREFECT_PROFILE") or data.get("active")
    profile = data.get("profiles", {}).get(name) if isinstance(name, str) else None
    url = profile.get("PREFECT_API_URL") if isinstance(profile, dict) else None
    return url if isinstance(url, str) and url else None


def describe(mode: str, environ: dict | None = None) -> str:
    """One line on the server the writing commands use, for `seguridad status`."""
    environ = os.environ if environ is None else environ
    url = environ.get("PREFECT_API_URL") or profile_api_url(environ)
    if url:
        return say("server.status_user", url=url)
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
