"""A fact check for people and scripts: a terminal summary, Markdown, JSON (the contract
scripts rely on) and one self-contained HTML page with a chart of each claim's candidates.
Every number names the files behind it (sha256, publication cut)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from seguridad import __version__
from seguridad.factcheck import (
    ClaimCheck,
    Definition,
    FactCheck,
    SpendingDefinition,
    cut_words,
)
from seguridad.report import source_line
from seguridad.windows import Window

VERDICT_WORDS = {
    "reproduced": {"es": "Se reproduce", "en": "Reproduced"},
    "reproduced_as_rate": {"es": "Se reproduce solo como tasa",
                           "en": "Reproduced only as a rate"},
    "not_reproduced": {"es": "No se reproduce", "en": "Not reproduced"},
    "not_checkable": {"es": "No se puede verificar", "en": "Cannot be checked"},
}
VERDICT_COLORS = {"reproduced": "#1a7f37", "reproduced_as_rate": "#9a6700",
                  "not_reproduced": "#cf222e", "not_checkable": "#57606a"}
FAMILY_SHORT = {
    "stated": {"es": "lo dicho", "en": "as stated"},
    "ytd": {"es": "año a la fecha", "en": "year to date"},
    "full_year_before": {"es": "año anterior", "en": "year before"},
    "full_year_of": {"es": "año de la declaración", "en": "statement's year"},
    "r12": {"es": "12 meses", "en": "12 months"},
    "month": {"es": "un mes", "en": "one month"},
    "avg_since": {"es": "promedio desde el inicio", "en": "average since the start"},
}
FAMILY_WORDS = {
    "stated": {"es": "los periodos que dijo", "en": "the stated windows"},
    "ytd": {"es": "año a la fecha", "en": "year to date"},
    "full_year_before": {"es": "año completo anterior", "en": "the full year before"},
    "full_year_of": {"es": "año completo de la declaración", "en": "the statement's full year"},
    "r12": {"es": "12 meses", "en": "12 months"},
    "month": {"es": "un solo mes", "en": "a single month"},
    "avg_since": {"es": "promedio mensual desde el inicio de la administración",
                  "en": "monthly average since the administration began"},
}
MEASURE_WORDS = {
    "count": {"es": "carpetas de investigación", "en": "investigation files"},
    "rate": {"es": "tasa por 100 mil habitantes", "en": "rate per 100,000"},
    "victims": {"es": "víctimas", "en": "victims"},
    "victims_rate": {"es": "víctimas por 100 mil habitantes", "en": "victims per 100,000"},
}
BOUND_WORDS = {"about": {"es": "", "en": ""},
               "more_than": {"es": "más de ", "en": "more than "},
               "less_than": {"es": "menos de ", "en": "less than "}}


def who_and_when(st) -> str:
    """'Speaker, 2015-12-18', or only the date when the file names no speaker."""
    return ", ".join(x for x in (st.speaker.strip(), f"{st.said_on:%Y-%m-%d}") if x)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _num(v, decimals: int = 0) -> str:
    if v is None:
        return "n/a"
    return f"{float(v):,.{decimals}f}"


def _pct(v, decimals: int = 1) -> str:
    return "n/a" if v is None else f"{v:+.{decimals}f}%"


def _money(amount, lang: str) -> str:
    word = "millones de pesos" if lang == "es" else "million pesos"
    return f"{float(amount) / 1e6:,.1f} {word}"


# --- JSON ---------------------------------------------------------------------------------

def definition_dict(check: ClaimCheck, d) -> dict:
    if isinstance(d, SpendingDefinition):
        return {"program": check.claim.program, "stage": d.stage,
                "years": f"{d.years[0]}:{d.years[1]}", "amount_pesos": float(d.amount_pesos),
                "by_year": [{"fiscal_year": y, "amount_pesos": float(a)} for y, a in d.by_year],
                "ends_by_said_on": d.ends_by_said_on, "reproduces": d.reproduces,
                "file_sha256s": d.files}
    per_100k = d.is_rate
    return {
        "indicators": check.claim.indicators, "geo": check.geo.code if check.geo else None,
        "geo_level": check.geo.level if check.geo else None,
        "geo_name": check.geo.name if check.geo else None,
        "family": d.family, "measure": d.measure, "population_vintage": d.population_vintage,
        "series": d.series, "baseline_series": d.baseline_series or d.series,
        "current": _window(d.current), "baseline": _window(d.baseline),
        "cut": f"{d.cut:%Y-%m}" if d.cut else None,
        "cut_of_the_day": d.cut_of_the_day,
        "current_value": round(d.current_value, 4) if per_100k or d.averaged
        else d.current_value,
        "baseline_value": round(d.baseline_value, 4) if per_100k or d.averaged
        else d.baseline_value,
        "current_count": d.current_count, "baseline_count": d.baseline_count,
        "monthly_average": d.averaged,
        "pct_change": None if d.pct_change is None else round(d.pct_change, 2),
        "published_by_said_on": d.published_by_said_on,
        "has_missing_cells": d.has_missing_cells, "reproduces": d.reproduces,
        "file_sha256s": d.files,
    }


def _window(w: Window) -> str:
    return f"{w.start:%Y-%m}:{w.end:%Y-%m}"


def _source(s: dict) -> dict:
    return {"file": s["file"], "sha256": s["sha256"], "series": s["series"],
            "cut_date": f"{s['cut_date']:%Y-%m}" if s["cut_date"] else None}


def claim_dict(check: ClaimCheck, lang: str) -> dict:
    c = check.claim
    stated = ({"change_pct": c.change_pct, "bound": c.bound, "text": check.stated_text}
              if c.kind == "change" else
              {"amount_pesos": c.amount_pesos, "bound": c.bound, "text": check.stated_text})
    rng = check.range
    return {
        "id": c.id, "kind": c.kind, "text": c.text, "verdict": check.verdict,
        "verdict_text": verdict_sentence(check, lang),
        "stated": stated,
        "best": definition_dict(check, check.best) if check.best else None,
        "matches": [definition_dict(check, d) for d in check.matches],
        "range": {"min": None if rng["min"] is None else round(rng["min"], 2),
                  "max": None if rng["max"] is None else round(rng["max"], 2),
                  "candidates": rng["candidates"]},
        "caveats": check.caveats,
        "reason": check.reason,
        "candidates": [definition_dict(check, d) for d in check.candidates],
        "members": [{k: (round(v, 2) if isinstance(v, float) else v) for k, v in m.items()}
                    for m in check.members],
        "sources": [_source(s) for s in check.sources],
    }


def to_dict(fc: FactCheck) -> dict:
    st = fc.loaded.statement
    return {
        "statement": {
            "title": st.title, "speaker": st.speaker, "said_on": st.said_on.isoformat(),
            "baseline_year": st.baseline_year,
            "administration_start": st.administration_start
            or f"{st.baseline_year + 1}-01",
            "source": st.source, "claims_file": fc.loaded.label,
        },
        "checked_on": date.today().isoformat(),
        "as_of": fc.as_of.isoformat() if fc.as_of else None,
        "warehouse_built_at": fc.built_at,
        "claims": [claim_dict(c, fc.lang) for c in fc.checks],
    }


def render_json(fc: FactCheck) -> str:
    def default(v):
        if isinstance(v, Decimal):
            return float(v)
        if isinstance(v, date):
            return v.isoformat()
        raise TypeError(type(v))

    return json.dumps(to_dict(fc), ensure_ascii=False, indent=2, default=default) + "\n"


# --- words --------------------------------------------------------------------------------

def describe(check: ClaimCheck, d, lang: str) -> str:
    """The definition in words: 'year to date: January-October 2015 against January-October
    2012, investigation files, the old methodology (CIEISP), December 2017 cut'."""
    if isinstance(d, SpendingDefinition):
        stage = {"es": {"approved": "aprobado", "modified": "modificado",
                        "accrued": "devengado", "exercised": "ejercido"},
                 "en": {}}[lang if lang == "es" else "en"].get(d.stage, d.stage)
        return (f"{stage} {d.years[0]}-{d.years[1]}: {_money(d.amount_pesos, lang)}")
    against = "contra" if lang == "es" else "against"
    fam = FAMILY_WORDS[d.family][lang if lang == "es" else "en"]
    measure = MEASURE_WORDS[d.measure][lang if lang == "es" else "en"]
    if d.population_vintage:
        measure += f" ({d.population_vintage})"
    if d.averaged and not d.is_rate:
        measure = (f"{measure}, promedio mensual" if lang == "es"
                   else f"{measure}, monthly average")
    series = check.series_names.get(d.series, d.series)
    if d.baseline_series:
        series = f"{check.series_names.get(d.baseline_series, d.baseline_series)} → {series}"
    cut = cut_words(d.cut, lang)
    return (f"{fam}: {d.current.describe(lang)} {against} {d.baseline.describe(lang)}, "
            f"{measure}, {series}, {cut}")


