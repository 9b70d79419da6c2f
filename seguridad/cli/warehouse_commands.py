"""The commands around the published warehouse: serve (the nightly schedule), rollback, export
(the Parquet lake), the indicators and places the reports accept, status, sql and the data
dictionary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from seguridad import config, i18n
from seguridad.cli.helpers import check_format, print_table, reading, write
from seguridad.cli.root import app
from seguridad.errors import SeguridadError


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
    from seguridad.warehouse import lake

    with reading() as con:
        wanted = [t.strip() for t in tables.split(",") if t.strip()] if tables else None
        manifest = lake.export(con, to.resolve(), wanted)
    rows = sum(t["rows"] for t in manifest["tables"])
    typer.echo(i18n.say("cli.exported", tables=len(manifest["tables"]), rows=f"{rows:,}",
                        sources=len(manifest["sources"]), current=to.resolve() / "current",
                        publication=manifest["publication"]))


@app.command("indicadores")
def indicadores(fmt: Annotated[str, typer.Option("--format", help="table or json.")] =
                "table") -> None:
    """The indicators --indicator accepts: key, name, unit, catalogues (alias: indicators)."""
    from seguridad.analysis import listing

    check_format(fmt, ("table", "json"))
    with reading() as con:
        rows = listing.indicators(con, i18n.language())
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

    check_format(fmt, ("table", "json"))
    if level is not None and level.lower() not in LEVEL_WORDS:
        raise SeguridadError(i18n.say("list.unknown_level", level=level))
    with reading() as con:
        rows = listing.places(con, i18n.language(),
                              LEVEL_WORDS[level.lower()] if level else None, search)
        count = listing.municipality_count(con)
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

    # Read-only, and nothing outside the warehouse: no COPY ... TO, EXPORT, ATTACH, INSTALL,
    # reading files, or changing the configuration (SET) for the rest of the session.
    with reading(config={"enable_external_access": False, "autoload_known_extensions": False,
                         "autoinstall_known_extensions": False}) as con:
        con.execute("SET lock_configuration = true")
        result = con.execute(query)
        names = [d[0] for d in result.description] if result.description else []
        rows = result.fetchmany(limit + 1) if limit else result.fetchall()
    cut = bool(limit) and len(rows) > limit
    rows = rows[:limit] if cut else rows
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(["" if v is None else v for v in r] for r in rows)
        if cut:  # on stderr: the CSV stays data only
            typer.echo(i18n.say("sql.cut", n=f"{limit:,}"), err=True)
        return
    print_table(names, rows)
    sys.stdout.write(i18n.say("sql.rows", n=len(rows), count=f"{len(rows):,}") + "\n")
    if cut:
        typer.echo(i18n.say("sql.cut", n=f"{limit:,}"), err=True)


@app.command()
def dictionary(output: Annotated[Path | None, typer.Option(
        help="Write the Markdown here (the repository keeps warehouse/DATA_DICTIONARY.md).")]
        = None) -> None:
    """The data dictionary of the analysts' schemas, from the warehouse's descriptions."""
    from seguridad.warehouse import dictionary as dictionary_mod

    with reading() as con:
        text = dictionary_mod.markdown(con)
    write(text, output)
