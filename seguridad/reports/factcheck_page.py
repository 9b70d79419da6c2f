"""A fact check for people and scripts: `render` chooses the form (terminal summary,
Markdown, JSON, schema.org ClaimReview); this module draws the one self-contained HTML page,
with a chart of each claim's candidates and a coloured badge per verdict. The words are in
seguridad/reports/factcheck_words.py; every number names the files behind it."""

from __future__ import annotations

from seguridad.factcheck.engine import ClaimCheck, Definition, FactCheck
from seguridad.factcheck.windows import FAMILIES
from seguridad.i18n import t
from seguridad.reports.factcheck_json import render_json
from seguridad.reports.factcheck_md import render_md, render_table
from seguridad.reports.factcheck_words import (
    best_figure,
    claim_name,
    describe,
    details,
    said_text,
    verdict_sentence,
    who_and_when,
)
from seguridad.reports.layout import STYLE, document, escape, generated_line
from seguridad.reports.text import source_line

VERDICT_COLORS = {"reproduced": "#1a7f37", "reproduced_as_rate": "#9a6700",
                  "misleading": "#bc4c00", "not_reproduced": "#cf222e",
                  "not_checkable": "#57606a"}



def sensitivity_chart(c: ClaimCheck, lang: str, width: int = 860) -> str:
    """Each candidate definition as a dot on the axis of percent change (filled: counts,
    hollow: rates), the stated figure's interval shaded, the best one ringed."""
    defs = [d for d in c.candidates if isinstance(d, Definition) and d.pct_change is not None]
    if not defs or c.claim.kind != "change":
        return ""
    families = [f for f in FAMILIES if any(d.family == f for d in defs)]
    row_h, left, right, top = 22, 190, 30, 26
    height = top + row_h * len(families) + 30
    stated = c.claim.change_pct
    lo = min([d.pct_change for d in defs] + [stated]) - 2
    hi = max([d.pct_change for d in defs] + [stated]) + 2
    hi = max(hi, lo + 1)

    def x(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (width - left - right)

    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' class='chart sensitivity' "
             f"viewBox='0 0 {width} {height}' width='100%' role='img'>"]
    if c.claim.bound == "about":
        decimals = len(c.stated_text.rstrip("%").split(".")[1]) if "." in c.stated_text else 0
        half = 0.5 * 10 ** -decimals
        band = (stated - half, stated + half)
    elif (c.claim.bound == "more_than") == (stated < 0):
        band = (lo, stated)
    else:
        band = (stated, hi)
    parts.append(f"<rect x='{x(band[0]):.1f}' y='{top - 6}' "
                 f"width='{max(x(band[1]) - x(band[0]), 2):.1f}' "
                 f"height='{row_h * len(families) + 6}' fill='#2da44e' fill-opacity='0.15'/>")
    parts.append(f"<line x1='{x(stated):.1f}' x2='{x(stated):.1f}' y1='{top - 10}' "
                 f"y2='{top + row_h * len(families)}' stroke='#1a7f37' stroke-dasharray='4 3'/>")
    parts.append(f"<text class='label' x='{x(stated):.1f}' y='{top - 12}' "
                 f"text-anchor='middle'>{escape(c.stated_text)}</text>")
    if lo < 0 < hi:
        parts.append(f"<line x1='{x(0):.1f}' x2='{x(0):.1f}' y1='{top - 6}' "
                     f"y2='{top + row_h * len(families)}' stroke='#8c959f'/>")
    for i, fam in enumerate(families):
        yy = top + i * row_h + row_h / 2
        parts.append(f"<text class='label' x='{left - 8}' y='{yy + 4:.1f}' text-anchor='end'>"
                     f"{escape(t('fam_short_' + fam, lang))}"
                     "</text>")
        for d in defs:
            if d.family != fam:
                continue
            color = "#1a7f37" if d.reproduces else "#57606a"
            fill = color if not d.is_rate else "white"
            title = f"{d.pct_change:+.2f}%: {describe(c, d, lang)}"
            parts.append(f"<circle cx='{x(d.pct_change):.1f}' cy='{yy:.1f}' r='4.5' "
                         f"fill='{fill}' stroke='{color}' stroke-width='1.5'>"
                         f"<title>{escape(title)}</title></circle>")
            if d is c.best:
                parts.append(f"<circle cx='{x(d.pct_change):.1f}' cy='{yy:.1f}' r='8' "
                             "fill='none' stroke='#0969da' stroke-width='2'/>")
    axis_y = top + row_h * len(families) + 14
    step = max(1, round((hi - lo) / 8))
    v = int(lo) - int(lo) % step
    while v <= hi:
        if v >= lo:
            parts.append(f"<text x='{x(v):.1f}' y='{axis_y}' text-anchor='middle'>{v:+d}%"
                         "</text>")
        v += step
    parts.append("</svg>")
    return "".join(parts)


