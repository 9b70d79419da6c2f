"""What a statement left out, said under a checked figure: members that moved the other way,
the other measure, revisions, months not yet published, methodology breaks, each summed
indicator alone, empty cells, low counts, months of different lengths, and why a figure is
misleading. Every word through seguridad/i18n.py."""

from __future__ import annotations

from datetime import date

import duckdb

from seguridad.db import fetch_dicts, fetch_one
from seguridad.i18n import t, vintage_words

MEMBER_GAP_PP = 20.0  # a member whose change differs from the total's by more is a caveat


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 2)


def _rounded(v: float | None, decimals: int) -> str:
    return "n/a" if v is None else f"{v:+.{decimals}f}"


def pct(v: float | None, decimals: int = 1) -> str:
    return "n/a" if v is None else f"{v:+.{decimals}f}%"


def and_list(items: list[str], lang: str, sep: str = ", ") -> str:
    if len(items) < 2:
        return "".join(items)
    last = t("list_and", lang) if sep == ", " else sep.rstrip() + t("list_and", lang)
    return sep.join(items[:-1]) + last + items[-1]


def weakness_words(weaknesses: list[str], lang: str, rules, agreeing: int,
                   plausible: int) -> str:
    """'low counts (fewer than 10 cases) and months not yet published on the day ...'."""
    words = []
    for w in weaknesses:
        if w == "low_count":
            words.append(t("weak_low_count", lang, n=rules.low_count))
        elif w == "minority":
            words.append(t("weak_minority", lang, agreeing=agreeing, plausible=plausible))
        else:
            words.append(t(f"weak_{w}", lang))
    return and_list(words, lang, sep="; ")


def comparability(con, indicators: list[str], a: str, b: str,
                  lang: str = "en") -> tuple[str, str]:
    """How comparable the claim's indicators are across the break between two series: the
    weakest of them (comparable > partial > not_comparable), and its note in `lang`."""
    order = {"comparable": 2, "partial": 1, "not_comparable": 0}
    worst = ("comparable", "")
    for ind in indicators:
        row = fetch_one(con, "SELECT comparability, CASE WHEN ? = 'es' THEN note_es ELSE note "
                             "END FROM core.series_break WHERE "
                             "indicator = ? AND ((from_series = ? AND to_series = ?) OR "
                             "(from_series = ? AND to_series = ?))", [lang, ind, a, b, b, a])
        row = row or ("not_comparable", t("no_break_study", lang))
        if order[row[0]] < order[worst[0]]:
            worst = (row[0], row[1])
    return worst


def cut_words(cut: date | None, lang: str) -> str:
    """'corte de noviembre de 2024' / 'November 2024 cut'."""
    from seguridad.windows import MONTH_NAMES_EN, MONTH_NAMES_ES

    if cut is None:
        return ""
    names = MONTH_NAMES_ES if lang == "es" else MONTH_NAMES_EN
    return t("cut_words", lang, month=names[cut.month - 1], year=cut.year)


