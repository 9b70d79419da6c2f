"""A fact check for people and scripts: a terminal summary, Markdown, JSON (the contract
scripts rely on), schema.org ClaimReview (seguridad/claimreview.py) and one self-contained
HTML page with a chart of each claim's candidates. Every number names the files behind it
(sha256, publication cut); every word comes from seguridad/i18n.py."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from seguridad import __version__
from seguridad.caveats import cut_words, weakness_words
from seguridad.claim_levels import Reading
from seguridad.claim_windows import FAMILIES
from seguridad.factcheck import (
    ClaimCheck,
    Definition,
    FactCheck,
    SpendingDefinition,
)
from seguridad.i18n import t, vintage_words, years_words  # noqa: F401 (re-exported)
from seguridad.report import source_line
from seguridad.verdicts import VERDICTS
from seguridad.windows import Window

# (kept for callers that read the words as a table: the nightly index)
VERDICT_WORDS = {v: {lang: t(f"verdict_{v}", lang) for lang in ("es", "en")}
                 for v in VERDICTS}
VERDICT_COLORS = {"reproduced": "#1a7f37", "reproduced_as_rate": "#9a6700",
                  "misleading": "#bc4c00", "not_reproduced": "#cf222e",
                  "not_checkable": "#57606a"}


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
    return f"{float(amount) / 1e6:,.1f} {t('million_pesos', lang)}"


# --- JSON ---------------------------------------------------------------------------------

def definition_dict(check: ClaimCheck, d) -> dict:
    if isinstance(d, SpendingDefinition):
        return {"program": check.claim.program, "stage": d.stage,
                "years": f"{d.years[0]}:{d.years[1]}", "amount_pesos": float(d.amount_pesos),
                "by_year": [{"fiscal_year": y, "amount_pesos": float(a)} for y, a in d.by_year],
                "ends_by_said_on": d.ends_by_said_on, "reproduces": d.reproduces,
                "file_sha256s": d.files}
    where = {"indicators": check.claim.indicators,
             "geo": check.geo.code if check.geo else None,
             "geo_level": check.geo.level if check.geo else None,
             "geo_name": check.geo.name if check.geo else None}
    if isinstance(d, Reading):
        return {**where, "family": d.family, "measure": d.measure, "per": d.per,
                "series": d.series, "current": _window(d.current),
                "cut": f"{d.cut:%Y-%m}" if d.cut else None, "cut_of_the_day": d.cut_of_the_day,
                "value": round(d.value, 4), "count": d.count, "periods": [
                    {"window": p["window"], "value": round(p["value"], 4)} for p in d.periods],
                "since_period": d.since_period and {
                    "window": d.since_period["window"],
                    "value": round(d.since_period["value"], 4)},
                "published_by_said_on": d.published_by_said_on,
                "has_missing_cells": d.has_missing_cells, "reproduces": d.reproduces,
                "file_sha256s": d.files}
    rounded = d.is_rate or d.per is not None
    return {
        **where,
        "family": d.family, "measure": d.measure, "population_vintage": d.population_vintage,
        "series": d.series, "baseline_series": d.baseline_series or d.series,
        "current": _window(d.current), "baseline": _window(d.baseline),
        "cut": f"{d.cut:%Y-%m}" if d.cut else None,
        "cut_of_the_day": d.cut_of_the_day,
        "current_value": round(d.current_value, 4) if rounded else d.current_value,
        "baseline_value": round(d.baseline_value, 4) if rounded else d.baseline_value,
        "current_count": d.current_count, "baseline_count": d.baseline_count,
        "monthly_average": d.per == "month", "per": d.per,
        "current_days": d.current_days, "baseline_days": d.baseline_days,
        "pct_change": None if d.pct_change is None else round(d.pct_change, 2),
        "difference": None if d.difference is None else round(d.difference, 4),
        "named": d.named, "in_unit": d.in_unit,
        "published_by_said_on": d.published_by_said_on,
        "has_missing_cells": d.has_missing_cells, "reproduces": d.reproduces,
        "file_sha256s": d.files,
    }


def _window(w: Window) -> str:
    return f"{w.start:%Y-%m}:{w.end:%Y-%m}"


def _source(s: dict) -> dict:
    return {"file": s["file"], "sha256": s["sha256"], "series": s["series"],
            "cut_date": f"{s['cut_date']:%Y-%m}" if s["cut_date"] else None}


def stated_dict(check: ClaimCheck) -> dict:
    c = check.claim
    field = {"change": "change_pct", "spending": "amount_pesos", "difference": "difference",
             "level": "value"}.get(c.kind)
    out = {"bound": c.bound, "text": check.stated_text}
    if field:
        out[field] = getattr(c, field)
    if c.kind == "record":
        out.update(record=c.record, since=c.since, compare=c.compare_with)
    for name in ("per", "family", "current", "baseline", "measure"):
        if getattr(c, name, None) is not None:
            out[name] = getattr(c, name)
    return out


def claim_dict(check: ClaimCheck, lang: str) -> dict:
    c = check.claim
    rng = check.range
    j = check.judgement
    return {
        "id": c.id, "kind": c.kind, "text": c.text, "verdict": check.verdict,
        "verdict_text": verdict_sentence(check, lang),
        "stated": stated_dict(check),
        "best": definition_dict(check, check.best) if check.best else None,
        "matches": [definition_dict(check, d) for d in check.matches],
        "range": {"min": None if rng["min"] is None else round(rng["min"], 2),
                  "max": None if rng["max"] is None else round(rng["max"], 2),
                  "candidates": rng["candidates"]},
        "judgement": j.as_dict() if j else None,
        "wording": definition_dict(check, check.wording) if check.wording else None,
        "closest": definition_dict(check, check.closest) if check.closest else None,
        "record": check.record,
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
        "verdict_rules": fc.rules.as_dict() if fc.rules else None,
        "claims": [claim_dict(c, fc.lang) for c in fc.checks],
    }


def _json_default(v):
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, date):
        return v.isoformat()
    raise TypeError(type(v))


def render_json(fc: FactCheck) -> str:
    return json.dumps(to_dict(fc), ensure_ascii=False, indent=2,
                      default=_json_default) + "\n"


# --- words --------------------------------------------------------------------------------

def _unit_words(d, lang: str) -> str:
    measure = t(f"measure_{d.measure}", lang)
    if getattr(d, "population_vintage", None):
        measure += f" ({vintage_words(d.population_vintage, lang)})"
    if d.per and not d.is_rate:
        measure += f", {t('per_' + d.per, lang)}"
    return measure


def describe(check: ClaimCheck, d, lang: str) -> str:
    """The definition in words: 'year to date: January-October 2015 against January-October
    2012, investigation files, the old methodology (CIEISP), December 2017 cut'."""
    if isinstance(d, SpendingDefinition):
        return (f"{t('stage_' + d.stage, lang)} {years_words(d.years, lang)}: "
                f"{_money(d.amount_pesos, lang)}")
    series = check.series_names.get(d.series, d.series)
    cut = cut_words(d.cut, lang)
    if isinstance(d, Reading):
        return f"{d.current.describe(lang)}, {_unit_words(d, lang)}, {series}, {cut}"
    if d.baseline_series:
        series = f"{check.series_names.get(d.baseline_series, d.baseline_series)} → {series}"
    return (f"{t('fam_' + d.family, lang)}: {d.current.describe(lang)} {t('against', lang)} "
            f"{d.baseline.describe(lang)}, {_unit_words(d, lang)}, {series}, {cut}")


