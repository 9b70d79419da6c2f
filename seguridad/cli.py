"""The `seguridad` command. Reading commands (report, status, sql) open the published
warehouse read-only and never import Prefect; writing commands run the Prefect flows."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from seguridad import config
from seguridad.errors import SeguridadError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Mexico's public-security statistics: raw SESNSP files to a DuckDB "
                       "warehouse and change reports anyone can check.")
report_app = typer.Typer(no_args_is_help=True, help="Comparisons and reports.")
app.add_typer(report_app, name="report")


def _quiet_prefect() -> None:
    """Run offline and quietly from any directory (prefect.toml only applies in the repo)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def _print_run(run) -> None:
    for note in run.notes:
        typer.echo(f"note: {note}", err=True)
    if run.plan:
        typer.echo(run.plan, nl=False)
    for d in run.downloads:
        detail = d["file_name"] or d["message"] or ("unchanged on the server (HTTP 304)"
                                                    if d["status"] == "not_modified" else "")
        typer.echo(f"{d['status']:<14} {d['source']}: {detail}",
                   err=d["status"] in ("failed", "refused"))
    for o in run.outcomes:
        mark = {"loaded": "loaded ", "unchanged": "same   ", "skipped": "WARNING",
                "rejected": "REJECTED", "unpacked": "archive"}[o.status]
        typer.echo(f"{mark} {o.label}: {o.message}" if o.status != "rejected"
                   else f"{mark} {o.message}", err=o.status in ("rejected", "skipped"))
    typer.echo(run.headline())
    if run.published:
        typer.echo(f"warehouse: {config.settings().warehouse_path}")
    if run.report:
        typer.echo(f"report: {run.report['markdown']} (and {run.report['csv'].name})")


def _run_flow(flow, quiet_plan: bool = False, **params) -> int:
    state = flow(**params, return_state=True)
    run = state.result(raise_on_failure=False)
    if isinstance(run, BaseException):
        raise run
    if quiet_plan:  # already printed before the run
        run.plan = None
    _print_run(run)
    return 1 if state.is_failed() else 0


@app.command()
def ingest(files: Annotated[list[Path], typer.Argument(help="Raw files to ingest.")]) -> None:
    """Copy files into the landing zone, validate each, load what passes, publish once.

    Exits 1 if any file is rejected (the others are still loaded)."""
    from seguridad.rawfiles import readable_name

    missing = [readable_name(str(f)) for f in files if not f.is_file()]
    if missing:
        raise SeguridadError(f"no such file: {', '.join(missing)}")
    unreadable = [readable_name(str(f)) for f in files if not os.access(f, os.R_OK)]
    if unreadable:
        raise SeguridadError(f"cannot read (permission denied): {', '.join(unreadable)}")
    from flows.ingest import ingest_flow

    with _text_names(files) as paths:
        code = _run_flow(ingest_flow, paths=paths)
    raise typer.Exit(code)


@contextlib.contextmanager
def _text_names(files: list[Path]):
    """The paths as text a flow run can carry: a name whose bytes are not UTF-8 (Latin-1, as
    Windows and old ZIPs write them) is reached through a link named in Latin-1 text."""
    import shutil
    import tempfile

    from seguridad.rawfiles import readable_name

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
    from flows.refresh import refresh_flow

    raise typer.Exit(_run_flow(_fanned_out(refresh_flow, workers), full=full, fetch=fetch,
                               report=report, force=force, workers=workers))


