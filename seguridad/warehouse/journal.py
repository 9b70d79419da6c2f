"""The run journal (warehouse/runs.jsonl): a line when a run starts and one when it ends,
appended outside the warehouse, so that runs which failed or were killed (and so published
nothing) are still part of the history. Each build copies it into ops.runs."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb

from seguridad.config import Settings
from seguridad.errors import SeguridadError
from seguridad.i18n import say
from seguridad.warehouse.lock import pid_alive


def path(settings: Settings) -> Path:
    return settings.warehouse_dir / "runs.jsonl"


def _append(settings: Settings, entry: dict) -> None:
    line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
    try:
        settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
        with open(path(settings), "a", encoding="utf-8") as f:  # one short append: atomic
            f.write(line)
    except OSError as e:  # a read-only or full warehouse folder: nothing was written yet
        raise SeguridadError(say("journal.cannot_write", path=path(settings),
                                 why=e.strerror or str(e))) from None


def start(settings: Settings, run, flow_run_id: str | None) -> None:
    _append(settings, {"event": "start", "run_id": run.run_id, "command": run.command,
                       "parameters": run.parameters, "pid": os.getpid(),
                       "started_at": run.started_at.isoformat(),
                       "prefect_flow_run_id": flow_run_id})


def end(settings: Settings, run, status: str, message: str,
        words: list | None = None) -> None:
    """`words`: the headline as catalogue keys and parameters (runtext.headline_words), so
    that `seguridad status` says it in its reader's language; `message` is the record."""
    entry = {"event": "end", "run_id": run.run_id, "status": status,
             "finished_at": datetime.now().astimezone().isoformat(), "message": message}
    if words:
        entry["words"] = words
    _append(settings, entry)


@contextlib.contextmanager
def tracked(settings: Settings, run, flow_run_id: str | None = None) -> Iterator[None]:
    """Journal the run's start and its end, whatever the end."""
    start(settings, run, flow_run_id)
    try:
        yield
    except BaseException as e:
        end(settings, run, "failed", f"{type(e).__name__}: {e}")
        raise
    from seguridad import runtext

    status = "failed" if (run.rejected or run.failed_downloads) else "completed"
    end(settings, run, status, run.headline(), runtext.headline_words(run))


def entries(settings: Settings) -> dict[str, dict]:
    """Runs by id, start and end merged; a run with no end whose process is gone was
    killed."""
    runs: dict[str, dict] = {}
    if not path(settings).exists():
        return runs
    for line in path(settings).read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:  # a line cut short by a kill, or damaged
            continue
        if not (isinstance(entry, dict) and isinstance(entry.get("run_id"), str)
                and (entry.get("event") != "start" or _iso(entry.get("started_at")))):
            continue  # a line this program did not write: the history goes on without it
        runs.setdefault(entry["run_id"], {}).update(entry)
    runs = {k: r for k, r in runs.items() if _iso(r.get("started_at"))}
    for run in runs.values():
        if "status" not in run:
            alive = run.get("pid") == os.getpid() or pid_alive(run.get("pid"))
            run["status"] = "running" if alive else "killed"
            if not alive:
                run["message"] = "the process stopped before the run finished"
    return runs


def _iso(value) -> bool:
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def import_into(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Copy journalled runs that ended without publishing (failed, killed) into ops.runs."""
    for run in entries(settings).values():
        if run["status"] not in ("failed", "killed") or run.get("command") is None:
            continue
        exists = con.execute("SELECT status FROM ops.runs WHERE run_id = ?",
                             [run["run_id"]]).fetchall()
        if exists and exists[0][0] == run["status"]:
            continue
        started = datetime.fromisoformat(run["started_at"])
        finished = (datetime.fromisoformat(run["finished_at"]) if _iso(run.get("finished_at"))
                    else None)
        con.execute(
            "INSERT OR REPLACE INTO ops.runs (run_id, command, parameters, started_at, "
            "finished_at, status, duration_s, message, prefect_flow_run_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [run["run_id"], run["command"], json.dumps(run.get("parameters"),
                                                       ensure_ascii=False),
             started, finished, run["status"],
             (finished - started).total_seconds() if finished else None,
             run.get("message"), run.get("prefect_flow_run_id")])
