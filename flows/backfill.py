"""`seguridad backfill --from YYYY-MM --to YYYY-MM [--dataset D] [--dry-run] [--workers N]`:
rebuild those months from the raw vintages the warehouse keeps, then the marts; publish once.
With --workers N the files read again from the landing zone are checked in parallel on a
Dask cluster (flows/tasks.py: task_runner), and this flow, the one writer, loads them."""

from __future__ import annotations

from prefect import flow

from flows import ingest_tasks, tasks
from seguridad import config, progress
from seguridad.analysis.windows import Window
from seguridad.errors import SeguridadError
from seguridad.i18n import say
from seguridad.warehouse import backfill, runs
from seguridad.warehouse import build as warehouse


@flow(name="seguridad-backfill")
@tasks.ends_failed_on_user_errors
def backfill_flow(from_month: str, to_month: str, dataset: str | None = None,
                  dry_run: bool = False, workers: int = 1):
    settings = config.settings()
    if warehouse.needs_full_rebuild(settings):
        raise SeguridadError(say("flow.other_version"))
    window = Window.parse(f"{from_month}:{to_month}")
    run = runs.new_run("backfill", {"from": from_month, "to": to_month, "dataset": dataset,
                                    "dry_run": dry_run, "workers": workers})
    if dry_run:
        con = warehouse.connect_read_only(settings)
        try:
            run.plan = backfill.describe(backfill.plan(con, window, dataset), window)
        finally:
            con.close()
        return run
    with tasks.published_build(settings, run) as build:
        items = backfill.plan(build.con, window, dataset)
        run.plan = backfill.describe(items, window)
        backfill.prepare(build.con, items, window)
        staged = tasks.stage_backfill(build, items, settings, workers)
        progress.step(say("step.backfill"), total=len(items))
        try:
            for item in items:  # oldest cut first (the plan's order)
                progress.advance()
                future = staged.pop(item.file_sha256, None)
                run.rebuilt.append((item, tasks.rebuild_months(
                    build, item, window, settings,
                    ingest_tasks.staged_result(future, item.file_name) if future else None)))
        finally:
            ingest_tasks.discard_staged(staged, settings)
        if items:
            tasks.rebuild_marts(build, settings)
    return run