def claim_name(n: int, lang: str) -> str:
    """How a claim is named on a page: 'Afirmación 1' (its id is for scripts and anchors)."""
    return f"{t('fc_claim', lang)} {n}"


def _figure(check: ClaimCheck, d) -> str:
    if check.claim.kind == "difference":
        return "n/a" if d.difference is None else f"{d.difference:+,.2f}"
    return _pct(d.pct_change)


def _values(d) -> str:
    decimals = 2 if d.is_rate or d.per else 0
    return f"{_num(d.baseline_value, decimals)} → {_num(d.current_value, decimals)}"


def verdict_sentence(check: ClaimCheck, lang: str) -> str:
    word = t(f"verdict_{check.verdict}", lang)
    if check.verdict == "not_checkable":
        return t("vs_not_checkable", lang, word=word, reason=check.reason)
    d = check.best
    if isinstance(d, SpendingDefinition):
        return t("vs_spending" if check.verdict == "reproduced" else "vs_spending_closest",
                 lang, word=word, definition=describe(check, d, lang))
    if isinstance(d, Reading):
        return _reading_sentence(check, d, word, lang)
    said = said_text(check, lang)
    common = {"word": word, "figure": _figure(check, d), "values": _values(d),
              "definition": describe(check, d, lang), "said": said,
              "total": check.range["candidates"]}
    if check.verdict in ("reproduced", "reproduced_as_rate"):
        return t("vs_reproduced", lang, **common)
    if check.verdict == "misleading":
        j = check.judgement
        return t("vs_misleading", lang, n=len(check.matches), why=weakness_words(
            j.weaknesses, lang, check.rules, j.agreeing, j.plausible), **common)
    if check.wording is not None:
        named = (t("fam_" + check.claim.family, lang) if check.claim.family in
                 ("ytd", "r12", "month", "avg_since", "since_administration_month")
                 else t("fam_stated", lang))
        closest = ""
        if check.closest is not None and check.closest is not check.wording:
            closest = t("vs_closest_of_all", lang, total=check.range["candidates"],
                        figure=_figure(check, check.closest),
                        definition=describe(check, check.closest, lang))
        return t("vs_not_reproduced_named", lang, named=named, closest=closest, **common)
    return t("vs_not_reproduced", lang, **common)


