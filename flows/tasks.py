"""The steps the flows are made of, as Prefect tasks. Each wraps a plain function; none caches
(they pass a warehouse build around, which is neither hashable nor worth caching)."""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Failed
from prefect.tasks import exponential_backoff

from flows import ingest_tasks
from schemas.names import formats
from seguridad import faults, progress
from seguridad.analysis.windows import Window
from seguridad.config import Settings
from seguridad.errors import SeguridadError
from seguridad.i18n import language, say
from seguridad.intake import archives, discovery, fetch, outcomes, rawfiles
from seguridad.warehouse import build as warehouse
from seguridad.warehouse import journal, runs

if TYPE_CHECKING:
    from seguridad.intake import fanout
    from seguridad.warehouse import backfill

# Imported where a step needs them, not here: checking a file needs pandas and pandera (~0.5 s
# to import), which a run with nothing to check (a no-op refresh, the ingest of known bytes)
# never uses (issue 24). `ingest`, `fanout`, `backfill` and `nightly` import them.


def ends_failed_on_user_errors(fn: Callable) -> Callable:
    """For a flow: an error meant for the person at the terminal (a busy warehouse, a refused
    request) ends the flow run Failed with that message as its reason and no traceback in the
    log; the CLI prints the message. Anything else is a bug and keeps its traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except SeguridadError as e:
            return Failed(message=str(e), data=e)
    return wrapper


class ExpectedErrorsInOneLine(logging.Filter):
    """Prefect logs a task that raised with its whole traceback, then one line with the final
    state. An error meant for the user (SeguridadError: a refused full rebuild, a landing zone
    that cannot be written) is not a bug: its traceback record is dropped, and the one line
    "Finished in state Failed('... SeguridadError: <message>')" says it."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, SeguridadError)


for _name in ("prefect.task_runs", "prefect.flow_runs"):
    if not any(isinstance(f, ExpectedErrorsInOneLine) for f in logging.getLogger(_name).filters):
        logging.getLogger(_name).addFilter(ExpectedErrorsInOneLine())


@contextlib.contextmanager
def published_build(settings: Settings, run: runs.RunSummary,
                    fresh: bool = False) -> Iterator[warehouse.Build]:
    """The skeleton every writing flow shares: journal the run, take the writer lock, open a
    build copy (empty if `fresh`) and set it up; the flow's own steps run in the block. On a
    normal exit the run is recorded in the build and the build is published in one rename,
    keeping the replaced warehouse as a snapshot when the marts were rebuilt (a run that
    changed no data pushes no useful snapshot out). On an error nothing is published, the
    build is discarded and the journal says why."""
    with journal.tracked(settings, run, flow_run.get_id()), \
            warehouse.build(settings, fresh=fresh) as build:
        run.notes += build.notes
        progress.step(say("step.prepare"))
        prepare_warehouse(build, settings)
        yield build
        record_run(build, run, "failed" if run.rejected or run.failed_downloads
                   else "completed")
        progress.step(say("step.publish"))
        publish(build, keep_snapshot=build.marts_rebuilt)
        run.published = True


@task(name="prepare-warehouse", cache_policy=NO_CACHE)
def prepare_warehouse(build: warehouse.Build, settings: Settings) -> None:
    """Create or update schemas, reference data and staging views in the build, and copy in
    the journalled runs that published nothing (failed, killed)."""
    warehouse.setup(build.con, settings)
    journal.import_into(build.con, settings)


@task(name="rebuild-marts", cache_policy=NO_CACHE)
def rebuild_marts(build: warehouse.Build, settings: Settings) -> None:
    """Pick the newest cut for every month, derive core tables and rebuild the marts, compute
    the standard comparisons over them, and check the data rules (a failure stops the run
    before anything is published)."""
    progress.step(say("step.marts"))
    warehouse.derive(build.con, settings)
    progress.step(say("step.rules"))
    warehouse.seal(build.con)
    build.marts_rebuilt = True


def known_landing_zone(settings: Settings) -> tuple[int, list[outcomes.FileOutcome]] | None:
    """When the published warehouse has seen every file of the landing zone (by path, size
    and modification time): how many, and the outcome of each one it rejected before (skipped,
    as a full pass would say). None when something is new, or there is no warehouse to
    compare with. The caller holds the writer lock, so no build is half-way through."""
    if warehouse.check_published(settings) is None:
        return None
    con = warehouse.connect_read_only(settings)
    try:
        if warehouse.needs_full_rebuild(settings):
            return None
        paths = discovery.discover(settings.raw_dir)  # listed once: stat() only, no reading
        if discovery.unseen(con, settings, paths) or warehouse.reference_changed(con):
            return None
        return len(paths), discovery.known_rejections(con, settings, paths)
    finally:
        con.close()


