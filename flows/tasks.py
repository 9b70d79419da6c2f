"""The steps the flows are made of, as Prefect tasks. Each wraps a plain function; none caches
(they pass a warehouse build around, which is neither hashable nor worth caching)."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from seguridad import ingest, report, runs, warehouse
from seguridad.config import Settings


@task(name="prepare-warehouse", cache_policy=NO_CACHE)
def prepare_warehouse(build: warehouse.Build, settings: Settings) -> None:
    """Create or update schemas, reference data and staging views in the build."""
    warehouse.setup(build.con, settings)


@task(name="ingest-file", cache_policy=NO_CACHE)
def ingest_file(build: warehouse.Build, path: Path, label: str, settings: Settings,
                run_id: str, retry_rejected: bool) -> list[ingest.FileOutcome]:
    """Land, validate and load one file (or each member of a ZIP archive); a bad file is
    recorded as rejected, not raised."""
    return ingest.ingest_path(build.con, path, label, settings, run_id, retry_rejected)


@task(name="rebuild-marts", cache_policy=NO_CACHE)
def rebuild_marts(build: warehouse.Build, settings: Settings) -> None:
    """Pick the newest cut for every month, derive core tables and rebuild the marts."""
    warehouse.derive(build.con, settings)


@task(name="record-run", cache_policy=NO_CACHE)
def record_run(build: warehouse.Build, run: runs.RunSummary, status: str) -> None:
    runs.record(build.con, run, status, flow_run_id=flow_run.get_id())


@task(name="publish", cache_policy=NO_CACHE)
def publish(build: warehouse.Build) -> None:
    """Checkpoint the build and swap it onto the published path in one rename."""
    build.publish()


@task(name="write-report", cache_policy=NO_CACHE)
def write_report(settings: Settings, out_dir: Path) -> dict | None:
    """The standard change report, from the published warehouse (read-only)."""
    con = warehouse.connect_read_only(settings)
    try:
        return report.write_standard_report(con, out_dir)
    finally:
        con.close()
