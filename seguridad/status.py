"""`seguridad status`: what the published warehouse holds and how it got there."""

from __future__ import annotations

import io
from datetime import date, datetime

from schemas.names import formats, is_yearly
from seguridad import journal, published, reconciliation, runtext, server_state, warehouse
from seguridad.config import Settings
from seguridad.errors import NoWarehouse
from seguridad.failure_text import failure_words, warning_words
from seguridad.i18n import language, say


def coverage(format_name: str, first: date, last: date, cut: str | None) -> tuple[str, str]:
    """The span a file or series covers (years for yearly data, months otherwise) and the cut
    behind it: a SESNSP publication cut, a population projection, or none (budgets, prices)."""
    span = (f"{first:%Y} .. {last:%Y}" if is_yearly(format_name)
            else f"{first:%Y-%m} .. {last:%Y-%m}")
    if cut:
        return span, say("status.cut", cut=cut)
    projection = formats()[format_name]["dataset"].startswith("population_")
    return span, say("status.projection" if projection else "status.no_cut")


def describe(settings: Settings) -> str:
    out = io.StringIO()
    try:
        con = warehouse.connect_read_only(settings)
    except NoWarehouse as e:
        return f"{e}\n"
    try:
        out.write(say("status.where", warehouse=settings.warehouse_path, raw=settings.raw_dir)
                  + "\n")
        out.write(integrity(settings) + "\n")
        out.write(say("status.series_title") + "\n")
        rows = []
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
            rows.append((runtext.dataset_words(dataset) or dataset,
                         runtext.series_words(series) or "", span, cut,
                         say("status.loaded_at", at=f"{loaded:%Y-%m-%d %H:%M}")
                         + states.get((dataset, series), "")))
        out.write(_columns(rows))
        out.write("\n" + say("status.files_title") + "\n")
        for name, status, fmt, cut, n, reason, warnings in con.execute(
                "SELECT f.file_name, f.status, f.format, f.cut_date, f.rows, f.status_reason, "
                "(SELECT count(*) FROM ops.data_warnings AS w "
                " WHERE w.file_sha256 = f.file_sha256) "
                "FROM ops.raw_files AS f ORDER BY status, dataset, cut_date").fetchall():
            if status == "rejected":
                detail = failure_words(reason or "")
            else:
                parts = [runtext.dataset_words(None, fmt) or fmt or ""]
                if cut:
                    parts.append(say("run.cut", cut=f"{cut:%Y-%m}"))
                parts.append(say("status.rows", n=n or 0, count=f"{n or 0:,}"))
                detail = ", ".join(p for p in parts if p)
            if warnings:
                detail += "; " + say("run.warnings", n=warnings, count=f"{warnings:,}",
                                     kinds="").rstrip(": ")
            out.write(f"  {say('status.file_' + status):<12} {name}  {detail.strip()}\n")
        out.write(warnings_section(con))
        out.write("\n" + say("status.runs_title") + "\n")
        history = sorted(journal.entries(settings).values(), key=lambda r: r["started_at"],
                         reverse=True)
        for run in history[:8]:
            started = datetime.fromisoformat(run["started_at"])
            took = ""
            if journal._iso(run.get("finished_at")):
                seconds = (datetime.fromisoformat(run["finished_at"]) - started).total_seconds()
                took = f"{seconds:6.1f}s"
            out.write(f"  {started:%Y-%m-%d %H:%M} {say('status.run_' + run['status']):<11} "
                      f"{took:>7}  {run['command']:<8} {_run_message(run)}\n")
        # issue 24: the Prefect server the writing commands record their runs on
        out.write("\n" + say("server.status_title") + "\n  "
                  + server_state.describe(settings.prefect_server) + "\n")
    finally:
        con.close()
    return out.getvalue()