def known_files(settings: Settings, paths: list[Path],
                labels: list[str]) -> list[outcomes.FileOutcome] | None:
    """When the published warehouse holds the bytes of every file given, loaded or
    superseded, and has nothing to record of them: the outcome of each as a full pass would
    say it (unchanged), and the ingest needs no build. None when a file may be new, was
    rejected before (an ingest tries it again), is an archive, or is a file of the landing
    zone whose modification time changed (to be recorded), or when the reference data
    changed. Only a file of a size the warehouse accepted before is hashed, so a new file is
    not read twice. The caller holds the writer lock."""
    if warehouse.check_published(settings) is None:
        return None
    con = warehouse.connect_read_only(settings)
    try:
        if warehouse.needs_full_rebuild(settings) or warehouse.reference_changed(con):
            return None
        sizes = discovery.sizes_accepted(con)
        found = []
        for path, label in zip(paths, labels, strict=True):
            if path.stat().st_size not in sizes or archives.is_zip_archive(path):
                return None
            sha = rawfiles.sha256_of(path)
            known = discovery.known_file(con, sha)
            if not known or known[0] not in ("loaded", "superseded") or \
                    discovery.mtime_changed(con, path, sha, settings):
                return None
            found.append(outcomes.FileOutcome.unchanged(label, sha, known))
        return found
    except OSError:  # unreadable: the full pass says so, file by file
        return None
    finally:
        con.close()


@task(name="guard-full-rebuild", cache_policy=NO_CACHE)
def guard_full_rebuild(build: warehouse.Build, settings: Settings, before: dict[str, str],
                       force: bool) -> list[str]:
    """A full rebuild replaces the published warehouse with what the landing zone holds now:
    it refuses to replace a warehouse with data by an empty one unless forced, and names the
    files whose data it drops (their raw file is no longer in the landing zone)."""
    after = warehouse.data_files(build.con)
    dropped = {sha: name for sha, name in before.items() if sha not in after}
    if before and not after and not force:
        raise SeguridadError(say("flow.full_over_empty", raw=settings.raw_dir,
                                 n=len(before)))
    if not dropped:
        return []
    names = ", ".join(sorted(dropped.values())[:10]) + (" ..." if len(dropped) > 10 else "")
    return [say("note.drops", n=len(dropped), names=names)]


@task(name="record-run", cache_policy=NO_CACHE)
def record_run(build: warehouse.Build, run: runs.RunSummary, status: str) -> None:
    runs.record(build.con, run, status, flow_run_id=flow_run.get_id())


@task(name="publish", cache_policy=NO_CACHE)
def publish(build: warehouse.Build, keep_snapshot: bool = True) -> None:
    """Checkpoint the build and swap it onto the published path in one rename."""
    build.publish(keep_snapshot)
    faults.point("after-publish")


@task(name="export-lake", cache_policy=NO_CACHE)
def export_lake(settings: Settings) -> dict | None:
    """When SEGURIDAD_LAKE is set: publish the published warehouse as the Parquet lake, unless
    the lake's current publication already comes from this build."""
    from seguridad.warehouse import lake

    if settings.lake_dir is None:
        return None
    progress.step(say("step.lake"))
    con = warehouse.connect_read_only(settings)
    try:
        return lake.export_if_stale(con, settings.lake_dir)
    finally:
        con.close()


@task(name="write-report", cache_policy=NO_CACHE)
def write_report(settings: Settings, out_dir: Path) -> dict | None:
    """The standard report set (Markdown, CSV, an HTML page per indicator), from the
    published warehouse (read-only), in the language asked for (--lang, SEGURIDAD_LANG)."""
    from seguridad.reports import nightly

    progress.step(say("step.report"))
    con = warehouse.connect_read_only(settings)
    try:
        return nightly.write_all(con, out_dir, settings.claims_dir, lang=language())
    finally:
        con.close()


def _network_error(task, task_run, state) -> bool:
    """Retry a download only when the network failed, never when the server said no."""
    return isinstance(state.data, fetch.NetworkError)


