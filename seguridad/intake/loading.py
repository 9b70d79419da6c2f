"""Loading a checked file: raw -> core in one transaction (its format's load SQL under
warehouse/sql/load/), its row in ops.file_intake, its warnings in ops.data_warnings; and
recording a rejection in ops.file_intake and ops.quarantine. Whether a file is loaded or
superseded is not recorded here: the view ops.raw_files derives it from the build."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from schemas import reference
from seguridad.config import SQL_DIR, Settings
from seguridad.db import fetch_one, run_sql_file, set_variables
from seguridad.errors import Failure, FileRejected
from seguridad.intake import rawfiles, severity
from seguridad.intake.checking import QUARANTINE_LIMIT, numbered_landing, outlier_warnings
from seguridad.intake.discovery import landing_path_of
from seguridad.intake.outcomes import ArchiveRef, CheckedFile, FileOutcome

ALL_MONTHS = (date(1, 1, 1), date(9999, 12, 1))  # the month range of a whole file


def load_file(con: duckdb.DuckDBPyConnection, checked: CheckedFile, settings: Settings,
              run_id: str) -> FileOutcome:
    """raw -> core in one transaction, then the file's row in ops.file_intake."""
    spec = checked.spec
    con.execute("BEGIN TRANSACTION")
    try:
        if not spec.get("versioned"):  # a raw copy, for backfills (versioned files reread)
            numbered, _ = numbered_landing(checked.row_map)
            con.execute(f"INSERT INTO {spec['raw_table']} BY NAME SELECT ? AS file_sha256, "
                        f"* RENAME (__row AS row_number) FROM ({numbered})", [checked.sha256])
        set_variables(con, file_sha256=checked.sha256, series=checked.series,
                      dataset=spec["dataset"], core_table=spec["core_table"],
                      month_from=ALL_MONTHS[0], month_to=ALL_MONTHS[1])
        # Registered first: the staging views read the file's series from ops.file_intake.
        upsert_raw_file(con, checked.sha256, checked.label, checked.path, settings,
                        intake="accepted", reason=None, run_id=run_id, fmt=checked.format,
                        dataset=spec["dataset"], series=checked.series, facts=checked.facts,
                        rows=checked.rows, archive=checked.archive)
        known = catalogue_ids(con, checked.series)
        for name in spec["load_sql"]:
            run_sql_file(con, SQL_DIR / "load" / name)
        severity.locate(con, typed_rows(con, spec), checked.warnings)
        if spec.get("versioned"):
            load_versions(con, checked)
        if known:  # a series already seen: rows new to it are worth a word
            checked.warnings += new_crime_rows(con, checked.series, known)
        checked.warnings += outlier_warnings(con, spec)
        if "overlap_checks" in spec:
            checked.warnings += overlap_warnings(con, spec)
        first, last = fetch_one(
            con, "SELECT min(month), max(month) FROM core.file_months "
                 "WHERE file_sha256 = ? AND published_cells > 0", [checked.sha256])
        name_cut = rawfiles.cut_from_name(checked.path.name)
        cut = None
        if spec.get("publication_cut", True):
            cut = last
            if name_cut and name_cut != last and not closing_file(checked.series, last,
                                                                  name_cut):
                raise FileRejected(
                    checked.label,
                    f"its name says the {name_cut:%Y-%m} cut but its last published month is "
                    f"{last:%Y-%m}: truncated, or named for another cut")
        elif spec.get("edition") == "name" and name_cut:
            # A yearly report's edition: published after the last year it reports on.
            if name_cut.year <= last.year:
                raise FileRejected(
                    checked.label,
                    f"its name says the edition of {name_cut:%Y-%m}, but it reports fiscal year "
                    f"{last:%Y}, which can only be published after the year ends")
            cut = name_cut
        upsert_raw_file(con, checked.sha256, checked.label, checked.path, settings,
                        intake="accepted", reason=None, run_id=run_id, fmt=checked.format,
                        dataset=spec["dataset"], series=checked.series, facts=checked.facts,
                        cut=cut, name_cut=name_cut, first=first, last=last, rows=checked.rows,
                        archive=checked.archive)
        record_failures(con, "ops.data_warnings", checked.sha256, checked.label,
                        checked.warnings, run_id)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    cut_text = f", cut {cut:%Y-%m}" if cut else ""
    warned = ""
    if checked.warnings:
        kinds = sorted({w.check for w in checked.warnings})
        warned = (f"; {len(checked.warnings)} warning(s), see ops.data_warnings: "
                  + "; ".join(kinds))
    # Yearly figures (budgets, populations) are listed by their January: say years.
    span = (f"{first:%Y}" if first.year == last.year else f"{first:%Y} to {last:%Y}") \
        if reference.is_yearly(checked.format) else f"{first:%Y-%m} to {last:%Y-%m}"
    return FileOutcome(
        checked.label, checked.sha256, "loaded",
        f"loaded {checked.rows:,} rows as {checked.format} ({checked.series}{cut_text}; "
        f"{span}; {checked.facts.encoding}, {checked.facts.line_ending}){warned}",
        checked.format, spec["dataset"], checked.series, cut, checked.rows,
        facts={"first": first, "last": last, "yearly": reference.is_yearly(checked.format),
               "encoding": checked.facts.encoding, "line_ending": checked.facts.line_ending,
               "warnings": len(checked.warnings),
               "warning_kinds": sorted({w.check for w in checked.warnings})})