def integrity(settings: Settings) -> str:
    """Whether the published file is the one a build published: a line for each finding."""
    found = published.check(settings)
    if found is None:
        return ""
    lines = []
    if found.state == "changed":
        lines.append(say("status.changed", recorded=found.recorded[:12],
                         actual=found.actual[:12], record=published.record_path(settings)))
    elif found.state == "unrecorded":
        lines.append(say("status.unrecorded"))
    else:
        lines.append(say("status.intact", sha=found.recorded[:12]))
    if found.writable:
        lines.append(say("status.writable"))
    return "".join(line + "\n" for line in lines)


def _run_message(run: dict) -> str:
    """A run's message in today's reader's language where the journal kept its words."""
    if run["status"] == "killed":
        return say("status.killed")
    words = run.get("words")
    if isinstance(words, list):
        try:
            return runtext.words_text([(k, p) for k, p in words])
        except (KeyError, ValueError, TypeError):  # words of another version of seguridad
            pass
    return run.get("message") or ""


def _columns(rows: list[tuple]) -> str:
    """Rows as aligned columns (each as wide as its widest cell)."""
    if not rows:
        return ""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return "".join("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False))
                   + "  " + r[-1] + "\n" for r in rows)


def series_states(con) -> dict[tuple[str, str], str]:
    """(dataset, series) -> what to say of it: a closed series whose last cut is loaded is
    complete (never stale, however old the cut); an open one is behind when the publication
    calendar says a newer cut is out (core.series_status)."""
    out = {}
    for dataset, series, newest, closed, expected, state in con.execute(
            "SELECT dataset, series, newest_cut, closed_cut, expected_cut, state "
            "FROM core.series_status").fetchall():
        if state == "complete":
            text = say("status.series_complete", closed=f"{closed:%Y-%m}")
        elif state == "closed_incomplete":
            text = say("status.series_closed_incomplete", closed=f"{closed:%Y-%m}",
                       newest=f"{newest:%Y-%m}")
        elif state == "behind":
            text = say("status.series_behind", expected=f"{expected:%Y-%m}")
        else:
            text = say("status.series_current")
        out[(dataset, series)] = f"  [{text}]"
    return out


def warnings_section(con) -> str:
    """What the loaded files carry that is odd (ops.data_warnings, by rule) and where the
    state files and the municipal files disagree most (marts.state_municipal_reconciliation).
    The rules' names are the checks' own (issue 22); the framing is the reader's language."""
    out = io.StringIO()
    rules = con.execute("""
        SELECT check_name, count(*), count(DISTINCT w.file_sha256)
        FROM ops.data_warnings AS w JOIN ops.raw_files AS f USING (file_sha256)
        WHERE f.status IN ('loaded', 'superseded')
        GROUP BY ALL ORDER BY 2 DESC, 1""").fetchall()
    if rules:
        out.write("\n" + say("status.warnings_title") + "\n")
        for rule, n, files in rules:
            words = warning_words(rule, language())
            out.write(f"  {n:>6,}  {words[:90]}  ({say('status.n_files', n=files, count=files)})\n")
    gaps = reconciliation.worst_gaps(con)
    if gaps:
        lang = language()
        labels = dict(con.execute("SELECT indicator, CASE WHEN ? = 'en' THEN label_en ELSE "
                                  "label_es END FROM core.indicator", [lang]).fetchall())
        out.write("\n" + say("status.gaps_title") + "\n")
        for g in gaps:
            pct = "n/a" if g["gap_pct"] is None else f"{g['gap_pct']:+.1f}%"
            flag = "  " + say("status.beyond_tolerance") if g["beyond_tolerance"] else ""
            out.write("  " + say(
                "status.gap", state=g["state_name"],
                indicator=labels.get(g["indicator"], g["indicator"]), year=g["year"],
                series=runtext.series_words(g["series"]), months=g["months"],
                state_total=f"{g['state_total']:,}",
                municipal_total=f"{g['municipal_total']:,}", identified=f"{g['identified']:,}",
                unattributed=f"{g['unattributed']:,}", unknown=f"{g['unknown']:,}",
                gap=f"{g['gap']:+,}", pct=pct, tolerance=f"{g['tolerance_pct']:g}")
                + flag + "\n")
    return out.getvalue()
