"""A comparison as one self-contained HTML page: the headline sentence, the numbers, a chart
of the monthly series with both windows shaded, a chart of the members' ranking, notes and
provenance. Charts are inline SVG drawn here; no script, font, style sheet or image is loaded
from anywhere, so the file works offline and can be mailed or archived as it is."""

from __future__ import annotations

from datetime import date

import duckdb

from seguridad.analysis.as_of import facts_table
from seguridad.analysis.compare import Comparison
from seguridad.analysis.windows import add_months
from seguridad.i18n import t
from seguridad.reports.layout import document, escape, generated_line, sources_list
from seguridad.reports.text import (
    headline,
    member_table,
    provenance_lines,
    summary_rows,
    top_movers,
)

CURRENT_COLOR = "#d95f02"
BASELINE_COLOR = "#7570b3"
SERIES_COLORS = ["#1b5e7a", "#b2182b"]


def monthly_points(con: duckdb.DuckDBPyConnection, c: Comparison) -> dict[str, list]:
    """Monthly values of the compared measure around both windows, per series."""
    first = add_months(min(c.baseline.start, c.current.start), -6)
    last = max(c.baseline.end, c.current.end)
    rows = con.execute(
        "SELECT series, month, value + CASE WHEN ? THEN coalesce(attempts, 0) ELSE 0 END "
        f"FROM {facts_table(c.facts)} WHERE measure = ? AND indicator = ? AND geo_level = ? "
        "AND geo_code = ? AND sex = ? AND age_group = ? AND series IN (?, ?) "
        "AND month BETWEEN ? AND ? ORDER BY series, month",
        [c.include_attempts, c.counts, c.indicator, c.geo.level, c.geo.code, c.sex,
         c.age_group, c.baseline_series, c.current_series, first, last]).fetchall()
    out: dict[str, list] = {}
    for series, month, value in rows:
        out.setdefault(series, []).append((month, value))
    return out


def _month_index(m: date) -> int:
    return m.year * 12 + m.month - 1


def nice_ticks(vmax: float, n: int = 4) -> list[float]:
    """Axis values at round numbers from 0 to at least vmax (0, 50,000, 100,000...), as
    matplotlib chooses them, not vmax split in four (218,120 / 163,590)."""
    from matplotlib.ticker import MaxNLocator

    ticks = MaxNLocator(nbins=n, steps=[1, 2, 2.5, 5, 10], min_n_ticks=3).tick_values(
        0, vmax or 1)
    ticks = [float(v) for v in ticks if v >= 0]
    while ticks[-1] < vmax:  # the locator may stop one step short of the top
        ticks.append(ticks[-1] + (ticks[1] - ticks[0]))
    return ticks


def _tick_text(v: float) -> str:
    return f"{v:,.0f}" if v == int(v) else f"{v:,.1f}"


def window_legend(c: Comparison, x: float, y: float, compact: bool = False) -> str:
    """What the shading means: a swatch and the window in words for each period."""
    parts, lang = [], c.lang
    for window, color, key in ((c.baseline, BASELINE_COLOR, "baseline"),
                               (c.current, CURRENT_COLOR, "current")):
        label = t(key, lang) if compact else t("window_legend", lang, label=t(key, lang),
                                                window=window.describe(lang))
        parts.append(f"<rect class='legend' x='{x:.1f}' y='{y - 9}' width='12' height='10' "
                     f"fill='{color}' fill-opacity='0.35'/>"
                     f"<text class='legend-label' x='{x + 16:.1f}' y='{y}'>{escape(label)}</text>")
        x += 16 + 6.2 * len(label) + 18
    return "".join(parts)


