"""`seguridad status`: what the published warehouse holds and how it got there."""

from __future__ import annotations

import io

from seguridad import warehouse
from seguridad.config import Settings
from seguridad.errors import NoWarehouse


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
        for dataset, series, first, last, cuts in con.execute("""
                SELECT dataset, series, min(month), max(month),
                       string_agg(DISTINCT strftime(cut_date, '%Y-%m'), ', '
                                  ORDER BY strftime(cut_date, '%Y-%m'))
                FROM core.current_file_months GROUP BY ALL ORDER BY dataset, min(month)
                """).fetchall():
            span = (f"{first:%Y} .. {last:%Y}" if dataset.startswith("population")
                    else f"{first:%Y-%m} .. {last:%Y-%m}")
            out.write(f"  {dataset:<20} {series:<17} {span:<18} "
                      f"{'cut ' + cuts if cuts else 'projection'}\n")
        out.write("\nFiles:\n")
        for name, status, fmt, cut, rows, reason in con.execute(
                "SELECT file_name, status, format, cut_date, rows, status_reason "
                "FROM ops.raw_files ORDER BY status, dataset, cut_date").fetchall():
            cut_text = f"cut {cut:%Y-%m}" if cut else ""
            detail = f"{fmt or ''} {cut_text} {rows or 0:,} rows" if status != "rejected" \
                else (reason or "")
            out.write(f"  {status:<10} {name}  {detail.strip()}\n")
        out.write("\nLast runs:\n")
        for run_id, status, started, dur, msg in con.execute(
                "SELECT run_id, status, started_at, duration_s, message FROM ops.runs "
                "ORDER BY started_at DESC LIMIT 5").fetchall():
            out.write(f"  {started:%Y-%m-%d %H:%M} {status:<9} {dur:6.1f}s  {run_id}  {msg}\n")
    finally:
        con.close()
    return out.getvalue()