def closing_file(series: str, last: date, name_cut: date) -> bool:
    """A closed series published after it closed: the SESNSP's 2015-2025 file, issued from
    January 2026 on, ends at its last cut (December 2025) whatever month its name states
    (schemas/reference/series.csv closed_cut)."""
    closed = reference.load("series").set_index("series")["closed_cut"].get(series)
    if not isinstance(closed, str):
        return False
    closed_cut = date(int(closed[:4]), int(closed[5:]), 1)
    return last == closed_cut and name_cut > closed_cut


def typed_rows(con: duckdb.DuckDBPyConnection, spec: dict) -> str:
    """The file just loaded, one typed row per file row (row_number, year, state, crime id,
    municipality): what its warnings are located in. A municipal file's staged rows, or the
    format's wide staging view (staging.<format>_wide) filtered to the file."""
    if spec.get("versioned"):
        return "SELECT row_number, year, left(municipality_code, 2) AS state_code, crime_id, " \
               "municipality_code FROM staged"
    view = spec["raw_table"].removeprefix("raw.") + "_wide"
    (exists,) = fetch_one(con, "SELECT count(*) FROM duckdb_views() WHERE schema_name = "
                               "'staging' AND view_name = ?", [view])
    if not exists:
        return "SELECT NULL AS no_rows"
    # the view's name comes from formats.toml; the file is the variable load_file has set
    return f"SELECT * FROM staging.{view} WHERE file_sha256 = getvariable('file_sha256')"


def load_versions(con: duckdb.DuckDBPyConnection, checked: CheckedFile) -> str:
    """Write what a staged municipal file adds or revises, row by row at the grain it is
    published (warehouse/sql/load/municipal/): `first` for the first file of its series,
    `in_order` for a file newer than every file of its series (the monthly case), `general`
    for one older than some (a backfill, a late copy). Returns the path taken."""
    (cut,) = fetch_one(con, "SELECT max(month) FROM core.file_months WHERE file_sha256 = ? "
                            "AND published_cells > 0", [checked.sha256])
    (rows,) = fetch_one(con, "SELECT count(*) FROM (SELECT 1 FROM core.crime_municipal_rows "
                             "WHERE series = ? LIMIT 1)", [checked.series])
    # The file's cut, recorded before its versions are written: they follow core.cut_order.
    con.execute("UPDATE ops.file_intake SET cut_date = ? WHERE file_sha256 = ?",
                [cut, checked.sha256])
    (newer,) = fetch_one(con, """
        SELECT count(*) FROM core.cut_order AS o, core.cut_order AS this
        WHERE this.file_sha256 = ? AND o.dataset = this.dataset AND o.series = this.series
          AND o.cut_rank > this.cut_rank""", [checked.sha256])
    mode = "first" if not rows else "in_order" if not newer else "general"
    set_variables(con, cut=cut)
    run_sql_file(con, SQL_DIR / "load" / "municipal" / f"20_{mode}.sql")
    return mode


# What warehouse/sql/load/municipal/ leaves behind: dropped once the file is loaded (or not).
MUNICIPAL_TEMPS = ("staged", "staged_catalogue", "staged_months", "changed_rows", "incoming",
                   "prior", "restored", "row_versions", "touched_rows", "written_rows",
                   "file_rank", "this_rank")


def drop_municipal_temps(con: duckdb.DuckDBPyConnection) -> None:
    for temp in MUNICIPAL_TEMPS:
        con.execute(f"DROP TABLE IF EXISTS {temp}")