def line_chart(points: dict[str, list], c: Comparison, width: int = 900,
               height: int = 300, window_labels: bool = True) -> str:
    left, right, top, bottom = 64, 16, 30, 34
    months = [m for series in points.values() for m, _ in series]
    values = [v for series in points.values() for _, v in series if v is not None]
    if not months or not values:
        return f"<p class='note'>{escape(t('no_monthly_data', c.lang))}</p>"
    lo, hi = min(map(_month_index, months)), max(map(_month_index, months))
    ticks = nice_ticks(max(values))
    vmax = ticks[-1] or 1

    def x(m: date) -> float:
        return left + (_month_index(m) - lo) / max(hi - lo, 1) * (width - left - right)

    def y(v: float) -> float:
        return top + (1 - v / vmax) * (height - top - bottom)

    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' class='chart line-chart' "
             f"viewBox='0 0 {width} {height}' width='100%' role='img' "
             f"aria-label='{escape(t('monthly_chart', c.lang))}'>"]
    step = (width - left - right) / max(hi - lo, 1)
    for window, color in ((c.baseline, BASELINE_COLOR), (c.current, CURRENT_COLOR)):
        x0, x1 = x(window.start) - step / 2, x(window.end) + step / 2
        parts.append(f"<rect class='window' x='{x0:.1f}' y='{top}' width='{x1 - x0:.1f}' "
                     f"height='{height - top - bottom}' fill='{color}' fill-opacity='0.14'/>")
    parts.append(window_legend(c, left, top - 12, compact=not window_labels))
    for v in ticks:  # horizontal grid at round values
        parts.append(f"<line x1='{left}' x2='{width - right}' y1='{y(v):.1f}' y2='{y(v):.1f}' "
                     "stroke='#eaeef2'/>")
        parts.append(f"<text class='tick' x='{left - 6}' y='{y(v) + 4:.1f}' "
                     f"text-anchor='end'>{_tick_text(v)}</text>")
    for year in range(lo // 12, hi // 12 + 1):
        m = date(year, 1, 1)
        if lo <= _month_index(m) <= hi:
            parts.append(f"<line x1='{x(m):.1f}' x2='{x(m):.1f}' y1='{height - bottom}' "
                         f"y2='{height - bottom + 4}' stroke='#8c959f'/>")
            parts.append(f"<text x='{x(m):.1f}' y='{height - bottom + 16}' "
                         f"text-anchor='middle'>{year}</text>")
    for i, (series, pts) in enumerate(points.items()):
        path = " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in pts if v is not None)
        color = SERIES_COLORS[i % len(SERIES_COLORS)]
        parts.append(f"<polyline class='series' data-series='{escape(series)}' points='{path}' "
                     f"fill='none' stroke='{color}' stroke-width='2'/>")
        if len(points) > 1:
            parts.append(f"<text class='label' x='{width - right}' y='{top + 14 * (i + 1)}' "
                         f"text-anchor='end' fill='{color}'>"
                         f"{escape(c.series_words.get(series, series))}</text>")
    parts.append("</svg>")
    return "".join(parts)


LOW_MARK = "†"


def ranking_chart(c: Comparison, width: int = 900) -> str:
    """Horizontal bars: each member's percent change, the largest fall on top. A member with
    a low count in either window is drawn pale and hatched, marked †, and said below."""
    members = [m for m in c.members if m["pct_change"] is not None]
    if not members:
        return ""
    members.sort(key=lambda m: m["pct_change"])
    low = any(m["low_count"] for m in members)
    bar, gap, left, right = 16, 4, 190, 70
    height = len(members) * (bar + gap) + 30 + (22 if low else 0)
    extent = max(abs(m["pct_change"]) for m in members) or 1
    zero = left + (width - left - right) / 2

    def scale(v: float) -> float:  # half the width either side, less room for the label
        return v / extent * ((width - left - right) / 2 - 56)

    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' class='chart ranking-chart' "
             f"viewBox='0 0 {width} {height}' width='100%' role='img'>",
             "<defs><pattern id='low-count' width='6' height='6' patternUnits='userSpaceOnUse' "
             "patternTransform='rotate(45)'><rect width='6' height='6' fill='#ffffff'/>"
             "<line x1='0' y1='0' x2='0' y2='6' stroke='#8c959f' stroke-width='3'/></pattern>"
             "</defs>"]
    for i, m in enumerate(members):
        yy = 10 + i * (bar + gap)
        w = scale(m["pct_change"])
        x0 = zero + min(w, 0)
        color = "#1a7f37" if m["pct_change"] < 0 else "#cf222e"
        name = m["short_name"] + (f" {LOW_MARK}" if m["low_count"] else "")
        parts.append(f"<text class='label' x='{left - 8}' y='{yy + bar - 4}' "
                     f"text-anchor='end'>{escape(name)}</text>")
        if m["low_count"]:
            parts.append(f"<rect class='bar low-count' x='{x0:.1f}' y='{yy}' "
                         f"width='{max(abs(w), 1):.1f}' height='{bar}' fill='url(#low-count)' "
                         f"stroke='{color}'/>")
        else:
            parts.append(f"<rect class='bar' x='{x0:.1f}' y='{yy}' "
                         f"width='{max(abs(w), 1):.1f}' height='{bar}' fill='{color}'/>")
        anchor, tx = ("start", zero + w + 4) if w >= 0 else ("end", zero + w - 4)
        parts.append(f"<text x='{tx:.1f}' y='{yy + bar - 4}' text-anchor='{anchor}'>"
                     f"{m['pct_change']:+.1f}%</text>")
    parts.append(f"<line x1='{zero:.1f}' x2='{zero:.1f}' y1='4' "
                 f"y2='{len(members) * (bar + gap) + 14}' stroke='#1f2328'/>")
    if low:
        yy = len(members) * (bar + gap) + 34
        parts.append(f"<rect x='{left - 8 - 12}' y='{yy - 10}' width='12' height='12' "
                     "fill='url(#low-count)' stroke='#57606a'/>"
                     f"<text class='legend-label' x='{left}' y='{yy}'>"
                     f"{escape(t('low_flag_legend', c.lang, mark=LOW_MARK, n=c.low_count))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _table(head: list[str], rows: list[list[str]]) -> str:
    out = ["<table><thead><tr>",
           *[f"<th{' class=name' if i == 1 else ''}>{escape(h)}</th>" for i, h in enumerate(head)],
           "</tr></thead><tbody>"]
    for r in rows:
        out.append("<tr>" + "".join(f"<td{' class=name' if i == 1 else ''}>{escape(v)}</td>"
                                    for i, v in enumerate(r)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def render_html(con: duckdb.DuckDBPyConnection, c: Comparison,
                extra: list[str] | None = None) -> str:
    """The page; `extra` is HTML put after the ranking (the nightly set adds a map and the
    ranking by rate)."""
    lang = c.lang
    members_word = t("members_state" if c.geo.level == "national" else "members_member", lang)
    body = [f"<h1>{escape(headline(c))}</h1>"]
    if c.methodology_break:
        body.append(f"<p class='flag'>{escape(c.notes[0])}</p>")
    body.append("<table>" + "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>"
                                    for k, v in summary_rows(c)) + "</table>")
    body.append(f"<h2>{escape(t('monthly_chart', lang))}</h2>")
    body.append(line_chart(monthly_points(con, c), c))
    if c.members:
        body.append(f"<h2>{escape(t('ranking_chart', lang, members=members_word))}</h2>")
        body.append(ranking_chart(c))
        down, up = top_movers(c)
        movers = ", ".join(f"{m['geo_name']} ({m['abs_change']:+,.0f})" for m in down + up)
        body.append(f"<p><strong>{escape(t('top_movers', lang))}:</strong> {escape(movers)}</p>")
        head, rows = member_table(c)
        body.append(_table(head, rows))
    body += extra or []
    if c.notes:
        body.append(f"<h2>{escape(t('notes', lang))}</h2><ul>"
                    + "".join(f"<li class='note'>{escape(n)}</li>" for n in c.notes) + "</ul>")
    body.append(sources_list(provenance_lines(c), lang))
    body.append(generated_line(lang))
    return document(f"{c.indicator_label} · {c.geo.name}", body, lang)