@app.command("fetch")
def fetch_command(
    source: Annotated[list[str] | None, typer.Option(
        help="Only these sources (keys of schemas/sources.toml); repeatable.")] = None,
    ingest: Annotated[bool, typer.Option(help="Ingest what was downloaded.")] = True,
) -> None:
    """Download the official files (retries on network errors, conditional GET), land them
    atomically, then ingest and publish what is new. Exits 1 if a download failed."""
    from flows.fetch import fetch_flow

    raise typer.Exit(_run_flow(fetch_flow, sources=source, ingest=ingest))


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
    from seguridad import backfill as backfill_mod
    from seguridad import warehouse, windows

    settings = config.settings()
    window = windows.Window.parse(f"{from_month}:{to_month}")
    con = warehouse.connect_read_only(settings)
    try:
        typer.echo(backfill_mod.describe(backfill_mod.plan(con, window, dataset), window),
                   nl=False)
    finally:
        con.close()
    if dry_run:
        typer.echo("Dry run: nothing was written.")
        return
    from flows.backfill import backfill_flow

    raise typer.Exit(_run_flow(_fanned_out(backfill_flow, workers), from_month=from_month,
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
    lang: Annotated[str, typer.Option(help="es or en.")] = "es",
    allow_break: Annotated[bool, typer.Option(
        help="Allow the windows to come from two methodologies (flagged in the output).")] =
        False,
    include_attempts: Annotated[bool, typer.Option(
        help="Count attempts ('Tentativa de ...', 2026 catalogue) in the indicator.")] = False,
    sex: Annotated[str, typer.Option(help="Victims only: Hombre, Mujer or Total.")] = "Total",
    age_group: Annotated[str, typer.Option(
        help="Victims only: an age band as published, or Total.")] = "Total",
    low_count: Annotated[int, typer.Option(help="Flag counts under this.")] = 10,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Use only the cuts published by this date (YYYY-MM-DD): what the "
                        "data said then.")] = None,
    per: Annotated[str | None, typer.Option(
        help="day or month: each window's count per day (the daily average) or per month "
             "of it; windows of different lengths may then be compared.")] = None,
) -> None:
    """Compare an indicator between two windows of equal length (or a preset)."""
    from seguridad import compare, html, report, warehouse, windows

    if fmt not in ("table", "csv", "md", "json", "html"):
        raise SeguridadError(f"unknown format {fmt!r}: use table, csv, md, json or html")
    if lang not in ("es", "en"):
        raise SeguridadError(f"unknown language {lang!r}: use es or en")
    as_of_date = _a_date(as_of, "--as-of") if as_of else None
    con = warehouse.connect_read_only(config.settings())
    try:
        if preset:
            if current or baseline:
                raise SeguridadError("use either --preset or --current/--baseline, not both")
            since_month = windows.parse_month(since) if since else None
            last = windows.parse_month(end) if end else compare.default_end(
                con, indicator, geo, measure, preset, since_month, as_of_date)
            cur_w, base_w = windows.preset_windows(preset, last, since_month)
        elif current and baseline:
            cur_w, base_w = windows.Window.parse(current), windows.Window.parse(baseline)
        else:
            raise SeguridadError("give --current and --baseline, or a --preset (mom, yoy, ytd, "
                                 "r12, since)")
        result = compare.compare(
            con, indicator=indicator, geo=geo, current=cur_w, baseline=base_w,
            measure=measure, series=series, population_vintage=population_vintage, lang=lang,
            allow_break=allow_break, include_attempts=include_attempts, sex=sex,
            age_group=age_group, by=by, low_count=low_count, as_of=as_of_date, per=per)
        text = html.render_html(con, result) if fmt == "html" else report.render(result, fmt)
    finally:
        con.close()
    _write(text, output)


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
    lang: Annotated[str, typer.Option(help="es or en.")] = "es",
) -> None:
    """What a program spent, in how many polygons and municipalities, for how many people,
    and how crime moved where it spent against comparable places where it did not; for a
    federal program, what Congress approved against what was exercised (Cuenta Pública)."""
    from seguridad import spending, warehouse, windows

    if fmt not in ("table", "md", "csv", "json"):
        raise SeguridadError(f"unknown format {fmt!r}: use table, md, csv or json")
    if lang not in ("es", "en"):
        raise SeguridadError(f"unknown language {lang!r}: use es or en")
    con = warehouse.connect_read_only(config.settings())
    try:
        result = spending.build(
            con, program, windows.Window.parse(before) if before else None,
            windows.Window.parse(after) if after else None, lang,
            spending.parse_years(years) if years else None)
    finally:
        con.close()
    sys.stdout.write(spending.render(result, fmt))


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
    from seguridad import claims, factcheck, factcheck_report, warehouse

    if fmt not in ("table", "md", "json", "html", "claimreview"):
        raise SeguridadError(f"unknown format {fmt!r}: use table, md, json, html or "
                             "claimreview")
    if lang not in (None, "es", "en"):
        raise SeguridadError(f"unknown language {lang!r}: use es or en")
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

    from seguridad import drafting

    if lang not in (None, "es", "en"):
        raise SeguridadError(f"unknown language {lang!r}: use es or en")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", said_on):
        raise SeguridadError(f"--said-on {said_on!r} is not a date: write it as YYYY-MM-DD, "
                             "e.g. 2015-12-18")
    try:
        said = date.fromisoformat(said_on)
    except ValueError:
        raise SeguridadError(f"--said-on {said_on!r} is not a date of the calendar") from None
    if not re.fullmatch(r"\d{4}", baseline_year):
        raise SeguridadError(f"--baseline-year {baseline_year!r} is not a year: write it as "
                             "YYYY, e.g. 2012")
    try:
        data = speech.read_bytes()
    except FileNotFoundError:
        raise SeguridadError(f"{speech}: no such file") from None
    except IsADirectoryError:
        raise SeguridadError(f"{speech}: is a directory, not a text file") from None
    except PermissionError:
        raise SeguridadError(f"{speech}: cannot be read (permission denied)") from None
    except OSError as e:
        raise SeguridadError(f"{speech}: cannot be read: {e.strerror or e}") from None
    text = drafting.decode_speech(data, str(speech), encoding)
    draft = drafting.draft(text, said, int(baseline_year), lang, source=str(speech),
                           title=title, speaker=speaker)
    _write(drafting.render(draft), output)
    if not draft.claims:
        raise SeguridadError(f"{speech}: no sentence states a figure seguridad can check "
                             f"(percent change or pesos); {len(draft.skipped)} kept as "
                             "comments, with the reason")
    typer.echo(f"{drafting.plural(len(draft.claims), 'claim')} drafted, "
               f"{len(draft.skipped)} kept as comments"
               + (f"; check them with: seguridad check-claims {output}" if output else ""),
               err=True)