def verdict_sentence(check: ClaimCheck, lang: str) -> str:
    es = lang == "es"
    word = VERDICT_WORDS[check.verdict]["es" if es else "en"]
    if check.verdict == "not_checkable":
        return f"{word}: {check.reason}"
    d = check.best
    if isinstance(d, SpendingDefinition):
        if check.verdict == "reproduced":
            return f"{word}: {describe(check, d, lang)}."
        closest = "lo más cercano" if es else "the closest"
        return f"{word}; {closest}: {describe(check, d, lang)}."
    figure = _pct(d.pct_change)
    values = (f"{_num(d.baseline_value, 2 if d.is_rate or d.averaged else 0)} → "
              f"{_num(d.current_value, 2 if d.is_rate or d.averaged else 0)}")
    if check.verdict in ("reproduced", "reproduced_as_rate"):
        return f"{word}: {figure} ({values}) — {describe(check, d, lang)}."
    closest = (f"ninguna de {check.range['candidates']} definiciones da "
               f"{BOUND_WORDS[check.claim.bound]['es']}{check.stated_text}; la más cercana"
               if es else
               f"none of {check.range['candidates']} definitions gives "
               f"{BOUND_WORDS[check.claim.bound]['en']}{check.stated_text}; the closest")
    return f"{word}: {closest}: {figure} ({values}) — {describe(check, d, lang)}."


