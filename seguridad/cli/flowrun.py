"""How the writing commands run a Prefect flow: quietly and offline, on the local Prefect server,
with the run display, fanned out over Dask workers when asked, then the run's summary."""

from __future__ import annotations

import os

import typer

from seguridad import config


def quiet_prefect() -> None:
    """Run offline and quietly from any directory (prefect.toml only applies in the repo).
    Prefect's client shows a telemetry notice on a terminal's first run whatever the server
    setting says; DO_NOT_TRACK is the client's own switch."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def print_run(run, display=None) -> None:
    """What the run did that was not printed while it ran, then the summary: the notes, the
    headline with the time taken, where the warehouse and the report are."""
    from seguridad import runtext
    from seguridad.i18n import say

    shown = display.shown if display is not None else set()
    if run.plan:
        typer.echo(run.plan, nl=False)
    for d in run.downloads:
        if id(d) not in shown:
            text, err = runtext.download_line(d)
            typer.echo(text, err=err)
    for o in run.outcomes:
        if id(o) not in shown:
            text, err = runtext.outcome_line(o)
            typer.echo(text, err=err)
    for note in run.notes:
        typer.echo(f"{say('run.note')}: {note}", err=True)
    headline = runtext.headline(run)
    if display is not None:
        headline += " " + say("run.took", seconds=f"{display.elapsed():.1f}")
    typer.echo(headline)
    if run.published:
        typer.echo(say("run.warehouse", path=config.settings().warehouse_path))
    if run.report:
        typer.echo(say("run.report", markdown=run.report["markdown"],
                       csv=run.report["csv"].name))


def run_flow(flow_path: str, quiet_plan: bool = False, workers: int | None = None,
              **params) -> int:
    """Run a flow ("module:function" of flows/, imported here so that the progress line
    shows while Prefect loads) with the run display, then print the summary."""
    import importlib

    from seguridad import progress
    from seguridad.i18n import say
    from seguridad.orchestration import prefect_server

    with progress.run_display() as display:
        progress.step(say("step.prefect"))
        # On the local Prefect server that later commands reuse (or the user's), not on a
        # temporary one started in this process (issue 24;
        # seguridad/orchestration/prefect_server.py).
        with prefect_server.for_flow_runs(
                config.settings(), on_start=lambda: progress.step(say("server.step"))):
            module, name = flow_path.split(":")
            flow = getattr(importlib.import_module(module), name)
            if workers is not None:
                flow = fanned_out(flow, workers)
                params["workers"] = workers
            state = flow(**params, return_state=True)
            run = state.result(raise_on_failure=False)
    if isinstance(run, BaseException):
        raise run
    if quiet_plan:  # already printed before the run
        run.plan = None
    print_run(run, display)
    return 1 if state.is_failed() else 0


WORKERS_HELP = ("Check and stage the files in parallel on this many worker processes (a "
                "local Dask cluster, or the one at SEGURIDAD_DASK_ADDRESS); one writer loads "
                "them in order. 1: serial, in this process.")


def fanned_out(flow, workers: int):
    """The flow on a Dask task runner when its files are to fan out over workers."""
    if workers <= 1:
        return flow
    from flows import tasks

    return flow.with_options(task_runner=tasks.task_runner(config.settings(), workers))
