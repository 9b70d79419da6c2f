"""The tasks that read files into a build: one file in the writer's process (`ingest-file`),
or fanned out (`stage-file` on Dask workers, then `load-staged` in the writer, file by file
in the landing zone's order). flows/tasks.py holds the other steps and the task runner."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from prefect import task
from prefect.cache_policies import NO_CACHE

from seguridad import faults, progress
from seguridad.config import Settings
from seguridad.errors import SeguridadError
from seguridad.i18n import say
from seguridad.intake import archives, discovery, outcomes
from seguridad.warehouse import build as warehouse

if TYPE_CHECKING:
    from seguridad.intake import fanout

@task(name="ingest-file", cache_policy=NO_CACHE)
def ingest_file(build: warehouse.Build, path: Path, label: str, settings: Settings,
                run_id: str, retry_rejected: bool) -> list[outcomes.FileOutcome]:
    """Land, validate and load one file (or each member of a ZIP archive); a bad file is
    recorded as rejected, not raised."""
    from seguridad.intake import ingest

    outcomes = ingest.ingest_path(build.con, path, label, settings, run_id, retry_rejected)
    faults.point("after-first-file")
    return outcomes


@task(name="stage-file", cache_policy=NO_CACHE)
def stage_file(path: Path, label: str, settings: Settings,
               threads: int | None) -> fanout.Staged:
    """Check one raw file and stage its parsed rows as Parquet, on a worker of the cluster
    (no warehouse connection: the writer loads what this stages)."""
    from seguridad.intake import fanout

    return fanout.stage_file(path, label, settings, threads)


def worker_threads(workers: int) -> int:
    """DuckDB threads per worker: the machine's cores shared out, at least one."""
    return max(1, (os.cpu_count() or 1) // workers)


def ingest_all(build: warehouse.Build, paths: list[Path], settings: Settings, run_id: str,
               retry_rejected: bool, workers: int = 1) -> list[outcomes.FileOutcome]:
    """Ingest the files in their order. With workers > 1 the files the warehouse has not
    seen are first checked and staged in parallel (a `stage-file` task each, on the flow's
    task runner: a Dask cluster from the CLI); this one writer then loads them in the same
    order as the serial path, so both give the same warehouse. ZIP archives and files seen
    before go the serial way (an archive's members are unpacked by the writer)."""
    futures: dict = {}
    done: list[outcomes.FileOutcome] = []
    progress.step(say("step.files"), total=len(paths))
    try:
        if workers > 1:
            new = set(discovery.unseen(build.con, settings, paths))
            threads = worker_threads(workers)
            for path in paths:
                if path in new and not archives.is_zip_archive(path):
                    futures[path] = stage_file.submit(path, discovery.label_for(path),
                                                      settings, threads)
        for path in paths:
            label = discovery.label_for(path)
            future = futures.pop(path, None)
            if future is None:
                these = ingest_file(build, path, label, settings, run_id, retry_rejected)
            else:
                these = load_staged(build, path, label, settings, run_id, retry_rejected,
                                    staged_result(future, label))
            done += these
            progress.file_done(these)  # its line now, not at the end of the run
            progress.advance()
    finally:
        discard_staged(futures, settings)
    return done


def staged_result(future, label: str) -> fanout.Staged:
    """What a worker staged, or a clear error when the worker itself failed (killed by the
    cluster for memory, a lost connection): that is not the file's fault, so it is not
    recorded as a rejection; the run stops and nothing is published."""
    try:
        return future.result()
    except SeguridadError:
        raise
    except Exception as e:
        raise SeguridadError(say("flow.worker_failed", label=label, kind=type(e).__name__,
                                 why=str(e).splitlines()[0] if str(e) else "-")) from None


def discard_staged(futures: dict, settings: Settings) -> None:
    """At the end of a fanned-out load: what the workers staged and nobody loaded (after a
    failure of the writer) is not left behind, nor the staging folder itself."""
    from seguridad.intake import fanout

    for future in futures.values():
        with contextlib.suppress(Exception):
            future.result().discard()
    shutil.rmtree(fanout.staging_dir(settings), ignore_errors=True)


@task(name="load-staged", cache_policy=NO_CACHE)
def load_staged(build: warehouse.Build, path: Path, label: str, settings: Settings,
                run_id: str, retry_rejected: bool,
                staged: fanout.Staged) -> list[outcomes.FileOutcome]:
    """The writer's half of a fanned-out file: load what a worker checked and staged."""
    from seguridad.intake import ingest

    outcomes = [ingest.ingest_file(build.con, path, label, settings, run_id, retry_rejected,
                                   staged=staged)]
    faults.point("after-first-file")
    return outcomes
