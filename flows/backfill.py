"""`seguridad backfill --from YYYY-MM --to YYYY-MM [--dataset D] [--dry-run]`: rebuild those
months from the raw vintages the warehouse keeps, then the marts; publish once."""

from __future__ import annotations

from prefect import flow
from prefect.runtime import flow_run

from flows import tasks
from seguridad import backfill, config, journal, runs, warehouse
from seguridad.compare import Window
from seguridad.errors import SeguridadError


@flow(name="seguridad-backfill")
@tasks.ends_failed_on_user_errors
def backfill_flow(from_month: str, to_month: str, dataset: str | None = None,
                  dry_run: bool = False):
    settings = config.settings()
    if warehouse.needs_full_rebuild(settings):
        raise SeguridadError("the published warehouse was built by another version of "
                             "seguridad; run `seguridad refresh --full` instead")
    window = Window.parse(f"{from_month}:{to_month}")
    run = runs.new_run("backfill", {"from": from_month, "to": to_month, "dataset": dataset,
                                    "dry_run": dry_run})
    if dry_run:
        con = warehouse.connect_read_only(settings)
        try:
            run.plan = backfill.describe(backfill.plan(con, window, dataset), window)
        finally:
            con.close()
        return run
    with journal.tracked(settings, run, flow_run.get_id()), \
            warehouse.build(settings) as build:
        run.notes += build.notes
        tasks.prepare_warehouse(build, settings)
        items = backfill.plan(build.con, window, dataset)
        run.plan = backfill.describe(items, window)
        backfill.prepare(build.con, items, window)
        for item in items:  # oldest cut first (the plan's order)
            run.rebuilt.append((item, tasks.rebuild_months(build, item, window, settings)))
        if items:
            tasks.rebuild_marts(build, settings)
        tasks.record_run(build, run, "completed")
        tasks.publish(build)
        run.published = True
    return run
