"""The local Prefect server the writing commands record their flow runs on (issue 24;
docs/orchestration.md).

Prefect records every flow run on a server. With no PREFECT_API_URL, Prefect starts a temporary
server inside each command and stops it at the end: ~7 s of every writing command on a 2-core
machine, whatever the command has to do. Instead, the first writing command starts one of ours
(`ensure`), later commands reuse it, and it stops itself once no command has used it for
SEGURIDAD_PREFECT_SERVER_IDLE seconds, 30 minutes by default
(seguridad/orchestration/prefect_server_process.py).
It is the server Prefect's temporary one is (the same app, the same database in PREFECT_HOME,
the same background services, no UI), only longer-lived: every flow run is recorded as before.

What is recorded of it (its files, which server a command uses, what a recorded server is taken
for, `seguridad status`'s line) is seguridad/orchestration/server_state.py. Prefect is imported
only by
`for_flow_runs`, which a writing command enters anyway.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from seguridad.errors import SeguridadError
from seguridad.i18n import say
from seguridad.orchestration.server_state import (
    LAST_USED,
    LOG,
    PROCESS_MODULE,
    START_LOCK,
    STATE,
    USERS_LOCK,
    State,
    answers,
    choose,
    folder,
    forget,
    is_ours,
    look,
    pid_alive,
    read_state,
    write_state,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]

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



# ------------------------------------------------------------------ the flow runs of a command

@contextlib.contextmanager
def for_flow_runs(settings, on_start=None):
    """The Prefect settings a command's flow runs take: on our server when `choose` says so
    (started or reused), and without the flow-run heartbeat unless the user set it.

    The heartbeat (a thread that sends an event every PREFECT_FLOWS_HEARTBEAT_FREQUENCY
    seconds, so that a server can mark a run whose process died as crashed) costs ~0.9 s at
    the end of every flow run, waiting for the thread. Leaving it off is safe: the journal
    (seguridad/warehouse/journal.py) records a run killed midway as killed, by its pid, and
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
