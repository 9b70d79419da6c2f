"""`seguridad ingest FILE...`: copy files into the landing zone, validate each on its own,
load what passes, rebuild the marts and publish once, at the end."""

from __future__ import annotations

from pathlib import Path

from prefect import flow
from prefect.states import Failed

from flows import tasks
from seguridad import config, progress, rawfiles, runs, warehouse
from seguridad.errors import SeguridadError
from seguridad.i18n import say


@flow(name="seguridad-ingest")
@tasks.ends_failed_on_user_errors
def ingest_flow(paths: list[str], retry_rejected: bool = True):
    settings = config.settings()
    if warehouse.needs_full_rebuild(settings):
        raise SeguridadError(say("flow.other_version"))
    run = runs.new_run("ingest", {"paths": paths})
    with tasks.published_build(settings, run) as build:
        progress.step(say("step.files"), total=len(paths))
        for p in paths:
            these = tasks.ingest_file(build, Path(p), rawfiles.readable_name(p), settings,
                                      run.run_id, retry_rejected)
            run.outcomes += these
            progress.file_done(these)
            progress.advance()
        if run.changed_data:
            tasks.rebuild_marts(build, settings)
    if run.rejected:
        return Failed(message=f"{len(run.rejected)} file(s) rejected: "
                              + "; ".join(o.label for o in run.rejected), data=run)
    return run