def render_html(fc: FactCheck) -> str:
    lang = fc.lang
    st = fc.loaded.statement
    body = [f"<h1>{escape(t('fc_title', lang))}: {escape(st.title)}</h1>",
            f"<p>{escape(who_and_when(st))}. "
            + escape(t("fc_baseline_year", lang, year=st.baseline_year))
            + (f" <span class='note'>{escape(st.source)}</span>" if st.source else "") + "</p>",
            "<table><thead><tr>"
            + "".join(f"<th class=name>{escape(t(h, lang))}</th>" for h in (
                "fc_claim", "fc_said", "fc_verdict", "fc_best"))
            + "</tr></thead><tbody>"]
    for n, c in enumerate(fc.checks, start=1):
        body.append(f"<tr><td class=name><a href='#{escape(c.claim.id)}'>"
                    f"{escape(claim_name(n, lang))}</a></td>"
                    f"<td>{escape(said_text(c, lang))}</td>"
                    f"<td class=name>{badge(c.verdict, lang)}</td>"
                    f"<td>{escape(best_figure(c, lang))}</td></tr>")
    body.append("</tbody></table>")
    for n, c in enumerate(fc.checks, start=1):
        body.append(f"<h2 id='{escape(c.claim.id)}'>{n}. «{escape(c.claim.text)}»</h2>")
        body.append(f"<p>{badge(c.verdict, lang)} {escape(verdict_sentence(c, lang))}</p>")
        if c.claim.kind == "change" and c.candidates:
            body.append(f"<p class='note'>{escape(t('fc_dots', lang, n=c.range['candidates']))}"
                        "</p>")
            body.append(sensitivity_chart(c, lang))
        items = details(c, lang)
        if items:
            body.append("<ul>" + "".join(
                f"<li>{escape(item)}" + ("<ul>" + "".join(f"<li>{escape(s)}</li>" for s in subs)
                                     + "</ul>" if subs else "") + "</li>"
                for item, subs in items) + "</ul>")
        if c.sources:
            body.append("<ul class='prov'>" + "".join(
                f"<li>{escape(source_line(s, lang=lang))}</li>" for s in c.sources) + "</ul>")
    body.append(generated_line(lang))
    return document(st.title, body, lang, style=STYLE + BADGE_STYLE)


BADGE_STYLE = """
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 1rem; color: white;
         font-size: .85rem; font-weight: 600; }
"""


def badge(verdict: str, lang: str) -> str:
    return (f"<span class='badge verdict-{verdict}' style='background:"
            f"{VERDICT_COLORS[verdict]}'>{escape(t('verdict_' + verdict, lang))}</span>")


def render(fc: FactCheck, fmt: str) -> str:
    if fmt == "json":
        return render_json(fc)
    if fmt == "md":
        return render_md(fc)
    if fmt == "html":
        return render_html(fc)
    if fmt == "claimreview":
        from seguridad.factcheck import claimreview

        return claimreview.render(fc, verdict_sentence)
    return render_table(fc)