def for_change(con: duckdb.DuckDBPyConnection, check, defs: list, decimals: int,
               default_vintage: str, lang: str, said_on: date) -> list[dict]:
    best = check.best
    claim = check.claim
    out: list[dict] = []
    words = check.series_names
    percent = claim.kind == "change"

    def fig(d) -> str:
        return pct(d.pct_change) if percent else f"{d.difference:+.2f}"

    # members that moved the other way, or (in a group) far from the total
    opposite, far = [], []
    for m in check.members:
        if m["pct_change"] is None or best.pct_change is None:
            continue
        if m["pct_change"] != 0 and (m["pct_change"] > 0) != (best.pct_change > 0):
            opposite.append(m)
        elif (check.geo.level == "group"
              and abs(m["pct_change"] - best.pct_change) > MEMBER_GAP_PP):
            far.append(m)
    for kind, group in (("members_opposite", opposite), ("members_differ", far)):
        if not group:
            continue
        group.sort(key=lambda m: -abs(m["pct_change"] - best.pct_change))
        shown = ", ".join(f"{m['geo_name']} {m['pct_change']:+.1f}%" for m in group[:6])
        more = t("cv_more", lang, n=len(group) - 6) if len(group) > 6 else ""
        who = t("cv_municipalities" if group[0]["geo_level"] == "municipality"
                else "cv_states", lang)
        text = t(f"cv_{kind}", lang, who=who, shown=shown, more=more,
                 gap=f"{MEMBER_GAP_PP:.0f}")
        out.append({"kind": kind, "text": text,
                    "members": [{"geo_level": m["geo_level"], "geo_code": m["geo_code"],
                                 "geo_name": m["geo_name"],
                                 "pct_change": _round(m["pct_change"])} for m in group]})

    # the other measure
    other = [d for d in defs if d.is_rate != best.is_rate and d.family == best.family
             and d.current == best.current and d.baseline == best.baseline
             and d.series == best.series and d.view == best.view and d.per == best.per
             and d.counts == best.counts]
    if other:
        o = min(other, key=lambda d: d.population_vintage != default_vintage)
        if _rounded(o.pct_change, decimals) != _rounded(best.pct_change, decimals):
            label = t("cv_as_rate" if o.is_rate else "cv_as_count", lang)
            pop = (f" ({vintage_words(o.population_vintage, lang)})"
                   if o.population_vintage else "")
            out.append({"kind": "other_measure", "measure": o.measure,
                        "population_vintage": o.population_vintage,
                        "pct_change": _round(o.pct_change),
                        "text": t("cv_other_measure", lang, label=label, pop=pop,
                                  pct=pct(o.pct_change))})

    # the same windows per day when their days differ (or as totals, for a per-day claim)
    twin = [d for d in defs if d.key[:3] == best.key[:3] and d.per != best.per
            and d.measure == best.measure and d.view == best.view
            and d.population_vintage == best.population_vintage]
    if twin and best.current_days != best.baseline_days and not best.is_rate:
        o = twin[0]
        out.append({"kind": "days_differ", "per": o.per, "pct_change": _round(o.pct_change),
                    "current_days": best.current_days, "baseline_days": best.baseline_days,
                    "text": t("cv_days_differ", lang, current=best.current.describe(lang),
                              baseline=best.baseline.describe(lang),
                              current_days=best.current_days,
                              baseline_days=best.baseline_days,
                              other=t("cv_per_day" if o.per == "day" else "cv_as_totals",
                                      lang), pct=fig(o))})

    # revisions: the same definition under the other cut
    twin = [d for d in defs if d.key == best.key and d.view != best.view]
    if twin:
        o = twin[0]
        if (o.current_count, o.baseline_count) != (best.current_count, best.baseline_count):
            newest, day = (o, best) if o.view == "newest" else (best, o)
            out.append({"kind": "revision", "cut_of_the_day": f"{day.cut:%Y-%m}",
                        "newest_cut": f"{newest.cut:%Y-%m}",
                        "pct_change_cut_of_the_day": _round(day.pct_change),
                        "pct_change_newest_cut": _round(newest.pct_change),
                        "text": t("cv_revision", lang, day=cut_words(day.cut, lang),
                                  day_pct=fig(day), newest=cut_words(newest.cut, lang),
                                  newest_pct=fig(newest))})
    elif not best.cut_of_the_day:
        out.append({"kind": "no_cut_of_the_day",
                    "text": t("cv_no_cut_of_the_day", lang, cut=cut_words(best.cut, lang))})

    if not best.published_by_said_on:
        out.append({"kind": "not_published_by_said_on",
                    "text": t("cv_not_published", lang, window=best.current.describe(lang),
                              date=f"{said_on:%Y-%m-%d}")})

    # methodology: other catalogues that publish one of the windows, or a cross-break figure
    if best.baseline_series:
        comp, note = comparability(con, claim.indicators, best.baseline_series, best.series,
                                   lang)
        out.append({"kind": "methodology_break", "from": best.baseline_series,
                    "to": best.series, "comparability": comp,
                    "text": t("cv_break", lang, base=words[best.baseline_series],
                              current=words[best.series], comparability=t(comp, lang),
                              note=note)})
    else:
        others = fetch_dicts(con, """
            SELECT series, min(month) AS first, max(month) AS last FROM claim_facts
            WHERE series <> ? AND geo_level = ? AND geo_code = ? AND indicator = ?
              AND month BETWEEN ? AND ? GROUP BY series ORDER BY series""",
                             [best.series, check.geo.level, check.geo.code, best.counts,
                              min(best.baseline.start, best.current.start),
                              max(best.baseline.end, best.current.end)])
        for o in others:
            out.append({"kind": "methodology_break", "series": o["series"],
                        "text": t("cv_other_series", lang,
                                  series=words.get(o["series"], o["series"]),
                                  span=f"{o['first']:%Y-%m}..{o['last']:%Y-%m}",
                                  used=words[best.series])})

    if len(claim.indicators or []) > 1:
        for ind, label in zip(claim.indicators, check.labels, strict=True):
            alone = single_indicator(con, ind, check.geo, best)
            if alone is not None:
                out.append({"kind": "indicator_alone", "indicator": ind,
                            "pct_change": _round(alone),
                            "text": t("cv_indicator_alone", lang, label=label,
                                      pct=pct(alone))})
    if best.has_missing_cells:
        out.append({"kind": "missing_cells", "text": t("cv_missing_cells", lang)})
    if min(best.current_count, best.baseline_count) < check.rules.low_count:
        out.append({"kind": "low_count", "text": t("cv_low_count", lang)})
    return out


def single_indicator(con, indicator: str, geo, d) -> float | None:
    """One indicator of a summed claim, under the best definition (newest cut)."""
    try:
        rows = fetch_dicts(con, """
            SELECT current_value, baseline_value, pct_change, rate_pct_change
            FROM marts.compare_windows(?, ?, ?, ?, ?, ?, ?, p_vintage := ?)
            WHERE geo_level = ? AND geo_code = ?
              AND current_months_published = current_months_expected
              AND baseline_months_published = baseline_months_expected""",
                           [indicator, d.series, d.current.start, d.current.end,
                            d.baseline_series or d.series, d.baseline.start, d.baseline.end,
                            d.population_vintage or "conapo_2023", geo.level, geo.code])
    except duckdb.Error:
        return None
    if not rows or d.per:
        return None
    return rows[0]["rate_pct_change"] if d.is_rate else rows[0]["pct_change"]