def said_text(check: ClaimCheck, lang: str) -> str:
    return f"{BOUND_WORDS[check.claim.bound]['es' if lang == 'es' else 'en']}{check.stated_text}"


def _families(check: ClaimCheck) -> list[tuple[str, float, float, int]]:
    out: dict[str, list[float]] = {}
    for d in check.candidates:
        if isinstance(d, Definition) and d.pct_change is not None:
            out.setdefault(d.family, []).append(d.pct_change)
    return [(f, min(v), max(v), len(v)) for f, v in out.items()]


# --- Markdown and terminal ------------------------------------------------------------------

def render_md(fc: FactCheck) -> str:
    lang = fc.lang
    es = lang == "es"
    st = fc.loaded.statement
    lines = [f"# {'Verificación' if es else 'Fact check'}: {st.title}", "",
             f"{who_and_when(st)}. "
             + (f"Año base: {st.baseline_year}." if es else f"Baseline year: {st.baseline_year}.")
             + (f" {'Fuente' if es else 'Source'}: {st.source}." if st.source else ""), "",
             f"| {'Afirmación' if es else 'Claim'} | {'Dijo' if es else 'Said'} | "
             f"{'Veredicto' if es else 'Verdict'} | {'Mejor definición' if es else 'Best'} | "
             f"{'Rango' if es else 'Range'} |",
             "|---|---:|---|---:|---|"]
    for c in fc.checks:
        best = _best_figure(c, lang)
        rng = c.range
        span = (f"{_pct(rng['min'])} … {_pct(rng['max'])} ({rng['candidates']})"
                if c.claim.kind == "change" and rng["min"] is not None else
                (f"{_money(rng['min'], lang)} … {_money(rng['max'], lang)}"
                 if rng["min"] is not None else ""))
        lines.append(f"| {c.claim.id} | {said_text(c, lang)} | "
                     f"{VERDICT_WORDS[c.verdict]['es' if es else 'en']} | {best} | {span} |")
    for n, c in enumerate(fc.checks, start=1):
        lines += ["", f"## {n}. «{c.claim.text}»", "", f"**{verdict_sentence(c, lang)}**", ""]
        lines += _detail_md(c, lang)
    lines += ["", (f"Generado por seguridad {__version__} el {date.today()}; almacén construido "
                   f"{fc.built_at}.") if es else
              (f"Generated by seguridad {__version__} on {date.today()}; warehouse built "
               f"{fc.built_at}.")]
    return "\n".join(lines) + "\n"


def _best_figure(c: ClaimCheck, lang: str) -> str:
    d = c.best
    if d is None:
        return ""
    if isinstance(d, SpendingDefinition):
        return _money(d.amount_pesos, lang)
    return _pct(d.pct_change)


