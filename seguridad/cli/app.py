"""The `seguridad` command. Reading commands (report, status, sql) open the published
warehouse read-only and never import Prefect; writing commands run the Prefect flows."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from seguridad import config, i18n
from seguridad.errors import SeguridadError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Mexico's public-security statistics: raw SESNSP files to a DuckDB "
                       "warehouse and change reports anyone can check.")
report_app = typer.Typer(no_args_is_help=True, help="Comparisons and reports.")
app.add_typer(report_app, name="report")


@app.callback()
def global_options(lang: Annotated[str | None, typer.Option(
        "--lang", help="Language of the messages: es (default) or en; also "
                       "SEGURIDAD_LANG.")] = None) -> None:
    """Options of every command, given before it: seguridad --lang en status."""
    if lang is not None:
        i18n.set_language(_language(lang))


def _language(lang: str | None) -> str | None:
    if lang is not None and lang not in i18n.LANGUAGES:
        raise SeguridadError(i18n.say("cli.unknown_lang", value=lang))
    return lang


def _quiet_prefect() -> None:
    """Run offline and quietly from any directory (prefect.toml only applies in the repo).
    Prefect's client shows a telemetry notice on a terminal's first run whatever the server
    setting says; DO_NOT_TRACK is the client's own switch."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def _print_run(run, display=None) -> None:
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