def _reading_sentence(check: ClaimCheck, d: Reading, word: str, lang: str) -> str:
    value = _num(d.value, 2 if d.per else 0)
    definition = describe(check, d, lang)
    if check.claim.kind == "level" or check.verdict == "not_checkable":
        common = {"word": word, "figure": value, "values": f"{d.count:,}",
                  "definition": definition, "said": said_text(check, lang),
                  "total": len(check.candidates)}
        if check.verdict == "not_reproduced":
            return t("vs_not_reproduced", lang, **common)
        if check.verdict == "misleading":
            j = check.judgement
            return t("vs_misleading", lang, n=len(check.matches), why=weakness_words(
                j.weaknesses, lang, check.rules, 0, 0), **common)
        return t("vs_reproduced", lang, **common)
    claim = check.claim
    extreme = t(f"record_{claim.record}", lang)
    periods = d.periods

    def fmt(v) -> str:
        return _num(v, 2 if d.per else 0)

    since = d.since_period
    since_value = fmt(since["value"]) if since else "n/a"
    since_name = (Window.parse(since["window"]).describe(lang) if since else str(claim.since))
    if d.reproduces:
        values = [p["value"] for p in periods]
        return t("record_holds", lang, word=word, current=d.current.describe(lang),
                 value=value, extreme=extreme, since=claim.since, n=len(periods),
                 first=Window.parse(periods[0]["window"]).describe(lang),
                 last=Window.parse(periods[-1]["window"]).describe(lang),
                 low=fmt(min(values)), high=fmt(max(values)), since_period=since_name,
                 since_value=since_value, definition=definition)
    lowest = claim.record == "lowest"
    other = (min if lowest else max)(periods, key=lambda p: p["value"])
    return t("record_broken", lang, word=word, current=d.current.describe(lang), value=value,
             extreme=extreme, since=claim.since,
             other=Window.parse(other["window"]).describe(lang),
             other_value=fmt(other["value"]), definition=definition)


def said_text(check: ClaimCheck, lang: str) -> str:
    if check.claim.kind == "record":
        return check.stated_text
    return f"{t('bound_' + check.claim.bound, lang)}{check.stated_text}"


def _families(check: ClaimCheck) -> list[tuple[str, float, float, int]]:
    out: dict[str, list[float]] = {}
    for d in check.candidates:
        if isinstance(d, Definition) and d.pct_change is not None:
            out.setdefault(d.family, []).append(d.pct_change)
    return [(f, min(v), max(v), len(v)) for f, v in out.items()]


# --- Markdown and terminal ------------------------------------------------------------------