def _details(c: ClaimCheck, lang: str) -> list[tuple[str, list[str]]]:
    """The body of a claim's section: (item, sub-items), drawn as Markdown or HTML lists."""
    es = lang == "es"
    out: list[tuple[str, list[str]]] = []
    if c.verdict == "not_checkable":
        return out
    if c.claim.kind == "change":
        d = c.best
        out.append((("Publicado cuando se dijo: " if es else "Published when said: ")
                    + (("sí" if es else "yes") if d.published_by_said_on else "no"), []))
        if c.matches:
            shown = [f"{_pct(m.pct_change)}: {describe(c, m, lang)}"
                     + ("" if m.published_by_said_on else
                        (" (no publicado aún)" if es else " (not yet published)"))
                     for m in c.matches[:12]]
            if len(c.matches) > 12:
                shown.append(f"… {len(c.matches) - 12} {'más' if es else 'more'}")
            out.append((f"{'Definiciones que lo reproducen' if es else 'Reproducing definitions'}"
                        f" ({len(c.matches)}):", shown))
        rng = c.range
        out.append(((f"Sensibilidad: {rng['candidates']} definiciones dan entre "
                     f"{_pct(rng['min'])} y {_pct(rng['max'])}") if es else
                    (f"Sensitivity: {rng['candidates']} definitions give between "
                     f"{_pct(rng['min'])} and {_pct(rng['max'])}"),
                    [f"{FAMILY_WORDS[f]['es' if es else 'en']}: {_pct(lo)} … {_pct(hi)} ({n})"
                     for f, lo, hi, n in _families(c)]))
    else:
        if c.matches:
            out.append((f"{'Lo reproducen' if es else 'Reproduced by'} ({len(c.matches)}):",
                        [describe(c, m, lang) + ("" if m.ends_by_said_on else
                                                 (" (años posteriores)" if es
                                                  else " (later years)"))
                         for m in c.matches[:10]]))
        d = c.best
        out.append((f"{'Por año' if es else 'By year'}: " + "; ".join(
            f"{y}: {_money(a, lang)}" for y, a in d.by_year), []))
    if c.caveats:
        out.append((f"{'Lo que no dijo' if es else 'What the statement left out'}:",
                    [_cap(cv["text"]) for cv in c.caveats]))
    return out


def _detail_md(c: ClaimCheck, lang: str) -> list[str]:
    out = []
    for item, subs in _details(c, lang):
        out.append(f"- {item}")
        out += [f"  - {s}" for s in subs]
    return out + [f"- {source_line(s)}" for s in c.sources]


def render_table(fc: FactCheck) -> str:
    lang = fc.lang
    st = fc.loaded.statement
    lines = [f"{st.title} — {who_and_when(st)}", ""]
    for c in fc.checks:
        lines.append(f"[{c.verdict}] {c.claim.id}: «{c.claim.text}»")
        lines.append(f"  {verdict_sentence(c, lang)}")
        rng = c.range
        if c.claim.kind == "change" and rng["min"] is not None:
            lines.append(f"  range: {_pct(rng['min'])} .. {_pct(rng['max'])} over "
                         f"{rng['candidates']} definitions; {len(c.matches)} reproduce it")
        lines += [f"  - {_cap(cv['text'])}" for cv in c.caveats]
        lines += [f"  {source_line(s)}" for s in c.sources]
        lines.append("")
    return "\n".join(lines)


# --- HTML ---------------------------------------------------------------------------------

