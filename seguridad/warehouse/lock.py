"""One writer at a time: the advisory lock on the warehouse folder (released by the kernel if
its holder dies, so a killed writer never blocks the next one), the note its holder leaves,
and the writer's session (the lock held, the build folder cleared of what a dead writer
left)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from seguridad.config import Settings
from seguridad.errors import SeguridadError, WarehouseBusy
from seguridad.i18n import say


@contextlib.contextmanager
def writer_lock(settings: Settings, wait_s: float | None = None) -> Iterator[list[str]]:
    """Hold the single-writer lock; wait up to `wait_s` for another writer, then give up.
    The kernel releases the lock when its holder dies, so a killed writer never blocks the
    next one; the note it left is reported and replaced. Yields notes for the user."""
    wait_s = settings.lock_wait_s if wait_s is None else wait_s
    path = settings.lock_path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise SeguridadError(say("warehouse.folder_not_writable", folder=path.parent,
                                 why=e.strerror or e)) from None
    deadline = time.monotonic() + wait_s
    notes: list[str] = []
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode(errors="replace").strip()
                    raise WarehouseBusy(say("warehouse.busy", holder=holder,
                                            seconds=f"{wait_s:.0f}")) from None
                time.sleep(0.2)
        previous = os.pread(fd, 200, 0).decode(errors="replace").strip()
        fields = previous.split()
        if len(fields) > 1 and fields[0] == "pid":  # a note a killed writer left; any other
            pid = int(fields[1]) if fields[1].isdigit() else None  # text is just replaced
            if pid != os.getpid() and not pid_alive(pid):
                notes.append(say("note.stale_lock", pid=pid or repr(fields[1])))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}".encode(), 0)
        try:
            yield notes
        finally:
            os.ftruncate(fd, 0)  # only a killed writer leaves its note behind
    finally:
        os.close(fd)  # closing releases the lock


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this id still runs (a writer's, a run's)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_build_dir(settings: Settings) -> list[Path]:
    """Remove what writers that died left in the build folder (half-built copies, spill
    files, scratch). Only the lock holder calls it, so nothing there is in use."""
    removed = []
    if settings.build_dir.exists():
        for path in settings.build_dir.iterdir():
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@contextlib.contextmanager
def writer_session(settings: Settings) -> Iterator[list[str]]:
    """Hold the writer lock with the build folder cleared of what a writer that died left;
    yields the notes for the user (a stale lock, leftover files)."""
    with writer_lock(settings) as notes:
        removed = clean_build_dir(settings)
        if removed:
            notes.append(say("note.leftovers", n=len(removed)))
        yield notes
