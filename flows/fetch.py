"""`seguridad fetch`: download the official files listed in schemas/sources.toml (retries on
network errors only, conditional GET, atomic landing), then ingest and publish what is new."""

from __future__ import annotations

from prefect import flow
from prefect.states import Failed

from flows import tasks
from seguridad import config
from seguridad.errors import SeguridadError
from seguridad.i18n import say
from seguridad.warehouse import build as warehouse
from seguridad.warehouse import runs


@flow(name="seguridad-fetch")
@tasks.ends_failed_on_user_errors
def fetch_flow(sources: list[str] | None = None, ingest: bool = True):
    settings = config.settings()
    if warehouse.needs_full_rebuild(settings):
        raise SeguridadError(say("flow.other_version"))
    run = runs.new_run("fetch", {"sources": sources, "ingest": ingest})
    with tasks.published_build(settings, run) as build:
        tasks.download_all(build, settings, run, sources, ingest)
        if run.changed_data:
            tasks.rebuild_marts(build, settings)
    if run.rejected or run.failed_downloads:
        return Failed(message=f"{len(run.failed_downloads)} download(s) failed, "
                              f"{len(run.rejected)} file(s) rejected", data=run)
    return run