def render_md(fc: FactCheck) -> str:
    lang = fc.lang
    st = fc.loaded.statement
    lines = [f"# {t('fc_title', lang)}: {st.title}", "",
             f"{who_and_when(st)}. " + t("fc_baseline_year", lang, year=st.baseline_year)
             + (f" {t('fc_source', lang)}: {st.source}." if st.source else ""), "",
             f"| {t('fc_claim', lang)} | {t('fc_said', lang)} | {t('fc_verdict', lang)} | "
             f"{t('fc_best', lang)} | {t('fc_range', lang)} |",
             "|---|---:|---|---:|---|"]
    for n, c in enumerate(fc.checks, start=1):
        best = _best_figure(c, lang)
        rng = c.range
        span = (f"{_pct(rng['min'])} … {_pct(rng['max'])} ({rng['candidates']})"
                if c.claim.kind == "change" and rng["min"] is not None else
                (f"{_money(rng['min'], lang)} … {_money(rng['max'], lang)}"
                 if c.claim.kind == "spending" and rng["min"] is not None else ""))
        lines.append(f"| {n} | {said_text(c, lang)} | "
                     f"{t('verdict_' + c.verdict, lang)} | {best} | {span} |")
    for n, c in enumerate(fc.checks, start=1):
        lines += ["", f"## {n}. «{c.claim.text}»", "", f"**{verdict_sentence(c, lang)}**", ""]
        lines += _detail_md(c, lang)
    lines += ["", t("fc_generated_md", lang, version=__version__, date=date.today(),
                    built=fc.built_at)]
    return "\n".join(lines) + "\n"


def _best_figure(c: ClaimCheck, lang: str) -> str:
    d = c.best
    if d is None:
        return ""
    if isinstance(d, SpendingDefinition):
        return _money(d.amount_pesos, lang)
    if isinstance(d, Reading):
        return _num(d.value, 2 if d.per else 0)
    return _figure(c, d)


def _details(c: ClaimCheck, lang: str) -> list[tuple[str, list[str]]]:
    """The body of a claim's section: (item, sub-items), drawn as Markdown or HTML lists."""
    out: list[tuple[str, list[str]]] = []
    if c.verdict == "not_checkable":
        return out
    if c.claim.kind in ("change", "difference"):
        d = c.best
        out.append((t("fc_published_when_said", lang,
                      answer=t("yes" if d.published_by_said_on else "no", lang)), []))
        if c.matches:
            shown = [f"{_figure(c, m)}: {describe(c, m, lang)}"
                     + ("" if m.published_by_said_on else t("fc_not_yet_published", lang))
                     for m in c.matches[:12]]
            if len(c.matches) > 12:
                shown.append(t("fc_n_more", lang, n=len(c.matches) - 12))
            out.append((t("fc_reproducing", lang, n=len(c.matches)), shown))
        rng = c.range
        if c.claim.kind == "change":
            out.append((t("fc_sensitivity", lang, n=rng["candidates"], low=_pct(rng["min"]),
                          high=_pct(rng["max"])),
                        [f"{t('fam_' + f, lang)}: {_pct(lo)} … {_pct(hi)} ({n})"
                         for f, lo, hi, n in _families(c)]))
    elif c.claim.kind in ("level", "record"):
        out.append((t("fc_published_when_said", lang,
                      answer=t("yes" if c.best.published_by_said_on else "no", lang)), []))
    else:
        if c.matches:
            out.append((t("fc_reproduced_by", lang, n=len(c.matches)),
                        [describe(c, m, lang) + ("" if m.ends_by_said_on else
                                                 t("fc_later_years", lang))
                         for m in c.matches[:10]]))
        d = c.best
        out.append((f"{t('fc_by_year', lang)}: " + "; ".join(
            f"{y}: {_money(a, lang)}" for y, a in d.by_year), []))
    if c.caveats:
        out.append((t("fc_left_out", lang), [_cap(cv["text"]) for cv in c.caveats]))
    return out


def _detail_md(c: ClaimCheck, lang: str) -> list[str]:
    out = []
    for item, subs in _details(c, lang):
        out.append(f"- {item}")
        out += [f"  - {s}" for s in subs]
    return out + [f"- {source_line(s, lang=lang)}" for s in c.sources]


def render_table(fc: FactCheck) -> str:
    lang = fc.lang
    st = fc.loaded.statement
    lines = [f"{st.title} — {who_and_when(st)}", ""]
    for n, c in enumerate(fc.checks, start=1):
        lines.append(f"{claim_name(n, lang)}: «{c.claim.text}»")
        lines.append(f"  {verdict_sentence(c, lang)}")
        rng = c.range
        if c.claim.kind == "change" and rng["min"] is not None:
            j = c.judgement
            lines.append("  " + t("fc_range_line", lang, low=_pct(rng["min"]),
                                  high=_pct(rng["max"]), n=rng["candidates"],
                                  matches=len(c.matches), agreeing=j.agreeing if j else 0,
                                  plausible=j.plausible if j else 0))
        lines += [f"  - {_cap(cv['text'])}" for cv in c.caveats]
        lines += [f"  {source_line(s, lang=lang)}" for s in c.sources]
        lines.append("")
    return "\n".join(lines)


