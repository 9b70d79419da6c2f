"""`seguridad ingest FILE...`: copy files into the landing zone, validate each on its own,
load what passes, rebuild the marts and publish once, at the end."""

from __future__ import annotations

from pathlib import Path

from prefect import flow
from prefect.runtime import flow_run
from prefect.states import Failed

from flows import ingest_tasks, tasks
from seguridad import config, progress
from seguridad.errors import SeguridadError
from seguridad.i18n import say
from seguridad.intake import rawfiles
from seguridad.warehouse import build as warehouse
from seguridad.warehouse import journal, runs


@flow(name="seguridad-ingest")
@tasks.ends_failed_on_user_errors
def ingest_flow(paths: list[str], retry_rejected: bool = True):
    settings = config.settings()
    if warehouse.needs_full_rebuild(settings):
        raise SeguridadError(say("flow.other_version"))
    run = runs.new_run("ingest", {"paths": paths})
    labels = [rawfiles.readable_name(p) for p in paths]
    # Files the warehouse already holds: said so under the writer lock, with no build copy,
    # nothing checked or published (as a refresh with nothing new); journalled like any run.
    with warehouse.writer_session(settings) as notes:
        known = tasks.known_files(settings, [Path(p) for p in paths], labels)
    run.notes += notes
    if known is not None:
        with journal.tracked(settings, run, flow_run.get_id()):
            run.outcomes += known
            for outcome in known:
                progress.file_done([outcome])
        return run
    with tasks.published_build(settings, run) as build:
        progress.step(say("step.files"), total=len(paths))
        for p, label in zip(paths, labels, strict=True):
            these = ingest_tasks.ingest_file(build, Path(p), label, settings, run.run_id,
                                      retry_rejected)
            run.outcomes += these
            progress.file_done(these)
            progress.advance()
        if run.changed_data:
            tasks.rebuild_marts(build, settings)
    if run.rejected:
        return Failed(message=f"{len(run.rejected)} file(s) rejected: "
                              + "; ".join(o.label for o in run.rejected), data=run)
    return run
