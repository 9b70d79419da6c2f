"""Backfills: rebuild a range of months from the raw vintages the warehouse keeps (the raw
layer holds every loaded file's rows as written). For each file that publishes months of the
range, and for each of those months: delete the core rows, insert them again from the raw
rows, in one transaction per file. Idempotent, so a backfill that died can simply be run
again; then the marts are rebuilt and published once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from schemas.reference import formats, is_yearly
from seguridad.analysis.windows import Window
from seguridad.config import SQL_DIR
from seguridad.db import fetch_dicts, fetch_one, run_sql_file, set_variables
from seguridad.errors import SeguridadError
from seguridad.warehouse.status import coverage


@dataclass(frozen=True)
class PlanItem:
    dataset: str
    series: str
    format: str
    file_sha256: str
    file_name: str
    cut_date: date | None
    status: str
    first: date
    last: date
    months: int
    table: str


def plan(con: duckdb.DuckDBPyConnection, window: Window,
         dataset: str | None = None) -> list[PlanItem]:
    """Every loaded cut (current or superseded) that publishes months of the window, in cut
    order (core.cut_order: oldest first, the order the municipal versions are rebuilt in).
    Municipal crimes are stored a row (a year) at a time: their files are rebuilt over the
    whole years of the window (versioned_window)."""
    known = {s["dataset"] for s in formats().values()}
    if dataset is not None and dataset not in known:
        raise SeguridadError(f"unknown dataset {dataset!r}; known: {', '.join(sorted(known))}")
    years = versioned_window(window)
    versioned = sorted({s["dataset"] for s in formats().values() if s.get("versioned")})
    rows = fetch_dicts(con, """
        SELECT rf.dataset, rf.series, rf.format, rf.file_sha256, rf.file_name, rf.cut_date,
               rf.status, min(fm.month) AS first, max(fm.month) AS last, count(*) AS months
        FROM core.file_months AS fm
        JOIN ops.raw_files AS rf USING (file_sha256)
        JOIN core.cut_order AS o USING (file_sha256)
        WHERE CASE WHEN list_contains(?, rf.dataset) THEN fm.month BETWEEN ? AND ?
                   ELSE fm.month BETWEEN ? AND ? END
          AND (CAST(? AS VARCHAR) IS NULL OR rf.dataset = ?)
        GROUP BY ALL
        ORDER BY rf.dataset, rf.series, any_value(o.cut_rank)""",
                       [versioned, years.start, years.end, window.start, window.end, dataset,
                        dataset])
    return [PlanItem(**r, table=formats()[r["format"]]["core_table"]) for r in rows]


def versioned_window(window: Window) -> Window:
    """The window a municipal crime file is rebuilt over: whole years, the grain its rows
    are stored at (core.crime_municipal_rows)."""
    from datetime import date

    return Window(date(window.start.year, 1, 1), date(window.end.year, 12, 1))


def describe(items: list[PlanItem], window: Window) -> str:
    from seguridad.i18n import say
    from seguridad.runtext import dataset_words

    if not items:
        return say("backfill.nothing", window=window) + "\n"
    lines = [say("backfill.plan", window=window, months=window.months, files=len(items))]
    for dataset in dict.fromkeys(i.dataset for i in items):
        lines.append(f"  {dataset_words(dataset)}:")
        for i in (i for i in items if i.dataset == dataset):
            span, cut = coverage(i.format, i.first, i.last,
                                 f"{i.cut_date:%Y-%m}" if i.cut_date else None)
            if not is_yearly(i.format):
                span += " " + say("backfill.months", n=i.months)
            lines.append(f"    {i.series:<17} {cut:<14} {say('status.file_' + i.status):<12} "
                         f"{span:<28} -> {i.table}  {i.file_name}")
    return "\n".join(lines) + "\n"


def prepare(con: duckdb.DuckDBPyConnection, items: list[PlanItem], window: Window) -> None:
    """Before the files of a versioned dataset (municipal crimes, stored a row per version)
    are rebuilt in cut order: delete every version of the rows of the window's years in their
    series, and the revisions recorded in them, so that each file writes again what it adds
    to the one before it."""
    years = versioned_window(window)
    for series in sorted({i.series for i in items if formats()[i.format].get("versioned")}):
        con.execute("DELETE FROM core.crime_municipal_rows WHERE series = ? "
                    "AND year BETWEEN ? AND ?", [series, years.start.year, years.end.year])
        con.execute("DELETE FROM core.crime_municipal_revised_cells WHERE series = ? "
                    "AND month BETWEEN ? AND ?", [series, years.start, years.end])


def rebuild_versioned(con: duckdb.DuckDBPyConnection, item: PlanItem, window: Window,
                      settings, staged=None) -> int:
    """One municipal file's rows of the window's years, staged again from its raw bytes in
    the landing zone (the warehouse keeps no raw copy of 32M cells), written as a load in cut
    order writes them. `staged`: the file already checked by a worker
    (seguridad.intake.fanout.Staged), whose parsed rows are loaded instead."""
    from seguridad.intake import checking, loading

    work = settings.build_dir / f"backfill-{item.file_sha256[:16]}.csv"
    try:
        path = raw_path(con, item, settings, verify=staged is None)
        if staged is None:
            checking.check_file(con, path, item.file_name, item.file_sha256, work)
        elif staged.sha256 != item.file_sha256:
            why = (f"cannot be read again: {staged.reason}" if not staged.sha256 else
                   "no longer has the bytes it was loaded from")
            raise SeguridadError(f"{item.file_name}: its raw file in the landing zone ({path}) "
                                 f"{why}: nothing was rebuilt")
        else:
            staged.restore(con, path)
        con.execute("BEGIN TRANSACTION")
        try:
            years = versioned_window(window)
            set_variables(con, file_sha256=item.file_sha256, series=item.series,
                          dataset=item.dataset, month_from=years.start, month_to=years.end)
            run_sql_file(con, SQL_DIR / "load" / "municipal" / "10_stage.sql")
            run_sql_file(con, SQL_DIR / "load" / "municipal" / "20_in_order.sql")
            (written,) = fetch_one(con, "SELECT count(*) FROM changed_rows")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        work.unlink(missing_ok=True)
        if staged is not None:
            staged.discard()
        con.execute("DROP TABLE IF EXISTS landing")
        loading.drop_municipal_temps(con)
    return written


def raw_path(con: duckdb.DuckDBPyConnection, item: PlanItem, settings, verify: bool = True):
    """Where a loaded file's raw bytes are in the landing zone; `verify`: hash them and
    refuse if they changed (a worker that checks the file hashes it itself)."""
    from pathlib import Path

    from seguridad.intake import rawfiles

    (landing,) = fetch_one(con, "SELECT landing_path FROM ops.raw_files WHERE file_sha256 = ?",
                           [item.file_sha256])
    if "!" in landing:
        raise SeguridadError(f"{item.file_name}: a member of an archive; run `seguridad refresh "
                             "--full` to rebuild its months")
    path = Path(landing) if Path(landing).is_absolute() else settings.raw_dir / landing
    if not path.is_file() or (verify and rawfiles.sha256_of(path) != item.file_sha256):
        raise SeguridadError(f"{item.file_name}: its raw file is no longer in the landing zone "
                             f"as {path} (or its bytes changed): nothing was rebuilt")
    return path


def rebuild(con: duckdb.DuckDBPyConnection, item: PlanItem, window: Window,
            settings=None, staged=None) -> int:
    """Delete and re-insert one file's months of the window from its raw rows; returns the
    core rows written. Files of yearly figures (population, spending) are reloaded whole."""
    spec = formats()[item.format]
    if spec.get("versioned"):
        return rebuild_versioned(con, item, window, settings, staged)
    (raw_rows,) = fetch_one(con, f"SELECT count(*) FROM {spec['raw_table']} "
                                 "WHERE file_sha256 = ?", [item.file_sha256])
    if raw_rows == 0:
        raise SeguridadError(
            f"{item.file_name}: its raw rows are not in the warehouse; run `seguridad refresh "
            "--full` to reload every file of the landing zone")
    con.execute("BEGIN TRANSACTION")
    try:
        set_variables(con, file_sha256=item.file_sha256, series=item.series,
                      dataset=item.dataset, core_table=spec["core_table"],
                      month_from=window.start, month_to=window.end)
        for name in spec["load_sql"]:
            run_sql_file(con, SQL_DIR / "load" / name)
        if is_yearly(item.format):
            (written,) = fetch_one(con, f"SELECT count(*) FROM {item.table} "
                                        "WHERE file_sha256 = ?", [item.file_sha256])
        else:
            (written,) = fetch_one(con, f"SELECT count(*) FROM {item.table} WHERE file_sha256 = ? "
                                        "AND month BETWEEN ? AND ?",
                                   [item.file_sha256, window.start, window.end])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return written
