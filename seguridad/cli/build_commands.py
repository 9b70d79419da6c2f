"""The commands that bring data in and rebuild the warehouse, each by running its Prefect flow:
ingest, refresh (the nightly job), fetch and backfill."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from seguridad import i18n
from seguridad.cli.flowrun import WORKERS_HELP, run_flow
from seguridad.cli.helpers import reading, text_names
from seguridad.cli.root import app
from seguridad.errors import SeguridadError


@app.command()
def ingest(files: Annotated[list[Path], typer.Argument(help="Raw files to ingest.")]) -> None:
    """Copy files into the landing zone, validate each, load what passes, publish once.

    Exits 1 if any file is rejected (the others are still loaded)."""
    from seguridad.intake.rawfiles import readable_name

    missing = [readable_name(str(f)) for f in files if not f.is_file()]
    if missing:
        raise SeguridadError(i18n.say("cli.no_such_file", names=", ".join(missing)))
    unreadable = [readable_name(str(f)) for f in files if not os.access(f, os.R_OK)]
    if unreadable:
        raise SeguridadError(i18n.say("cli.cannot_read", names=", ".join(unreadable)))
    with text_names(files) as paths:
        code = run_flow("flows.ingest:ingest_flow", paths=paths)
    raise typer.Exit(code)


@app.command()
def refresh(full: Annotated[bool, typer.Option(
        help="Rebuild from every file of the landing zone instead of adding to the "
             "published warehouse.")] = False,
        fetch: Annotated[bool, typer.Option(
            help="Download the official files first (schemas/sources.toml).")] = False,
        report: Annotated[bool, typer.Option(
            help="Write the standard report set under warehouse/reports/<date>/.")] = True,
        force: Annotated[bool, typer.Option(
            help="With --full: publish even when the landing zone has no data file.")] =
        False,
        workers: Annotated[int, typer.Option(min=1, help=WORKERS_HELP)] = 1,
) -> None:
    """The nightly job: ingest new files of the landing zone, rebuild, publish, report.

    Exits 1 only if a file is rejected for the first time (or a download fails)."""
    raise typer.Exit(run_flow("flows.refresh:refresh_flow", full=full, fetch=fetch,
                              report=report, force=force, workers=workers))


@app.command("fetch")
def fetch_command(
    source: Annotated[list[str] | None, typer.Option(
        help="Only these sources (keys of schemas/sources.toml); repeatable.")] = None,
    ingest: Annotated[bool, typer.Option(help="Ingest what was downloaded.")] = True,
) -> None:
    """Download the official files (retries on network errors, conditional GET), land them
    atomically, then ingest and publish what is new. Exits 1 if a download failed."""
    raise typer.Exit(run_flow("flows.fetch:fetch_flow", sources=source, ingest=ingest))


@app.command()
def backfill(
    from_month: Annotated[str, typer.Option("--from", help="First month, YYYY-MM.")],
    to_month: Annotated[str, typer.Option("--to", help="Last month, YYYY-MM.")],
    dataset: Annotated[str | None, typer.Option(
        help="Only this dataset (crime_state, crime_municipal, victims_state, ...).")] = None,
    dry_run: Annotated[bool, typer.Option(help="Print the plan and stop.")] = False,
    workers: Annotated[int, typer.Option(min=1, help=WORKERS_HELP)] = 1,
) -> None:
    """Rebuild months from the raw vintages the warehouse keeps, then the marts.

    Prints the plan (months, tables, and which cuts are used) before it writes. Idempotent:
    a backfill that died can be run again."""
    from seguridad.analysis import windows
    from seguridad.warehouse import backfill as backfill_mod

    window = windows.Window.parse(f"{from_month}:{to_month}")
    with reading() as con:
        typer.echo(backfill_mod.describe(backfill_mod.plan(con, window, dataset), window),
                   nl=False)
    if dry_run:
        typer.echo(i18n.say("run.dry_run"))
        return
    raise typer.Exit(run_flow("flows.backfill:backfill_flow", from_month=from_month,
                              to_month=to_month, dataset=dataset, workers=workers,
                              quiet_plan=True))
