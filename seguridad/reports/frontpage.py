"""index.html, the page people open first. It leads with the newest published month of every
series still current (the 2026 catalogue's first months as soon as they are out), says how
each indicator of the new catalogue compares with the old one where
schemas/reference/series_breaks.csv allows it (and why not where it does not), then the last
12 months of the longest current series, a map, the fact checks and the sources."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

import duckdb

from seguridad.analysis import compare
from seguridad.analysis.provenance import default_vintage, population_files, sources
from seguridad.analysis.windows import MONTH_NAMES_EN, MONTH_NAMES_ES, Window
from seguridad.db import fetch_dicts, fetch_one
from seguridad.errors import SeguridadError
from seguridad.factcheck.engine import cut_words
from seguridad.i18n import t, vintage_words
from seguridad.reports import html, maps, ranking
from seguridad.reports.factcheck_page import BADGE_STYLE, badge
from seguridad.reports.factcheck_words import (
    VERDICT_WORDS,
    best_figure,
    said_text,
    who_and_when,
)
from seguridad.reports.layout import STYLE as PAGE_STYLE
from seguridad.reports.layout import document, escape, generated_line, sources_list
from seguridad.reports.text import headline, source_line

MAP_INDICATOR = "homicidio_doloso"  # the map of the newest months, when it has figures

STYLE = """
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr));
         gap: 1rem; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: .4rem .8rem; }