def _run_flow(flow_path: str, quiet_plan: bool = False, workers: int | None = None,
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
                flow = _fanned_out(flow, workers)
                params["workers"] = workers
            state = flow(**params, return_state=True)
            run = state.result(raise_on_failure=False)
    if isinstance(run, BaseException):
        raise run
    if quiet_plan:  # already printed before the run
        run.plan = None
    _print_run(run, display)
    return 1 if state.is_failed() else 0


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
    with _text_names(files) as paths:
        code = _run_flow("flows.ingest:ingest_flow", paths=paths)
    raise typer.Exit(code)


@contextlib.contextmanager
def _text_names(files: list[Path]):
    """The paths as text a flow run can carry: a name whose bytes are not UTF-8 (Latin-1, as
    Windows and old ZIPs write them) is reached through a link named in Latin-1 text."""
    import shutil
    import tempfile

    from seguridad.intake.rawfiles import readable_name

    links = None
    out = []
    for f in files:
        text = str(f)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            links = links or Path(tempfile.mkdtemp(prefix="seguridad-names-"))
            link = links / readable_name(f.name)
            link.symlink_to(f.resolve())
            text = str(link)
        out.append(text)
    try:
        yield out
    finally:
        if links:
            shutil.rmtree(links, ignore_errors=True)


WORKERS_HELP = ("Check and stage the files in parallel on this many worker processes (a "
                "local Dask cluster, or the one at SEGURIDAD_DASK_ADDRESS); one writer loads "
                "them in order. 1: serial, in this process.")


def _fanned_out(flow, workers: int):
    """The flow on a Dask task runner when its files are to fan out over workers."""
    if workers <= 1:
        return flow
    from flows import tasks

    return flow.with_options(task_runner=tasks.task_runner(config.settings(), workers))


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
    raise typer.Exit(_run_flow("flows.refresh:refresh_flow", full=full, fetch=fetch,
                               report=report, force=force, workers=workers))


@app.command("fetch")
def fetch_command(
    source: Annotated[list[str] | None, typer.Option(
        help="Only these sources (keys of schemas/sources.toml); repeatable.")] = None,
    ingest: Annotated[bool, typer.Option(help="Ingest what was downloaded.")] = True,
) -> None:
    """Download the official files (retries on network errors, conditional GET), land them
    atomically, then ingest and publish what is new. Exits 1 if a download failed."""
    raise typer.Exit(_run_flow("flows.fetch:fetch_flow", sources=source, ingest=ingest))


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
    from seguridad.warehouse import build as warehouse

    settings = config.settings()
    window = windows.Window.parse(f"{from_month}:{to_month}")
    con = warehouse.connect_read_only(settings)
    try:
        typer.echo(backfill_mod.describe(backfill_mod.plan(con, window, dataset), window),
                   nl=False)
    finally:
        con.close()
    if dry_run:
        typer.echo(i18n.say("run.dry_run"))
        return
    raise typer.Exit(_run_flow("flows.backfill:backfill_flow", from_month=from_month,
                               to_month=to_month, dataset=dataset, workers=workers,
                               quiet_plan=True))


@report_app.command("compare")
def report_compare(
    indicator: Annotated[str, typer.Option(help="Indicator key, e.g. homicidio_doloso.")],
    geo: Annotated[str, typer.Option(
        help="national, a state code (2 or 02) or name, a municipality code (11020), or a "
             "group key (frontera_norte).")],
    current: Annotated[str | None, typer.Option(help="Current window YYYY-MM:YYYY-MM.")] = None,
    baseline: Annotated[str | None, typer.Option(help="Baseline window YYYY-MM:YYYY-MM.")] =
        None,
    preset: Annotated[str | None, typer.Option(
        help="Instead of --current/--baseline: mom, yoy, ytd, r12 or since.")] = None,
    end: Annotated[str | None, typer.Option(
        help="Last month of a preset's current window (default: the last published).")] = None,
    since: Annotated[str | None, typer.Option(
        help="First month of the current window for --preset since (e.g. 2012-12).")] = None,
    measure: Annotated[str, typer.Option(
        help="count or rate (crimes, rate per 100,000 annualised), victims or victims_rate.")] =
        "count",
    by: Annotated[str | None, typer.Option(
        help="Break the total down: state (for national) or member (for a group).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, md, json or html.")] =
        "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
    series: Annotated[str | None, typer.Option(
        help="Methodology; default: the newest that publishes both windows.")] = None,
    population_vintage: Annotated[str | None, typer.Option(
        help="conapo_2023 or conapo_2010 (for rates).")] = None,
    lang: Annotated[str | None, typer.Option(
        help="es or en (default: the global --lang, else SEGURIDAD_LANG, else es).")] = None,
    allow_break: Annotated[bool, typer.Option(
        help="Allow the windows to come from two methodologies (flagged in the output).")] =
        False,
    include_attempts: Annotated[bool, typer.Option(
        help="Count attempts ('Tentativa de ...', 2026 catalogue) in the indicator.")] = False,
    sex: Annotated[str, typer.Option(help="Victims only: Hombre, Mujer or Total.")] = "Total",
    age_group: Annotated[str, typer.Option(
        help="Victims only: an age band as published, or Total.")] = "Total",
    low_count: Annotated[int | None, typer.Option(
        help="Flag counts under this (default: low_count of "
             "schemas/reference/report_thresholds.csv).")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Use only the cuts published by this date (YYYY-MM-DD): what the "
                        "data said then.")] = None,
    per: Annotated[str | None, typer.Option(
        help="day or month: each window's count per day (the daily average) or per month "
             "of it; windows of different lengths may then be compared.")] = None,
) -> None:
    """Compare an indicator between two windows of equal length (or a preset)."""
    from seguridad.analysis import compare, windows
    from seguridad.reports import html
    from seguridad.reports import text as report
    from seguridad.warehouse import build as warehouse

    if fmt not in ("table", "csv", "md", "json", "html"):
        raise SeguridadError(i18n.say("cli.unknown_format", fmt=fmt,
                                      choices="table, csv, md, json, html"))
    lang = _language(lang) or i18n.language()
    as_of_date = _a_date(as_of, "--as-of") if as_of else None
    con = warehouse.connect_read_only(config.settings())
    try:
        if preset:
            if current or baseline:
                raise SeguridadError(i18n.say("cli.preset_or_windows"))
            since_month = windows.parse_month(since) if since else None
            last = windows.parse_month(end) if end else compare.default_end(
                con, indicator, geo, measure, preset, since_month, as_of_date)
            cur_w, base_w = windows.preset_windows(preset, last, since_month)
        elif current and baseline:
            cur_w, base_w = windows.Window.parse(current), windows.Window.parse(baseline)
        else:
            raise SeguridadError(i18n.say("cli.give_windows"))
        result = compare.compare(
            con, indicator=indicator, geo=geo, current=cur_w, baseline=base_w,
            measure=measure, series=series, population_vintage=population_vintage, lang=lang,
            allow_break=allow_break, include_attempts=include_attempts, sex=sex,
            age_group=age_group, by=by, low_count=low_count, as_of=as_of_date, per=per)
        text = html.render_html(con, result) if fmt == "html" else report.render(result, fmt)
    finally:
        con.close()
    _write(text, output)
    if fmt == "csv" and output is not None:  # issue 23b: described by a datapackage.json
        _described(output, report.CSV_COLUMNS, report.as_records(result), result.sources, lang)