def upsert_raw_file(con: duckdb.DuckDBPyConnection, sha: str, label: str, path: Path,
                    settings: Settings, *, intake: str, reason: str | None, run_id: str,
                    fmt: str | None = None, dataset: str | None = None,
                    series: str | None = None, facts: rawfiles.TextFacts | None = None,
                    cut: date | None = None, name_cut: date | None = None,
                    first: date | None = None, last: date | None = None,
                    rows: int | None = None, archive: ArchiveRef | None = None) -> None:
    now = datetime.now().astimezone()
    values = {
        "file_sha256": sha, "file_name": label,
        "landing_path": archive.landing_path if archive else landing_path_of(path, settings),
        "bytes": path.stat().st_size, "format": fmt, "dataset": dataset, "series": series,
        "encoding": facts.encoding if facts else None,
        "line_ending": facts.line_ending if facts else None, "cut_date": cut,
        "name_cut": name_cut, "first_month": first, "last_month": last, "rows": rows,
        "intake": intake, "intake_reason": reason, "first_seen_at": now,
        "loaded_at": now if intake in ("accepted", "unpacked") else None, "updated_at": now,
        "run_id": run_id, "archive_sha256": archive.archive_sha256 if archive else None,
        "mtime_ns": None if archive else path.stat().st_mtime_ns,
    }
    updates = ", ".join(f"{k} = excluded.{k}" for k in values
                        if k not in ("file_sha256", "first_seen_at"))
    con.execute(
        f"INSERT INTO ops.file_intake ({', '.join(values)}) "
        f"VALUES ({', '.join('?' for _ in values)}) "
        f"ON CONFLICT (file_sha256) DO UPDATE SET {updates}", list(values.values()))


def overlap_warnings(con: duckdb.DuckDBPyConnection, spec: dict) -> list[Failure]:
    """What the format's overlap check (warehouse/sql/checks/) finds between the file being
    loaded and the files of its dataset loaded before: warnings, not rejections."""
    set_variables(con, value_column=spec["header"][-1])
    sql = (SQL_DIR / "checks" / spec["overlap_checks"]).read_text(encoding="utf-8")
    return [Failure(check, message, row=row, column=column, value=value)
            for row, column, check, value, message in con.execute(sql).fetchall()]


def catalogue_ids(con: duckdb.DuckDBPyConnection, series: str) -> set[int]:
    return {i for (i,) in con.execute(
        "SELECT crime_id FROM core.crime_catalogue WHERE series = ?", [series]).fetchall()}


def new_crime_rows(con: duckdb.DuckDBPyConnection, series: str,
                   known: set[int]) -> list[Failure]:
    """Crime rows the file just added to a series whose catalogue was already known: a new or
    renamed row of the SESNSP catalogue, which the crosswalk may not map yet. Warned, since
    a renamed row silently leaves every indicator but delitos_total."""
    rows = con.execute("""
        SELECT tipo, subtipo, modalidad, crime_id FROM core.crime_catalogue
        WHERE series = $1 AND NOT list_contains($2, crime_id)
        ORDER BY ALL""", [series, sorted(known)]).fetchall()
    return [Failure("new crime row", f"a crime row new to the {series} catalogue: {tipo} / "
                    f"{subtipo} / {modalidad}; it counts in delitos_total and in another "
                    "indicator only if schemas/reference/crime_crosswalk.csv maps it",
                    value=f"{tipo} / {subtipo} / {modalidad}", crime_id=crime_id)
            for tipo, subtipo, modalidad, crime_id in rows]


def record_rejection(con: duckdb.DuckDBPyConnection, sha: str, label: str, path: Path,
                     settings: Settings, rejected: FileRejected, run_id: str,
                     archive: ArchiveRef | None = None, fmt: str | None = None,
                     dataset: str | None = None,
                     facts: rawfiles.TextFacts | None = None) -> None:
    upsert_raw_file(con, sha, label, path, settings, intake="rejected", reason=rejected.reason,
                    run_id=run_id, archive=archive, fmt=fmt, dataset=dataset, facts=facts)
    record_failures(con, "ops.quarantine", sha, label,
                    rejected.failures or [Failure("file", rejected.reason)], run_id)


def record_failures(con: duckdb.DuckDBPyConnection, table: str, sha: str, label: str,
                    failures: list[Failure], run_id: str) -> None:
    """Replace the file's rows in ops.quarantine (rejections) or ops.data_warnings."""
    con.execute(f"DELETE FROM {table} WHERE file_sha256 = ?", [sha])
    if not failures:
        return
    now = datetime.now().astimezone()
    columns = ["file_sha256", "file_name", "row_number", "column_name", "check_name", "value",
               "message", "run_id", "recorded_at"]
    scoped = table == "ops.data_warnings"  # where each warning's value lands
    where = ["geo_level", "geo_code", "crime_id", "month_from", "month_to", "rows"]
    rows = pd.DataFrame(
        [(sha, label, f.row, f.column, f.check, f.value, f.message, run_id, now)
         + ((f.geo_level, f.geo_code, f.crime_id, f.month_from, f.month_to, f.rows)
            if scoped else ())
         for f in failures[:QUARANTINE_LIMIT]],
        columns=columns + (where if scoped else []))
    if scoped:
        rows = rows.astype({"crime_id": "Int64", "rows": "Int64"})
        for c in ("month_from", "month_to"):
            rows[c] = pd.to_datetime(rows[c]).dt.date
    con.register("failure_rows", rows)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM failure_rows")
    finally:
        con.unregister("failure_rows")
