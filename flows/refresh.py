"""`seguridad refresh`, the nightly job: ingest every new file of the landing zone, rebuild,
publish, and write the standard change report (files under warehouse/reports/<date>/ and a
Prefect Markdown artifact)."""

from __future__ import annotations

from datetime import date

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.states import Failed

from flows import tasks
from seguridad import config, ingest, runs, warehouse


@flow(name="seguridad-refresh")
def refresh_flow(full: bool = False):
    settings = config.settings()
    full = full or warehouse.needs_full_rebuild(settings)
    run = runs.new_run("refresh", {"full": full})
    files = ingest.discover(settings.raw_dir)
    with warehouse.build(settings, fresh=full) as build:
        tasks.prepare_warehouse(build, settings)
        for path in files:
            run.outcomes += tasks.ingest_file(build, path, ingest.label_for(path), settings,
                                              run.run_id, retry_rejected=False)
        if run.changed_data:
            tasks.rebuild_marts(build, settings)
        tasks.record_run(build, run, "failed" if run.rejected else "completed")
        tasks.publish(build)
        run.published = True
    run.report = tasks.write_report(settings, settings.reports_dir / date.today().isoformat())
    if run.report:
        create_markdown_artifact(key="seguridad-change-report", markdown=run.report["text"],
                                 description="Standard change report of the nightly refresh")
    if run.rejected:
        return Failed(message=f"{len(run.rejected)} new file(s) rejected: "
                              + "; ".join(o.label for o in run.rejected), data=run)
    return run