@report_app.command("spending")
def report_spending(
    program: Annotated[str, typer.Option(
        help="A prevention program's key, a Ramo 33 fund (fasp, faeb, ...), or a federal "
             "program of schemas/reference/budget_programs.csv (pronapred, subsemun, ...).")],
    before: Annotated[str | None, typer.Option(
        help="Window before the program (default: the year before it began).")] = None,
    after: Annotated[str | None, typer.Option(
        help="Window after (default: its last fiscal year).")] = None,
    years: Annotated[str | None, typer.Option(
        help="Fiscal years YYYY:YYYY (default: every year the files give).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, md, csv or json.")] = "table",
    lang: Annotated[str | None, typer.Option(
        help="es or en (default: the global --lang, else SEGURIDAD_LANG, else es).")] = None,
) -> None:
    """What a program spent, in how many polygons and municipalities, for how many people,
    and how crime moved where it spent against comparable places where it did not; for a
    federal program, what Congress approved against what was exercised (Cuenta Pública)."""
    from seguridad.analysis import windows
    from seguridad.reports import spending, spending_text
    from seguridad.warehouse import build as warehouse

    if fmt not in ("table", "md", "csv", "json"):
        raise SeguridadError(i18n.say("cli.unknown_format", fmt=fmt,
                                      choices="table, md, csv, json"))
    lang = _language(lang) or i18n.language()
    con = warehouse.connect_read_only(config.settings())
    try:
        result = spending.build(
            con, program, windows.Window.parse(before) if before else None,
            windows.Window.parse(after) if after else None, lang,
            spending.parse_years(years) if years else None)
    finally:
        con.close()
    sys.stdout.write(spending_text.render(result, fmt))


# --- issue 23b: rankings by rate and maps ---------------------------------------------------