@task(name="download", cache_policy=NO_CACHE, retries=4,
      retry_delay_seconds=exponential_backoff(backoff_factor=2), retry_jitter_factor=0.5,
      retry_condition_fn=_network_error)
def download_source(build: warehouse.Build, source: fetch.Source,
                    settings: Settings) -> fetch.Download:
    """Conditional GET of one official file into the landing zone (atomic, sha256)."""
    etag, last_modified = fetch.previous(build.con, source.url)
    return fetch.download(source, settings.raw_dir, settings.build_dir, etag, last_modified)


def download_all(build: warehouse.Build, settings: Settings, run: runs.RunSummary,
                 keys: list[str] | None, ingest_them: bool) -> None:
    """Download each configured source; ingest what is new. A failed source is recorded
    and the others go on."""
    sources = fetch.load_sources(keys=keys)
    progress.step(say("step.download"), total=len(sources))
    for source in sources:
        progress.advance()
        if not source.url:
            run.downloads.append(fetch.record(build.con, source, "not_configured", run.run_id,
                                              message=f"no url; see {source.page}"))
            progress.download_done(run.downloads[-1])
            continue
        try:
            result = download_source(build, source, settings)
        except fetch.NetworkError as e:
            run.downloads.append(fetch.record(build.con, source, "failed", run.run_id,
                                              message=str(e)))
            progress.download_done(run.downloads[-1])
            continue
        except fetch.DownloadRefused as e:
            run.downloads.append(fetch.record(build.con, source, "refused", run.run_id,
                                              message=str(e)))
            progress.download_done(run.downloads[-1])
            continue
        run.downloads.append(fetch.record(build.con, source, result.status, run.run_id, result))
        progress.download_done(run.downloads[-1])
        if result.status == "downloaded" and ingest_them:
            these = ingest_tasks.ingest_file(build, result.path, discovery.label_for(result.path),
                                settings, run.run_id, True)
            run.outcomes += these
            progress.file_done(these)


def stage_backfill(build: warehouse.Build, items: list[backfill.PlanItem],
                   settings: Settings, workers: int) -> dict:
    """With workers > 1: the files a backfill reads again from the landing zone (the
    municipal files, stored once per value) checked and staged in parallel, a `stage-file`
    task each; {sha256: future}. The other files are rebuilt from the raw rows the warehouse
    keeps: nothing to read, nothing to fan out."""
    from seguridad.warehouse import backfill

    futures: dict = {}
    if workers <= 1:
        return futures
    threads = ingest_tasks.worker_threads(workers)
    try:
        for item in items:
            if formats()[item.format].get("versioned") and item.file_sha256 not in futures:
                path = backfill.raw_path(build.con, item, settings, verify=False)
                futures[item.file_sha256] = ingest_tasks.stage_file.submit(
                    path, item.file_name, settings, threads)
    except BaseException:  # a file no longer there: what was already submitted goes too
        ingest_tasks.discard_staged(futures, settings)
        raise
    return futures


@task(name="rebuild-months", cache_policy=NO_CACHE)
def rebuild_months(build: warehouse.Build, item: backfill.PlanItem, window: Window,
                   settings: Settings, staged: fanout.Staged | None = None) -> int:
    """Delete and re-insert one file's months of the window from its raw rows (or, for the
    municipal file stored once per value, from its raw file in the landing zone)."""
    from seguridad.warehouse import backfill

    return backfill.rebuild(build.con, item, window, settings, staged)


def task_runner(settings: Settings, workers: int):
    """The task runner the `stage-file` tasks fan out on: None (the flow's own, serial) for
    one worker; else a Dask cluster through prefect-dask, the one at SEGURIDAD_DASK_ADDRESS
    or a LocalCluster of `workers` processes. Its workers report their task runs to this
    process's Prefect API: when that is the temporary local server, it is started here first,
    so that each worker does not start one of its own."""
    if workers <= 1:
        return None
    import logging

    from prefect.settings import PREFECT_API_URL
    from prefect_dask import DaskTaskRunner

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    env = {}
    if not PREFECT_API_URL.value():
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()
        server.start()
        env["PREFECT_API_URL"] = server.api_url
    logging.getLogger("distributed").setLevel(logging.ERROR)
    return DaskTaskRunner(cluster_class="distributed.LocalCluster", cluster_kwargs={
        "n_workers": workers, "threads_per_worker": 1, "processes": True,
        "dashboard_address": None, "silence_logs": logging.ERROR, "env": env})