def _a_date(text: str, option: str):
    from datetime import date

    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise SeguridadError(f"{option} {text!r} is not a date: write it as YYYY-MM-DD, e.g. "
                             "2015-12-18") from None
    if not 1900 <= value.year <= 2100:
        raise SeguridadError(f"{option} {text!r}: the year must be between 1900 and 2100")
    return value


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    if output.is_dir():
        raise SeguridadError(f"--output {output} is a directory: give a file name")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        raise SeguridadError(f"cannot write {output}: {e.strerror or e}") from None
    typer.echo(f"written: {output}", err=True)


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

    from seguridad import journal, runs, warehouse

    settings = config.settings()
    run = runs.new_run("rollback", {})
    with journal.tracked(settings, run):
        restored = warehouse.rollback(settings)
    stamp = datetime.strptime(restored.name.split("-")[1], "%Y%m%dT%H%M%S")
    typer.echo(f"Restored the warehouse as it was published before {stamp:%Y-%m-%d %H:%M:%S} "
               f"({len(warehouse.snapshots(settings))} earlier snapshot(s) left).")


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
    from seguridad import lake, warehouse

    con = warehouse.connect_read_only(config.settings())
    try:
        wanted = [t.strip() for t in tables.split(",") if t.strip()] if tables else None
        manifest = lake.export(con, to.resolve(), wanted)
    finally:
        con.close()
    rows = sum(t["rows"] for t in manifest["tables"])
    typer.echo(f"exported {len(manifest['tables'])} table(s), {rows:,} rows, from "
               f"{len(manifest['sources'])} source file(s): {to.resolve() / 'current'} -> "
               f"publications/{manifest['publication']}")


@app.command()
def status() -> None:
    """What is in the warehouse: each series' coverage and cut, files, last runs."""
    from seguridad import status as status_mod

    sys.stdout.write(status_mod.describe(config.settings()))


@app.command()
def sql(query: Annotated[str, typer.Argument(help="A read-only SQL query.")],
        fmt: Annotated[str, typer.Option("--format", help="table or csv.")] = "table") -> None:
    """Run a quick read-only query against the published warehouse."""
    import csv
    from decimal import Decimal

    from seguridad import warehouse

    # Read-only, and nothing outside the warehouse: no COPY ... TO, EXPORT, ATTACH, INSTALL,
    # reading files, or changing the configuration (SET) for the rest of the session.
    con = warehouse.connect_read_only(config.settings(), config={
        "enable_external_access": False, "autoload_known_extensions": False,
        "autoinstall_known_extensions": False})
    con.execute("SET lock_configuration = true")
    try:
        result = con.execute(query)
        names = [d[0] for d in result.description] if result.description else []
        rows = result.fetchall()
    finally:
        con.close()
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(["" if v is None else v for v in r] for r in rows)
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
    sys.stdout.write(f"({len(rows):,} rows)\n")


@app.command()
def dictionary(output: Annotated[Path | None, typer.Option(
        help="Write the Markdown here (the repository keeps warehouse/DATA_DICTIONARY.md).")]
        = None) -> None:
    """The data dictionary of the analysts' schemas, from the warehouse's descriptions."""
    from seguridad import dictionary as dictionary_mod
    from seguridad import warehouse

    con = warehouse.connect_read_only(config.settings())
    try:
        text = dictionary_mod.markdown(con)
    finally:
        con.close()
    _write(text, output)


def run(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code: errors meant for the user are printed
    as one line, not raised."""
    import click
    import duckdb

    _quiet_prefect()
    try:
        code = app(args=argv, prog_name="seguridad", standalone_mode=False)
    except click.ClickException as e:  # usage errors
        e.show()
        return e.exit_code
    except click.exceptions.Abort:
        typer.echo("aborted", err=True)
        return 130
    except (SeguridadError, duckdb.Error) as e:
        typer.echo(f"error: {e}", err=True)
        return 1
    return code if isinstance(code, int) else 0


def main() -> None:
    sys.exit(run())