@report_app.command("ranking")
def report_ranking(
    indicator: Annotated[str, typer.Option(help="Indicator key, e.g. homicidio_doloso.")],
    level: Annotated[str, typer.Option(help="state or municipality.")] = "state",
    per_capita: Annotated[bool, typer.Option(
        "--per-capita/--counts",
        help="Rank by the annualised rate per 100,000 (default) or by the count.")] = True,
    current: Annotated[str | None, typer.Option(
        help="Window YYYY-MM:YYYY-MM (default: the last 12 months of the newest series that "
             "publishes them).")] = None,
    series: Annotated[str | None, typer.Option(help="Methodology (default: the newest "
                                                    "that publishes the window).")] = None,
    within: Annotated[str | None, typer.Option(
        help="With --level municipality: only this state's municipalities.")] = None,
    low_count: Annotated[int | None, typer.Option(
        help="Flag counts under this (default: low_count of "
             "schemas/reference/report_thresholds.csv).")] = None,
    suppress_low: Annotated[bool, typer.Option(
        help="List places under the low-count threshold apart, unranked.")] = False,
    fmt: Annotated[str, typer.Option(
        "--format", help="table, md, csv, json, excel (CSV for spreadsheets) or html (with "
                         "the map).")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
    lang: Annotated[str | None, typer.Option(
        help="es or en (default: the global --lang, else SEGURIDAD_LANG, else es).")] = None,
) -> None:
    """Rank the states (or municipalities) by their rate per 100,000, low counts flagged."""
    from seguridad.analysis import windows
    from seguridad.reports import ranking
    from seguridad.warehouse import build as warehouse

    if fmt not in ("table", "md", "csv", "json", "excel", "html"):
        raise SeguridadError(i18n.say("cli.unknown_format", fmt=fmt,
                                      choices="table, md, csv, json, excel, html"))
    lang = _language(lang) or i18n.language()
    if fmt == "excel" and output is None:
        raise SeguridadError(i18n.say("cli.excel_needs_output"))
    con = warehouse.connect_read_only(config.settings())
    try:
        result = ranking.build(con, indicator, level,
                               windows.Window.parse(current) if current else None, series,
                               per_capita, low_count, lang, within, suppress_low)
        if fmt == "html":
            from seguridad.reports import pages

            text = pages.ranking_page(result)
        elif fmt == "excel":
            text = None
        else:
            text = ranking.render(result, fmt)
    finally:
        con.close()
    if fmt == "excel":
        from seguridad.i18n import t

        records = ranking.records(result)
        people = [{**r, "indicator": result.indicator_label,
                   "series": result.series_words.get(r["series"], r["series"]),
                   "geo_level": t(f"level_{r['geo_level']}", lang)} for r in records]
        _described(output, ranking.CSV_COLUMNS, people, result.sources, lang, excel=True)
        return
    _write(text, output)
    if fmt == "csv" and output is not None:
        _described(output, ranking.CSV_COLUMNS, ranking.records(result), result.sources, lang)


def _described(output: Path, columns: list[str], rows: list[dict], sources: list[dict],
               lang: str, excel: bool = False) -> None:
    """A CSV export and its datapackage.json beside it (the spreadsheet copy is written
    here; the machine CSV was written by _write)."""
    from seguridad.warehouse import datapackage

    try:
        if excel:
            output.parent.mkdir(parents=True, exist_ok=True)
            datapackage.write_excel_csv(output, columns, rows, lang)
            typer.echo(i18n.say("cli.written", output=output), err=True)
        resource = datapackage.resource(output, columns, rows, name=output.stem.lower(),
                                        excel=excel, lang=lang)
        path = datapackage.write_descriptor(output.parent, output.stem.lower(), [resource],
                                            sources)
    except OSError as e:
        raise SeguridadError(i18n.say("cli.cannot_write", output=output,
                                         why=e.strerror or e)) from None
    typer.echo(i18n.say("cli.written", output=path), err=True)


@report_app.command("map")
def report_map(
    indicator: Annotated[str, typer.Option(help="Indicator key, e.g. homicidio_doloso.")],
    output: Annotated[Path, typer.Option(help="The map file: .svg or .png.")],
    level: Annotated[str, typer.Option(help="state or municipality.")] = "state",
    current: Annotated[str | None, typer.Option(
        help="Window YYYY-MM:YYYY-MM (default: the last 12 months published).")] = None,
    series: Annotated[str | None, typer.Option(help="Methodology.")] = None,
    within: Annotated[str | None, typer.Option(
        help="With --level municipality: only this state.")] = None,
    lang: Annotated[str | None, typer.Option(
        help="es or en (default: the global --lang, else SEGURIDAD_LANG, else es).")] = None,
) -> None:
    """A choropleth map of the rate per 100,000 (low counts and places without population
    marked), as SVG or PNG, drawn offline from INEGI's boundaries shipped in raw/geo/."""
    from seguridad.analysis import windows
    from seguridad.reports import maps, ranking
    from seguridad.warehouse import build as warehouse

    if output.suffix.lower() not in (".svg", ".png"):
        raise SeguridadError(i18n.say("cli.map_suffix", output=output))
    lang = _language(lang) or i18n.language()
    con = warehouse.connect_read_only(config.settings())
    try:
        result = ranking.build(con, indicator, level,
                               windows.Window.parse(current) if current else None, series,
                               lang=lang, within=within)
    finally:
        con.close()
    try:
        maps.write(result, output)
    except OSError as e:
        raise SeguridadError(i18n.say("cli.cannot_write", output=output,
                                         why=e.strerror or e)) from None
    typer.echo(i18n.say("cli.written", output=output), err=True)


@app.command("check-claims")
def check_claims(
    file: Annotated[Path, typer.Argument(help="A claims file (TOML; see claims/).")],
    fmt: Annotated[str, typer.Option(
        "--format", help="table, md, json, html or claimreview (schema.org JSON-LD; the "
                         "reviewer is SEGURIDAD_REVIEWER).")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
    lang: Annotated[str | None, typer.Option(
        help="es or en (default: the statement's, else es).")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Check against only the cuts published by this date (YYYY-MM-DD) "
                        "instead of the newest.")] = None,
) -> None:
    """Check every figure of a statement against the published warehouse: the verdict, the
    definitions that reproduce it, how far it moves under the others, and the caveats."""
    from seguridad.factcheck import claims
    from seguridad.factcheck import engine as factcheck
    from seguridad.reports import factcheck_page as factcheck_report
    from seguridad.warehouse import build as warehouse

    if fmt not in ("table", "md", "json", "html", "claimreview"):
        raise SeguridadError(i18n.say("cli.unknown_format", fmt=fmt,
                                      choices="table, md, json, html, claimreview"))
    lang = _language(lang) or i18n.asked_language()
    loaded = claims.load(file, str(file))
    con = warehouse.connect_read_only(config.settings())
    try:
        result = factcheck.check_file(con, loaded, lang or loaded.statement.lang or "es",
                                      as_of=_a_date(as_of, "--as-of") if as_of else None)
    finally:
        con.close()
    _write(factcheck_report.render(result, fmt), output)


@app.command("draft-claims")
def draft_claims(
    speech: Annotated[Path, typer.Argument(
        help="The statement as plain text (lines starting with # are ignored).")],
    said_on: Annotated[str, typer.Option("--said-on", help="When it was said, YYYY-MM-DD.")],
    baseline_year: Annotated[str, typer.Option(
        "--baseline-year",
        help="The last year before the period the speaker takes credit for, e.g. 2012.")],
    lang: Annotated[str | None, typer.Option(
        help="es or en (default: told from the text).")] = None,
    output: Annotated[Path | None, typer.Option(
        help="Write the claims file here (default: print it).")] = None,
    encoding: Annotated[str, typer.Option(
        help="The speech's encoding when it is not UTF-8, e.g. cp1252.")] = "utf-8",
    title: Annotated[str | None, typer.Option(help="The statement's title.")] = None,
    speaker: Annotated[str, typer.Option(help="Who said it.")] = "",
) -> None:
    """Draft a claims file from a speech: every sentence that states a percent change or an
    amount of pesos becomes a claim, with the words that decided each field; the rest is kept
    as comments with the reason. No warehouse needed; check the draft with check-claims."""
    import re
    from datetime import date

    from seguridad.factcheck import drafting

    lang = _language(lang) or i18n.asked_language()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", said_on):
        raise SeguridadError(i18n.say("cli.not_a_date", option="--said-on", text=said_on))
    try:
        said = date.fromisoformat(said_on)
    except ValueError:
        raise SeguridadError(i18n.say("cli.not_in_calendar", option="--said-on",
                                      text=said_on)) from None
    if not re.fullmatch(r"\d{4}", baseline_year):
        raise SeguridadError(i18n.say("cli.not_a_year", text=baseline_year))
    try:
        data = speech.read_bytes()
    except FileNotFoundError:
        raise SeguridadError(i18n.say("cli.speech_missing", path=speech)) from None
    except IsADirectoryError:
        raise SeguridadError(i18n.say("cli.speech_is_dir", path=speech)) from None
    except OSError as e:
        raise SeguridadError(i18n.say("cli.speech_unreadable", path=speech,
                                      why=e.strerror or e)) from None
    text = drafting.decode_speech(data, str(speech), encoding)
    draft = drafting.draft(text, said, int(baseline_year), lang, source=str(speech),
                           title=title, speaker=speaker)
    _write(drafting.render(draft), output)
    if not draft.claims:
        raise SeguridadError(i18n.say("cli.no_claims", path=speech, kept=len(draft.skipped)))
    typer.echo(i18n.say("cli.drafted", n=len(draft.claims), count=len(draft.claims),
                        kept=len(draft.skipped))
               + (i18n.say("cli.check_them", output=output) if output else ""), err=True)


def _a_date(text: str, option: str):
    from datetime import date

    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise SeguridadError(i18n.say("cli.not_a_date", option=option, text=text)) from None
    if not 1900 <= value.year <= 2100:
        raise SeguridadError(i18n.say("cli.year_range", option=option, text=text))
    return value


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    if output.is_dir():
        raise SeguridadError(i18n.say("cli.output_is_dir", output=output))
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        raise SeguridadError(i18n.say("cli.cannot_write", output=output,
                                      why=e.strerror or e)) from None
    typer.echo(i18n.say("cli.written", output=output), err=True)


@app.command()
def serve(
    cron: Annotated[str, typer.Option(help="When the nightly refresh runs (cron).")] =
        "0 2 * * *",
    timezone: Annotated[str, typer.Option(help="Time zone of the cron.")] =
        "America/Mexico_City",
    fetch: Annotated[bool, typer.Option(
        help="Have the nightly refresh download the official files first.")] = False,
) -> None:
    """Register the nightly refresh and the backfill with the Prefect server at
    PREFECT_API_URL, and run them when due or triggered, until stopped (Ctrl-C)."""
    from flows.serve import serve_forever

    serve_forever(cron, timezone, fetch)


@app.command()
def rollback() -> None:
    """Put back the previous published warehouse (the last 3 are kept; SEGURIDAD_SNAPSHOTS
    changes how many). Run it again to go one further back."""
    from datetime import datetime

    from seguridad.warehouse import build as warehouse
    from seguridad.warehouse import journal, runs

    settings = config.settings()
    run = runs.new_run("rollback", {})
    with journal.tracked(settings, run):
        restored = warehouse.rollback(settings)
    stamp = datetime.strptime(restored.name.split("-")[1], "%Y%m%dT%H%M%S")
    typer.echo(i18n.say("cli.restored", stamp=f"{stamp:%Y-%m-%d %H:%M:%S}",
                        left=len(warehouse.snapshots(settings))))


@app.command("export")
def export_command(
    to: Annotated[Path, typer.Option("--to", help="The lake folder (created if missing).")],
    tables: Annotated[str | None, typer.Option(
        help="Comma-separated schema.table names (default: every marts table and the core "
             "facts).")] = None,
) -> None:
    """Publish the warehouse as a Parquet lake (Hive-partitioned, ZSTD, with _manifest.json)
    that Spark, DuckDB, BigQuery or Trino read; the new publication replaces `current`
    atomically."""
    from seguridad.warehouse import build as warehouse
    from seguridad.warehouse import lake

    con = warehouse.connect_read_only(config.settings())
    try:
        wanted = [t.strip() for t in tables.split(",") if t.strip()] if tables else None
        manifest = lake.export(con, to.resolve(), wanted)
    finally:
        con.close()
    rows = sum(t["rows"] for t in manifest["tables"])
    typer.echo(i18n.say("cli.exported", tables=len(manifest["tables"]), rows=f"{rows:,}",
                        sources=len(manifest["sources"]), current=to.resolve() / "current",
                        publication=manifest["publication"]))


@app.command("indicadores")
def indicadores(fmt: Annotated[str, typer.Option("--format", help="table or json.")] =
                "table") -> None:
    """The indicators --indicator accepts: key, name, unit, catalogues (alias: indicators)."""
    from seguridad.analysis import listing
    from seguridad.warehouse import build as warehouse

    if fmt not in ("table", "json"):
        raise SeguridadError(i18n.say("cli.unknown_format", fmt=fmt, choices="table, json"))
    con = warehouse.connect_read_only(config.settings())
    try:
        rows = listing.indicators(con, i18n.language())
    finally:
        con.close()
    sys.stdout.write(listing.render_indicators(rows, fmt))


app.command("indicators", hidden=True)(indicadores)

LEVEL_WORDS = {"nacional": "national", "national": "national", "estado": "state",
               "state": "state", "grupo": "group", "group": "group",
               "municipio": "municipality", "municipality": "municipality"}


@app.command("lugares")
def lugares(
    search: Annotated[str | None, typer.Argument(
        help="Only the places whose name, code or other name contains this (León, edomex).")]
        = None,
    level: Annotated[str | None, typer.Option(
        "--nivel", "--level", help="nacional, estado, grupo or municipio (national, state, "
                                  "group, municipality).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """The places --geo accepts: the country, the states and their other names, the groups,
    and the municipalities on request (alias: places)."""
    from seguridad.analysis import listing
    from seguridad.warehouse import build as warehouse

    if fmt not in ("table", "json"):
        raise SeguridadError(i18n.say("cli.unknown_format", fmt=fmt, choices="table, json"))
    if level is not None and level.lower() not in LEVEL_WORDS:
        raise SeguridadError(i18n.say("list.unknown_level", level=level))
    con = warehouse.connect_read_only(config.settings())
    try:
        rows = listing.places(con, i18n.language(),
                              LEVEL_WORDS[level.lower()] if level else None, search)
        count = listing.municipality_count(con)
    finally:
        con.close()
    sys.stdout.write(listing.render_places(rows, fmt, count))


app.command("places", hidden=True)(lugares)


@app.command()
def status() -> None:
    """What is in the warehouse: each series' coverage and cut, files, last runs, and
    whether the published file was changed outside a build."""
    from seguridad.warehouse import status as status_mod

    sys.stdout.write(status_mod.describe(config.settings()))


SQL_LIMIT = 1000  # rows `seguridad sql` prints unless told otherwise


@app.command()
def sql(query: Annotated[str, typer.Argument(help="A read-only SQL query.")],
        fmt: Annotated[str, typer.Option("--format", help="table or csv.")] = "table",
        limit: Annotated[int, typer.Option(
            min=0, help=f"Print at most this many rows (default {SQL_LIMIT:,}); 0: all of "
                        "them.")] = SQL_LIMIT) -> None:
    """Run a quick read-only query against the published warehouse. For more, open it with
    the DuckDB CLI: duckdb -readonly warehouse/seguridad.duckdb (docs/sql.md)."""
    import csv
    from decimal import Decimal

    from seguridad.warehouse import build as warehouse

    # Read-only, and nothing outside the warehouse: no COPY ... TO, EXPORT, ATTACH, INSTALL,
    # reading files, or changing the configuration (SET) for the rest of the session.
    con = warehouse.connect_read_only(config.settings(), config={
        "enable_external_access": False, "autoload_known_extensions": False,
        "autoinstall_known_extensions": False})
    con.execute("SET lock_configuration = true")
    try:
        result = con.execute(query)
        names = [d[0] for d in result.description] if result.description else []
        rows = result.fetchmany(limit + 1) if limit else result.fetchall()
    finally:
        con.close()
    cut = bool(limit) and len(rows) > limit
    rows = rows[:limit] if cut else rows
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(["" if v is None else v for v in r] for r in rows)
        if cut:  # on stderr: the CSV stays data only
            typer.echo(i18n.say("sql.cut", n=f"{limit:,}"), err=True)
        return
    # Values as DuckDB gives them (a year stays 2015, not 2,015); numbers aligned right.
    cells = [names] + [["NULL" if v is None else str(v) for v in r] for r in rows]
    numeric = [bool(rows) and all(isinstance(r[i], int | float | Decimal) and
                                  not isinstance(r[i], bool) for r in rows if r[i] is not None)
               for i in range(len(names))]
    widths = [max(len(row[i]) for row in cells) for i in range(len(names))]
    for n, row in enumerate(cells):
        sys.stdout.write("  ".join(c.rjust(w) if right and n else c.ljust(w)
                                   for c, w, right in zip(row, widths, numeric, strict=True))
                         + "\n")
        if n == 0:
            sys.stdout.write("  ".join("-" * w for w in widths) + "\n")
    sys.stdout.write(i18n.say("sql.rows", n=len(rows), count=f"{len(rows):,}") + "\n")
    if cut:
        typer.echo(i18n.say("sql.cut", n=f"{limit:,}"), err=True)


@app.command()
def dictionary(output: Annotated[Path | None, typer.Option(
        help="Write the Markdown here (the repository keeps warehouse/DATA_DICTIONARY.md).")]
        = None) -> None:
    """The data dictionary of the analysts' schemas, from the warehouse's descriptions."""
    from seguridad.warehouse import build as warehouse
    from seguridad.warehouse import dictionary as dictionary_mod

    con = warehouse.connect_read_only(config.settings())
    try:
        text = dictionary_mod.markdown(con)
    finally:
        con.close()
    _write(text, output)


def run(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code: errors meant for the user are printed
    as one line, not raised; a mistake in the command itself is a usage error (exit 2)."""
    import duckdb

    from seguridad import usage

    args = list(sys.argv[1:] if argv is None else argv)
    _quiet_prefect()
    i18n.set_language(_asked_language(args))
    try:
        if i18n.unknown_language() is not None and _asked_language(args) is None:
            raise SeguridadError(i18n.say("error.unknown_lang", variable=i18n.LANGUAGE_VARIABLE,
                                          value=i18n.unknown_language()))
        from typer.main import get_command

        from seguridad.cli import helptext

        command = get_command(app)
        helptext.localize(command, i18n.language())
        code = command.main(args=args, prog_name="seguridad", standalone_mode=False)
    except usage.NO_ARGS:  # bare `seguridad` or `seguridad report`: Typer printed the help
        return 2
    except usage.USAGE_ERRORS as e:
        typer.echo(usage.one_line(e), err=True)
        return 2
    except usage.CLICK_ERRORS as e:
        typer.echo(f"{i18n.say('error.prefix')}: {e.format_message()}", err=True)
        return e.exit_code
    except (*usage.ABORTS, KeyboardInterrupt):
        typer.echo(i18n.say("error.aborted"), err=True)
        return 130
    except (SeguridadError, duckdb.Error) as e:
        typer.echo(f"{i18n.say('error.prefix')}: {e}", err=True)
        return 1
    except OSError as e:  # a file or folder the system refused (permissions, a full disk)
        why = e.strerror or str(e)
        text = (i18n.say("error.os", path=e.filename, why=why) if e.filename
                else i18n.say("error.os_nameless", why=why))
        typer.echo(f"{i18n.say('error.prefix')}: {text}", err=True)
        return 1
    finally:
        i18n.set_language(None)
    return code if isinstance(code, int) else 0


def _asked_language(args: list[str]) -> str | None:
    """The --lang given anywhere on the line (before the command, or a command's own), so that
    even a usage error is said in the language asked for."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            args[i + 1] if arg == "--lang" and i + 1 < len(args) else None)
        if value in i18n.LANGUAGES:
            return value
    return None


def main() -> None:
    code = run()
    if "prefect" in sys.modules:
        _exit_now(code)
    sys.exit(code)


def _exit_now(code: int) -> None:
    """End a process that ran a flow without Python's teardown of its modules: 0.2-0.5 s
    spent freeing Prefect's objects one by one, for nothing (issue 24). What the normal exit
    does that matters still happens: the threads that are not daemons are waited for, the
    exit hooks run (Prefect sends its last events and logs to the server), the logs and
    the output are flushed."""
    import atexit
    import logging
    import threading

    try:
        for thread in threading.enumerate():
            if thread is not threading.main_thread() and not thread.daemon:
                thread.join()
        atexit._run_exitfuncs()  # CPython's own exit hooks, in their order; then none left
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to add
                stream.flush()
    finally:
        os._exit(code)