def sensitivity_chart(c: ClaimCheck, lang: str, width: int = 860) -> str:
    """Each candidate definition as a dot on the axis of percent change (filled: counts,
    hollow: rates), the stated figure's interval shaded, the best one ringed."""
    from seguridad.html import _e

    defs = [d for d in c.candidates if isinstance(d, Definition) and d.pct_change is not None]
    if not defs:
        return ""
    families = [f for f in ("stated", "ytd", "full_year_before", "full_year_of", "r12",
                            "month", "avg_since") if any(d.family == f for d in defs)]
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
                 f"text-anchor='middle'>{_e(c.stated_text)}</text>")
    if lo < 0 < hi:
        parts.append(f"<line x1='{x(0):.1f}' x2='{x(0):.1f}' y1='{top - 6}' "
                     f"y2='{top + row_h * len(families)}' stroke='#8c959f'/>")
    for i, fam in enumerate(families):
        yy = top + i * row_h + row_h / 2
        parts.append(f"<text class='label' x='{left - 8}' y='{yy + 4:.1f}' text-anchor='end'>"
                     f"{_e(FAMILY_SHORT[fam]['es' if lang == 'es' else 'en'])}"
                     "</text>")
        for d in defs:
            if d.family != fam:
                continue
            color = "#1a7f37" if d.reproduces else "#57606a"
            fill = color if not d.is_rate else "white"
            title = f"{d.pct_change:+.2f}% {d.current}/{d.baseline} {d.measure}"
            parts.append(f"<circle cx='{x(d.pct_change):.1f}' cy='{yy:.1f}' r='4.5' "
                         f"fill='{fill}' stroke='{color}' stroke-width='1.5'>"
                         f"<title>{_e(title)}</title></circle>")
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
    from seguridad.html import STYLE, _e

    lang = fc.lang
    es = lang == "es"
    st = fc.loaded.statement
    body = [f"<h1>{'Verificación' if es else 'Fact check'}: {_e(st.title)}</h1>",
            f"<p>{_e(who_and_when(st))}. "
            + _e(f"Año base: {st.baseline_year}." if es else
                 f"Baseline year: {st.baseline_year}.")
            + (f" <span class='note'>{_e(st.source)}</span>" if st.source else "") + "</p>",
            "<table><thead><tr>"
            + "".join(f"<th class=name>{_e(h)}</th>" for h in (
                ("Afirmación", "Dijo", "Veredicto", "Mejor definición") if es else
                ("Claim", "Said", "Verdict", "Best definition")))
            + "</tr></thead><tbody>"]
    for c in fc.checks:
        body.append(f"<tr><td class=name><a href='#{_e(c.claim.id)}'>{_e(c.claim.id)}</a></td>"
                    f"<td>{_e(said_text(c, lang))}</td>"
                    f"<td class=name>{badge(c.verdict, lang)}</td>"
                    f"<td>{_e(_best_figure(c, lang))}</td></tr>")
    body.append("</tbody></table>")
    for c in fc.checks:
        body.append(f"<h2 id='{_e(c.claim.id)}'>«{_e(c.claim.text)}»</h2>")
        body.append(f"<p>{badge(c.verdict, lang)} {_e(verdict_sentence(c, lang))}</p>")
        if c.claim.kind == "change" and c.candidates:
            body.append(f"<p class='note'>{_e(_sensitivity_words(c, lang))}</p>")
            body.append(sensitivity_chart(c, lang))
        items = _details(c, lang)
        if items:
            body.append("<ul>" + "".join(
                f"<li>{_e(item)}" + ("<ul>" + "".join(f"<li>{_e(s)}</li>" for s in subs)
                                     + "</ul>" if subs else "") + "</li>"
                for item, subs in items) + "</ul>")
        if c.sources:
            body.append("<ul class='prov'>" + "".join(
                f"<li>{_e(source_line(s))}</li>" for s in c.sources) + "</ul>")
    generated = (f"Generado por seguridad {__version__} el {date.today()}." if es else
                 f"Generated by seguridad {__version__} on {date.today()}.")
    body.append(f"<p class='prov'>{_e(generated)}</p>")
    return (f"<!DOCTYPE html>\n<html lang='{lang}'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{_e(st.title)}</title><style>{STYLE}{BADGE_STYLE}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")


BADGE_STYLE = """
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 1rem; color: white;
         font-size: .85rem; font-weight: 600; }
"""


def badge(verdict: str, lang: str) -> str:
    from seguridad.html import _e

    word = VERDICT_WORDS[verdict]["es" if lang == "es" else "en"]
    return (f"<span class='badge verdict-{verdict}' style='background:"
            f"{VERDICT_COLORS[verdict]}'>{_e(word)}</span>")


def _sensitivity_words(c: ClaimCheck, lang: str) -> str:
    rng = c.range
    if lang == "es":
        return (f"Cada punto es una definición razonable ({rng['candidates']}; llenos: conteos, "
                "huecos: tasas; verdes: reproducen la cifra; el anillo azul es la mejor). "
                "La banda verde es lo que la cifra dicha cubre.")
    return (f"Each dot is one reasonable definition ({rng['candidates']}; filled: counts, "
            "hollow: rates; green: reproduces the figure; the blue ring is the best). The green "
            "band is what the stated figure covers.")


def render(fc: FactCheck, fmt: str) -> str:
    if fmt == "json":
        return render_json(fc)
    if fmt == "md":
        return render_md(fc)
    if fmt == "html":
        return render_html(fc)
    return render_table(fc)