.card h3 { margin: .3rem 0; font-size: 1rem; }
.card p { font-size: .88rem; margin: .3rem 0; }
table.newest td.cmp { text-align: left; font-size: .85rem; max-width: 22rem; }
.lead { font-size: 1.05rem; }
ul.small { font-size: .85rem; margin-top: 0; }
"""


def _month_short(m: date, lang: str) -> str:
    names = MONTH_NAMES_ES if lang == "es" else MONTH_NAMES_EN
    return f"{names[m.month - 1][:3]}. {m.year}" if lang == "es" else \
        f"{names[m.month - 1][:3]} {m.year}"


def newest_months(con: duckdb.DuckDBPyConnection, series: str) -> Window:
    first, last = fetch_one(con, "SELECT first_month, last_month FROM marts.series_coverage "
                                 "WHERE series = ?", [series])
    return Window(first, last)


def older_series(con: duckdb.DuckDBPyConnection, series: str) -> str | None:
    row = fetch_one(con, "SELECT series FROM core.series WHERE rank < "
                         "(SELECT rank FROM core.series WHERE series = ?) "
                         "ORDER BY rank DESC LIMIT 1", [series])
    return row[0] if row else None


def same_months_in_older(con: duckdb.DuckDBPyConnection, indicator: str, older: str,
                         window: Window) -> Window | None:
    """The same months of the newest year the older series publishes them all nationally
    (January-March 2024 for January-March 2026 when the 2015 methodology ends in 2024)."""
    have = {m for (m,) in con.execute(
        "SELECT month FROM marts.indicator_monthly WHERE indicator = ? AND series = ? "
        "AND geo_level = 'national'", [indicator, older]).fetchall()}
    for back in range(1, 30):
        start = date(window.start.year - back, window.start.month, 1)
        end = date(window.end.year - back, window.end.month, 1)
        candidate = Window(start, end)
        if all(m in have for m in candidate.month_list()):
            return candidate
    return None


def break_comparison(con: duckdb.DuckDBPyConnection, indicator: str, series: str,
                     window: Window, lang: str) -> dict:
    """How the new catalogue's months compare with the old catalogue's, as the breaks file
    allows: {'comparability', 'note', 'comparison' (a Comparison or None)}."""
    older = older_series(con, series)
    brk = compare.methodology_break(con, indicator, older, series, lang) if older else None
    if brk is None:
        return {"comparability": None, "note": "", "comparison": None}
    out = {"comparability": brk["comparability"], "note": brk["note"], "comparison": None}
    if brk["comparability"] == "not_comparable":
        return out
    baseline = same_months_in_older(con, indicator, older, window)
    if baseline is None:
        return out
    with contextlib.suppress(SeguridadError):  # a month unpublished: said as not compared
        out["comparison"] = compare.compare(con, indicator=indicator, geo="national",
                                            current=window, baseline=baseline, lang=lang,
                                            allow_break=True)
    return out


def newest_section(con: duckdb.DuckDBPyConnection, series: str, lang: str) -> list[str]:
    """The newest months of a series, nationally: each month's count, the total, the rate,
    and the comparison with the older catalogue."""
    words = compare.series_words(con, lang)
    window = newest_months(con, series)
    months = window.month_list()[-6:]
    rows = fetch_dicts(con, """
        SELECT i.indicator,
               any_value(CASE WHEN ? = 'es' THEN c.label_es ELSE c.label_en END) AS label,
               list(i.value ORDER BY i.month) AS values, list(i.month ORDER BY i.month) AS months
        FROM marts.indicator_monthly AS i JOIN core.indicator AS c USING (indicator)
        WHERE i.series = ? AND i.geo_level = 'national' AND i.month BETWEEN ? AND ?
        GROUP BY i.indicator ORDER BY i.indicator""", [lang, series, window.start, window.end])
    if not rows:
        return []
    cut = fetch_one(con, "SELECT latest_cut FROM marts.series_coverage WHERE series = ?",
                    [series])[0]
    out = [f"<h2>{escape(t('newest_heading', lang, window=window.describe(lang)))}</h2>",
           f"<p class='lead'>{escape(t('newest_intro', lang, series=words[series], cut=cut_words(cut, lang)))}</p>"]  # noqa: E501
    head = ([t("indicator", lang)] + [_month_short(m, lang) for m in months]
            + [t("total_word", lang), t("rate_col", lang), t("vs_old_catalogue", lang)])
    body, notes = [], []
    for r in rows:
        values = dict(zip(r["months"], r["values"], strict=True))
        total = sum(values.get(m) or 0 for m in window.month_list())
        rate = fetch_one(con, "SELECT rate_per_100k FROM marts.window_totals(?, ?, ?, ?) "
                              "WHERE geo_level = 'national'",
                         [r["indicator"], series, window.start, window.end])
        cmp = break_comparison(con, r["indicator"], series, window, lang)
        text = t("not_compared", lang)
        if cmp["comparability"] == "not_comparable":
            text = f"{t('not_comparable', lang)}: {cmp['note']}"
        elif cmp["comparison"] is not None:
            c = cmp["comparison"]
            text = t("vs_old_words", lang, pct=f"{c.pct_change:+.1f}%",
                     window=c.baseline.describe(lang), before=f"{c.baseline_value:,}",
                     after=f"{c.current_value:,}",
                     comparability=t(cmp["comparability"], lang))
            if cmp["note"]:
                notes.append(f"{r['label']}: {cmp['note']}")
        body.append([r["label"], *[escape(f"{values[m]:,}") if values.get(m) is not None
                                   else t("na", lang) for m in months],
                     f"{total:,}", f"{rate[0]:,.1f}" if rate and rate[0] is not None
                     else t("na", lang), text])
    table = ("<table class='newest'><thead><tr>"
             + "".join(f"<th{' class=name' if i in (0, len(head) - 1) else ''}>"
                       f"{escape(h)}</th>" for i, h in enumerate(head))
             + "</tr></thead><tbody>"
             + "".join("<tr>" + "".join(
                 f"<td class={'name' if i == 0 else 'cmp' if i == len(cells) - 1 else 'n'}>"
                 f"{escape(v)}</td>" for i, v in enumerate(cells)) + "</tr>" for cells in body)
             + "</tbody></table>")
    out.append(table)
    out.append(f"<p class='note'>{escape(t('newest_note', lang, months=window.months))}</p>")
    if notes:
        out.append("<ul class='note small'>" + "".join(f"<li>{escape(n)}</li>" for n in notes)
                   + "</ul>")
    try:
        ranked = ranking.build(con, MAP_INDICATOR, "state", window, series, lang=lang)
    except SeguridadError:
        return out
    out += [f"<h3>{escape(ranking.title(ranked))}</h3>", maps.svg(ranked, titled=False)]
    return out


def newest_files(con: duckdb.DuckDBPyConnection, series: list[str]) -> set[str]:
    """sha256 of the files behind the newest months shown (counts, and the population of
    their rates and map)."""
    if not series:
        return set()
    shas = {sha for (sha,) in con.execute("""
        SELECT DISTINCT i.file_sha256 FROM marts.indicator_monthly AS i
        JOIN marts.series_coverage AS c USING (series)
        WHERE list_contains(?, i.series) AND i.geo_level IN ('national', 'state')
          AND i.month BETWEEN c.first_month AND c.last_month""", [series]).fetchall()}
    return shas | set(population_files(con, default_vintage(con)))


def r12_section(con: duckdb.DuckDBPyConnection, report: dict, lang: str) -> list[str]:
    """One small chart per indicator of the series with 12 + 12 months, with its sentence."""
    words = compare.series_words(con, lang)
    if not report["comparisons"]:
        return []
    first = report["comparisons"][0][2]
    out = [f"<h2>{escape(t('r12_heading', lang, series=words[report['series']], window=first.current.describe(lang)))}</h2>",  # noqa: E501
           "<div class='cards'>"]
    for label, page, c in report["comparisons"]:
        chart = html.line_chart(html.monthly_points(con, c), c, width=440, height=160,
                                window_labels=False)
        out.append(f"<div class='card'><h3><a href='{escape(page)}'>{escape(label)}</a>"
                   f"</h3>{chart}<p>{escape(headline(c))}</p></div>")
    out.append("</div>")
    return out


def closed_series_lines(con: duckdb.DuckDBPyConnection, lang: str) -> list[str]:
    """One sentence per closed crime series whose last cut is loaded (core.series_status,
    schemas/reference/series.csv closed_cut): complete, not stale, and what replaced it."""
    words = compare.series_words(con, lang)
    lines = []
    for series, cut, following in con.execute("""
            SELECT s.series, s.closed_cut,
                   (SELECT n.series FROM core.series AS n WHERE n.rank = c.rank + 1)
            FROM core.series_status AS s JOIN core.series AS c USING (series)
            WHERE s.state = 'complete' AND s.dataset = 'crime_state'
            ORDER BY c.rank""").fetchall():
        after = (t("series_closed_after", lang, next=words.get(following, following))
                 if following else "")
        lines.append(t("series_closed", lang, series=words.get(series, series),
                       cut=cut_words(cut, lang), after=after))
    return lines


def write_index(con: duckdb.DuckDBPyConnection, out_dir: Path, report: dict | None,
                entries: list[dict], lang: str = "es") -> Path:
    """The page people open: the newest months first, then the last 12 months, the fact
    checks with their verdicts, and the methodology and cut in words."""
    words = compare.series_words(con, lang)
    body = []
    if report:
        newest = report.get("newest") or report["cut"]
        body.append(f"<h1>{escape(t('index_title', lang, month=Window(newest, newest).describe(lang)))}</h1>")  # noqa: E501
        cuts = []
        for s in report.get("series_list", [report["series"]]):
            (cut,) = fetch_one(con, "SELECT latest_cut FROM marts.series_coverage "
                                    "WHERE series = ?", [s])
            cuts.append(f"{words.get(s, s)}, {cut_words(cut, lang)}")
        population = report["national"][0]["population_vintage"] if report["national"] else ""
        body.append("<p>" + escape(t("index_intro", lang, cuts="; ".join(cuts),
                                      vintage=vintage_words(population, lang))) + "</p>")
        body += [f"<p class='note'>{escape(line)}</p>"
                 for line in closed_series_lines(con, lang)]
        for s in report.get("series_list", []):
            if s != report.get("r12_series"):  # its newest months, before its last 12
                body += newest_section(con, s, lang)
        body += r12_section(con, report, lang)
    else:
        body.append("<h1>seguridad</h1><p>" + escape(t("index_empty", lang)) + "</p>")
    body += fact_checks(entries, lang)
    if report:
        shas = sorted({x["sha256"] for _, _, c in report["comparisons"] for x in c.sources}
                      | {x["sha256"] for r in report.get("rankings", [])[:1]
                         for x in r.sources}
                      | newest_files(con, [s for s in report.get("series_list", [])
                                           if s != report.get("r12_series")]))
        body.append(sources_list((source_line(s, lang=lang) for s in sources(con, shas)), lang))
    body.append(generated_line(lang, "index_footer"))
    page = document("seguridad", body, lang, style=PAGE_STYLE + BADGE_STYLE + STYLE)
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def fact_checks(entries: list[dict], lang: str) -> list[str]:
    es = lang == "es"
    if not entries:
        return []
    body = ["<h2>" + escape("Verificación de declaraciones" if es else "Fact checks")
            + "</h2>"]
    for e in entries:
        if e["error"]:
            body.append(f"<p class='flag'>{escape(e['file'])}: {escape(e['error'])}</p>")
            continue
        fc = e["factcheck"]
        st = fc.loaded.statement
        body.append(f"<h3><a href='claims/{escape(e['name'])}.html'>{escape(st.title)}"
                    f"</a></h3><p class='note'>{escape(who_and_when(st))}</p>")
        changed = {ch["id"]: ch for ch in e["changes"]}
        rows = []
        for c in fc.checks:
            ch = changed.get(c.claim.id)
            note = ""
            if ch:
                before = VERDICT_WORDS.get(ch["before"], {}).get(lang, ch["before"])
                note = (f" <strong>{'cambió' if es else 'changed'}</strong> "
                        f"({'antes' if es else 'was'} {escape(before)}, "
                        f"{escape(ch['since'])})")
            rows.append(f"<tr><td class=name>{escape(c.claim.text)}</td>"
                        f"<td>{escape(said_text(c, lang))}</td>"
                        f"<td class=name>{badge(c.verdict, lang)}{note}</td>"
                        f"<td>{escape(best_figure(c, lang))}</td></tr>")
        head = (("Afirmación", "Dijo", "Veredicto", "Los datos") if es else
                ("Claim", "Said", "Verdict", "The data"))
        body.append("<table><thead><tr>" + "".join(
            f"<th class=name>{escape(h)}</th>" for h in head) + "</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")
    return body
