"""`seguridad refresh`, the nightly job: ingest every new file of the landing zone, rebuild,
publish, and write the standard change report (files under warehouse/reports/<date>/ and a
Prefect Markdown artifact)."""

from __future__ import annotations

from datetime import date

from prefect import flow
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run
from prefect.states import Failed

from flows import ingest_tasks, tasks
from seguridad import config, progress
from seguridad.i18n import say
from seguridad.intake import discovery
from seguridad.warehouse import build as warehouse
from seguridad.warehouse import journal, runs


@flow(name="seguridad-refresh")
@tasks.ends_failed_on_user_errors
def refresh_flow(full: bool = False, fetch: bool = False, report: bool = True,
                 force: bool = False, workers: int = 1):
    settings = config.settings()
    full = full or warehouse.needs_full_rebuild(settings)
    before = warehouse.published_data_files(settings) if full else {}
    run = runs.new_run("refresh", {"full": full, "fetch": fetch, "report": report,
                                   "force": force, "workers": workers})
    if not full and not fetch:
        progress.step(say("step.looking"))
        # Under the writer lock (wait for a writer at work; clear what a dead one left), but
        # with no build copy: nothing new means nothing to copy, check or publish.
        with warehouse.writer_session(settings) as notes:
            known = tasks.known_landing_zone(settings)
        run.notes += notes
        if known is not None:
            with journal.tracked(settings, run, flow_run.get_id()):
                run.known_files, skipped = known
                run.outcomes += skipped
            folder = settings.reports_dir / date.today().isoformat()
            if report and not (folder / "index.html").exists():
                run.report = tasks.write_report(settings, folder)
            if settings.lake_dir:
                _exported(run, tasks.export_lake(settings))
            return run
    with tasks.published_build(settings, run, fresh=full) as build:
        if fetch:  # download first; the new files are then found in the landing zone
            tasks.download_all(build, settings, run, None, ingest_them=False)
        run.outcomes += ingest_tasks.ingest_all(build, discovery.load_order(discovery.discover(
            settings.raw_dir)), settings, run.run_id, retry_rejected=False, workers=workers)
        if full:
            run.notes += tasks.guard_full_rebuild(build, settings, before, force)
        reference = not full and warehouse.reference_changed(build.con)
        if reference and build.copied:  # a first build has no last build to differ from
            run.notes.append(say("note.reference_changed"))
            run.reference_rebuilt = True
        if run.changed_data or full or reference:
            tasks.rebuild_marts(build, settings)
    if report:
        run.report = tasks.write_report(settings,
                                        settings.reports_dir / date.today().isoformat())
    if settings.lake_dir and run.published:
        _exported(run, tasks.export_lake(settings))
    if run.report:
        create_markdown_artifact(key="seguridad-change-report", markdown=run.report["text"],
                                 description="Standard change report of the nightly refresh")
        create_table_artifact(key="seguridad-national-changes", table=run.report["national"],
                              description="Standard comparisons, national rows")
    if run.rejected or run.failed_downloads:
        return Failed(message=f"{len(run.rejected)} new file(s) rejected, "
                              f"{len(run.failed_downloads)} download(s) failed: "
                              + "; ".join([o.label for o in run.rejected]
                                          + [d["url"] for d in run.failed_downloads]), data=run)
    return run


def _exported(run, manifest: dict | None) -> None:
    if manifest:
        run.notes.append(say("note.lake_exported", publication=manifest["publication"],
                             tables=len(manifest["tables"])))
