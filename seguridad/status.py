"""`seguridad status`: what the published warehouse holds and how it got there."""

from __future__ import annotations

import io
from datetime import date, datetime

from schemas.names import formats, is_yearly
from seguridad import journal, reconciliation, warehouse
from seguridad.config import Settings
from seguridad.errors import NoWarehouse


def coverage(format_name: str, first: date, last: date, cut: str | None) -> tuple[str, str]:
    """The span a file or series covers (years for yearly data, months otherwise) and the cut
    behind it: a SESNSP publication cut, a population projection, or none (budgets, prices)."""
    span = (f"{first:%Y} .. {last:%Y}" if is_yearly(format_name)
            else f"{first:%Y-%m} .. {last:%Y-%m}")
    if cut:
        return span, f"cut {cut}"
    projection = formats()[format_name]["dataset"].startswith("population_")
    return span, "projection" if projection else "no cut"


def describe(settings: Settings) -> str:
    out = io.StringIO()
    try:
        con = warehouse.connect_read_only(settings)
    except NoWarehouse as e:
        return f"{e}\n"
    try:
        out.write(f"warehouse: {settings.warehouse_path}\nlanding zone: {settings.raw_dir}\n\n")
        out.write("Datasets and series (for each month the newest cut wins; the cuts behind "
                  "each series):\n")
        states = series_states(con)
        for dataset, series, fmt, first, last, cuts, loaded in con.execute("""
                SELECT c.dataset, c.series, any_value(rf.format), min(c.month), max(c.month),
                       string_agg(DISTINCT strftime(c.cut_date, '%Y-%m'), ', '
                                  ORDER BY strftime(c.cut_date, '%Y-%m')),
                       max(rf.loaded_at)
                FROM core.current_file_months AS c JOIN ops.raw_files AS rf USING (file_sha256)
                GROUP BY ALL ORDER BY c.dataset, min(c.month)
                """).fetchall():
            span, cut = coverage(fmt, first, last, cuts)
            state = states.get((dataset, series), "")
            out.write(f"  {dataset:<20} {series:<17} {span:<18} {cut:<12} "
                      f"loaded {loaded:%Y-%m-%d %H:%M}{state}\n")
        out.write("\nFiles:\n")
        for name, status, fmt, cut, rows, reason, warnings in con.execute(
                "SELECT f.file_name, f.status, f.format, f.cut_date, f.rows, f.status_reason, "
                "(SELECT count(*) FROM ops.data_warnings AS w "
                " WHERE w.file_sha256 = f.file_sha256) "
                "FROM ops.raw_files AS f ORDER BY status, dataset, cut_date").fetchall():
            cut_text = f"cut {cut:%Y-%m}" if cut else ""
            detail = f"{fmt or ''} {cut_text} {rows or 0:,} rows" if status != "rejected" \
                else (reason or "")
            if warnings:
                detail += f"; {warnings:,} warning(s) in ops.data_warnings"
            out.write(f"  {status:<10} {name}  {detail.strip()}\n")
        out.write(warnings_section(con))
        out.write("\nLast runs (including those that failed or were killed):\n")
        history = sorted(journal.entries(settings).values(), key=lambda r: r["started_at"],
                         reverse=True)
        for run in history[:8]:
            started = datetime.fromisoformat(run["started_at"])
            took = ""
            if journal._iso(run.get("finished_at")):
                seconds = (datetime.fromisoformat(run["finished_at"]) - started).total_seconds()
                took = f"{seconds:6.1f}s"
            out.write(f"  {started:%Y-%m-%d %H:%M} {run['status']:<9} {took:>7}  "
                      f"{run['command']:<8} {run.get('message') or ''}\n")
    finally:
        con.close()
    return out.getvalue()


def series_states(con) -> dict[tuple[str, str], str]:
    """(dataset, series) -> what to say of it: a closed series whose last cut is loaded is
    complete (never stale, however old the cut); an open one is behind when the publication
    calendar says a newer cut is out (core.series_status)."""
    out = {}
    for dataset, series, newest, closed, expected, state in con.execute(
            "SELECT dataset, series, newest_cut, closed_cut, expected_cut, state "
            "FROM core.series_status").fetchall():
        if state == "complete":
            text = f"closed: complete (last cut {closed:%Y-%m})"
        elif state == "closed_incomplete":
            text = f"closed at {closed:%Y-%m}; newest cut loaded {newest:%Y-%m}"
        elif state == "behind":
            text = f"behind: the cut of {expected:%Y-%m} is out by the calendar"
        else:
            text = "current"
        out[(dataset, series)] = f"  [{text}]"
    return out


def warnings_section(con) -> str:
    """What the loaded files carry that is odd (ops.data_warnings, by rule) and where the
    state files and the municipal files disagree most (marts.state_municipal_reconciliation)."""
    out = io.StringIO()
    rules = con.execute("""
        SELECT check_name, count(*), count(DISTINCT w.file_sha256)
        FROM ops.data_warnings AS w JOIN ops.raw_files AS f USING (file_sha256)
        WHERE f.status IN ('loaded', 'superseded')
        GROUP BY ALL ORDER BY 2 DESC, 1""").fetchall()
    if rules:
        out.write("\nWarnings in the loaded files (ops.data_warnings; the files loaded):\n")
        for rule, n, files in rules:
            out.write(f"  {n:>6,}  {rule[:90]}  ({files} file(s))\n")
    gaps = reconciliation.worst_gaps(con)
    if gaps:
        out.write("\nState files against the municipal files, the worst gaps "
                  "(marts.state_municipal_reconciliation):\n")
        for g in gaps:
            pct = "n/a" if g["gap_pct"] is None else f"{g['gap_pct']:+.1f}%"
            flag = "  WARNING: beyond the tolerance" if g["beyond_tolerance"] else ""
            out.write(f"  {g['state_name']} {g['indicator']} {g['year']} ({g['series']}, "
                      f"{g['months']} months): state {g['state_total']:,}, municipal "
                      f"{g['municipal_total']:,} = {g['identified']:,} in municipalities + "
                      f"{g['unattributed']:,} unattributed + {g['unknown']:,} unknown codes; "
                      f"gap {g['gap']:+,} ({pct}; tolerance {g['tolerance_pct']:g}%){flag}\n")
    return out.getvalue()