# --- HTML ---------------------------------------------------------------------------------

def sensitivity_chart(c: ClaimCheck, lang: str, width: int = 860) -> str:
    """Each candidate definition as a dot on the axis of percent change (filled: counts,
    hollow: rates), the stated figure's interval shaded, the best one ringed."""
    from seguridad.html import _e

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
                 f"text-anchor='middle'>{_e(c.stated_text)}</text>")
    if lo < 0 < hi:
        parts.append(f"<line x1='{x(0):.1f}' x2='{x(0):.1f}' y1='{top - 6}' "
                     f"y2='{top + row_h * len(families)}' stroke='#8c959f'/>")
    for i, fam in enumerate(families):
        yy = top + i * row_h + row_h / 2
        parts.append(f"<text class='label' x='{left - 8}' y='{yy + 4:.1f}' text-anchor='end'>"
                     f"{_e(t('fam_short_' + fam, lang))}"
                     "</text>")
        for d in defs:
            if d.family != fam:
                continue
            color = "#1a7f37" if d.reproduces else "#57606a"
            fill = color if not d.is_rate else "white"
            title = f"{d.pct_change:+.2f}%: {describe(c, d, lang)}"
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
    st = fc.loaded.statement
    body = [f"<h1>{_e(t('fc_title', lang))}: {_e(st.title)}</h1>",
            f"<p>{_e(who_and_when(st))}. "
            + _e(t("fc_baseline_year", lang, year=st.baseline_year))
            + (f" <span class='note'>{_e(st.source)}</span>" if st.source else "") + "</p>",
            "<table><thead><tr>"
            + "".join(f"<th class=name>{_e(t(h, lang))}</th>" for h in (
                "fc_claim", "fc_said", "fc_verdict", "fc_best"))
            + "</tr></thead><tbody>"]
    for n, c in enumerate(fc.checks, start=1):
        body.append(f"<tr><td class=name><a href='#{_e(c.claim.id)}'>"
                    f"{_e(claim_name(n, lang))}</a></td>"
                    f"<td>{_e(said_text(c, lang))}</td>"
                    f"<td class=name>{badge(c.verdict, lang)}</td>"
                    f"<td>{_e(_best_figure(c, lang))}</td></tr>")
    body.append("</tbody></table>")
    for n, c in enumerate(fc.checks, start=1):
        body.append(f"<h2 id='{_e(c.claim.id)}'>{n}. «{_e(c.claim.text)}»</h2>")
        body.append(f"<p>{badge(c.verdict, lang)} {_e(verdict_sentence(c, lang))}</p>")
        if c.claim.kind == "change" and c.candidates:
            body.append(f"<p class='note'>{_e(t('fc_dots', lang, n=c.range['candidates']))}"
                        "</p>")
            body.append(sensitivity_chart(c, lang))
        items = _details(c, lang)
        if items:
            body.append("<ul>" + "".join(
                f"<li>{_e(item)}" + ("<ul>" + "".join(f"<li>{_e(s)}</li>" for s in subs)
                                     + "</ul>" if subs else "") + "</li>"
                for item, subs in items) + "</ul>")
        if c.sources:
            body.append("<ul class='prov'>" + "".join(
                f"<li>{_e(source_line(s, lang=lang))}</li>" for s in c.sources) + "</ul>")
    generated = t("generated", lang, version=__version__, date=date.today())
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

    return (f"<span class='badge verdict-{verdict}' style='background:"
            f"{VERDICT_COLORS[verdict]}'>{_e(t('verdict_' + verdict, lang))}</span>")


def render(fc: FactCheck, fmt: str) -> str:
    if fmt == "json":
        return render_json(fc)
    if fmt == "md":
        return render_md(fc)
    if fmt == "html":
        return render_html(fc)
    if fmt == "claimreview":
        from seguridad import claimreview

        return claimreview.render(fc, verdict_sentence)
    return render_table(fc)
