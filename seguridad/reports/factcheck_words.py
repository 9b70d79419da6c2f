"""A fact check in words, shared by its Markdown, JSON, terminal and HTML forms: the verdict
sentence of each claim, each candidate definition described, the figures as they are shown,
and the items of a claim's section. Every word comes from seguridad/i18n.py."""

from __future__ import annotations

from seguridad.analysis.windows import Window
from seguridad.factcheck.caveats import cut_words, weakness_words
from seguridad.factcheck.engine import ClaimCheck, Definition, SpendingDefinition
from seguridad.factcheck.levels import Reading
from seguridad.factcheck.verdicts import VERDICTS
from seguridad.i18n import t, vintage_words, years_words

# (kept for callers that read the words as a table: the nightly index)
VERDICT_WORDS = {v: {lang: t(f"verdict_{v}", lang) for lang in ("es", "en")}
                 for v in VERDICTS}


def who_and_when(st) -> str:
    """'Speaker, 2015-12-18', or only the date when the file names no speaker."""
    return ", ".join(x for x in (st.speaker.strip(), f"{st.said_on:%Y-%m-%d}") if x)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def num(v, decimals: int = 0) -> str:
    if v is None:
        return "n/a"
    return f"{float(v):,.{decimals}f}"


def pct(v, decimals: int = 1) -> str:
    return "n/a" if v is None else f"{v:+.{decimals}f}%"


def money(amount, lang: str) -> str:
    return f"{float(amount) / 1e6:,.1f} {t('million_pesos', lang)}"


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
                f"{money(d.amount_pesos, lang)}")
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


def figure(check: ClaimCheck, d) -> str:
    if check.claim.kind == "difference":
        return "n/a" if d.difference is None else f"{d.difference:+,.2f}"
    return pct(d.pct_change)


def _values(d) -> str:
    decimals = 2 if d.is_rate or d.per else 0
    return f"{num(d.baseline_value, decimals)} → {num(d.current_value, decimals)}"


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
    common = {"word": word, "figure": figure(check, d), "values": _values(d),
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
                        figure=figure(check, check.closest),
                        definition=describe(check, check.closest, lang))
        return t("vs_not_reproduced_named", lang, named=named, closest=closest, **common)
    return t("vs_not_reproduced", lang, **common)


def _reading_sentence(check: ClaimCheck, d: Reading, word: str, lang: str) -> str:
    value = num(d.value, 2 if d.per else 0)
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
        return num(v, 2 if d.per else 0)

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


def best_figure(c: ClaimCheck, lang: str) -> str:
    d = c.best
    if d is None:
        return ""
    if isinstance(d, SpendingDefinition):
        return money(d.amount_pesos, lang)
    if isinstance(d, Reading):
        return num(d.value, 2 if d.per else 0)
    return figure(c, d)


def details(c: ClaimCheck, lang: str) -> list[tuple[str, list[str]]]:
    """The body of a claim's section: (item, sub-items), drawn as Markdown or HTML lists."""
    out: list[tuple[str, list[str]]] = []
    if c.verdict == "not_checkable":
        return out
    if c.claim.kind in ("change", "difference"):
        d = c.best
        out.append((t("fc_published_when_said", lang,
                      answer=t("yes" if d.published_by_said_on else "no", lang)), []))
        if c.matches:
            shown = [f"{figure(c, m)}: {describe(c, m, lang)}"
                     + ("" if m.published_by_said_on else t("fc_not_yet_published", lang))
                     for m in c.matches[:12]]
            if len(c.matches) > 12:
                shown.append(t("fc_n_more", lang, n=len(c.matches) - 12))
            out.append((t("fc_reproducing", lang, n=len(c.matches)), shown))
        rng = c.range
        if c.claim.kind == "change":
            out.append((t("fc_sensitivity", lang, n=rng["candidates"], low=pct(rng["min"]),
                          high=pct(rng["max"])),
                        [f"{t('fam_' + f, lang)}: {pct(lo)} … {pct(hi)} ({n})"
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
            f"{y}: {money(a, lang)}" for y, a in d.by_year), []))
    if c.caveats:
        out.append((t("fc_left_out", lang), [cap(cv["text"]) for cv in c.caveats]))
    return out
