"""The `report` commands: compare an indicator between two windows, what a program spent and
how crime moved where it spent, the ranking of places by rate, and the choropleth map; a CSV
written to a file gets its datapackage.json beside it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from seguridad import i18n
from seguridad.cli.helpers import (
    Output,
    ReportLang,
    a_date,
    cannot_write,
    check_format,
    reading,
    report_language,
    write,
)
from seguridad.cli.root import report_app
from seguridad.errors import SeguridadError


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
    output: Output = None,
    series: Annotated[str | None, typer.Option(
        help="Methodology; default: the newest that publishes both windows.")] = None,
    population_vintage: Annotated[str | None, typer.Option(
        help="conapo_2023 or conapo_2010 (for rates).")] = None,
    lang: ReportLang = None,
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

    check_format(fmt, ("table", "csv", "md", "json", "html"))
    lang = report_language(lang)
    as_of_date = a_date(as_of, "--as-of") if as_of else None
    with reading() as con:
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
    write(text, output)
    if fmt == "csv" and output is not None:  # issue 23b: described by a datapackage.json
        described(output, report.CSV_COLUMNS, report.as_records(result), result.sources, lang)


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
    lang: ReportLang = None,
) -> None:
    """What a program spent, in how many polygons and municipalities, for how many people,
    and how crime moved where it spent against comparable places where it did not; for a
    federal program, what Congress approved against what was exercised (Cuenta Pública)."""
    from seguridad.analysis import windows
    from seguridad.reports import spending, spending_text

    check_format(fmt, ("table", "md", "csv", "json"))
    lang = report_language(lang)
    with reading() as con:
        result = spending.build(
            con, program, windows.Window.parse(before) if before else None,
            windows.Window.parse(after) if after else None, lang,
            spending.parse_years(years) if years else None)
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
    output: Output = None,
    lang: ReportLang = None,
) -> None:
    """Rank the states (or municipalities) by their rate per 100,000, low counts flagged."""
    from seguridad.analysis import windows
    from seguridad.reports import ranking

    check_format(fmt, ("table", "md", "csv", "json", "excel", "html"))
    lang = report_language(lang)
    if fmt == "excel" and output is None:
        raise SeguridadError(i18n.say("cli.excel_needs_output"))
    with reading() as con:
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
    if fmt == "excel":
        from seguridad.i18n import t

        records = ranking.records(result)
        people = [{**r, "indicator": result.indicator_label,
                   "series": result.series_words.get(r["series"], r["series"]),
                   "geo_level": t(f"level_{r['geo_level']}", lang)} for r in records]
        described(output, ranking.CSV_COLUMNS, people, result.sources, lang, excel=True)
        return
    write(text, output)
    if fmt == "csv" and output is not None:
        described(output, ranking.CSV_COLUMNS, ranking.records(result), result.sources, lang)


def described(output: Path, columns: list[str], rows: list[dict], sources: list[dict],
              lang: str, excel: bool = False) -> None:
    """A CSV export and its datapackage.json beside it (the spreadsheet copy is written
    here; the machine CSV was written by `write`)."""
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
        raise cannot_write(output, e) from None
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
    lang: ReportLang = None,
) -> None:
    """A choropleth map of the rate per 100,000 (low counts and places without population
    marked), as SVG or PNG, drawn offline from INEGI's boundaries shipped in raw/geo/."""
    from seguridad.analysis import windows
    from seguridad.reports import maps, ranking

    if output.suffix.lower() not in (".svg", ".png"):
        raise SeguridadError(i18n.say("cli.map_suffix", output=output))
    lang = report_language(lang)
    with reading() as con:
        result = ranking.build(con, indicator, level,
                               windows.Window.parse(current) if current else None, series,
                               lang=lang, within=within)
    try:
        maps.write(result, output)
    except OSError as e:
        raise cannot_write(output, e) from None
    typer.echo(i18n.say("cli.written", output=output), err=True)
