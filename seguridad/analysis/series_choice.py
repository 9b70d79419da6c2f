"""Which series a comparison reads: the newest methodology that publishes every month of
both windows (or, with allow_break, one for each window), and when none does, a refusal that
says in words what each series publishes and what to change. Also the words for series and
indicators that the refusals and the reports use."""

from __future__ import annotations

from datetime import date

import duckdb

from seguridad.analysis.as_of import NEWEST, facts_table
from seguridad.analysis.geography import Geo
from seguridad.analysis.windows import Window, add_months
from seguridad.db import fetch_one
from seguridad.errors import ComparisonRefused
from seguridad.i18n import language, say, t


def indicator_label(con: duckdb.DuckDBPyConnection, indicator: str, lang: str = "en") -> str:
    row = fetch_one(con, f"SELECT label_{'es' if lang == 'es' else 'en'} FROM core.indicator "
                         "WHERE indicator = ?", [indicator])
    if row is None:
        from seguridad.analysis.listing import unknown_indicator

        raise ComparisonRefused(unknown_indicator(con, indicator))
    return row[0]


def series_words(con: duckdb.DuckDBPyConnection, lang: str) -> dict[str, str]:
    """Series key -> how a reader calls it ('metodología 2015 (CNSP/38/15)')."""
    return dict(con.execute("SELECT series, CASE WHEN ? = 'es' THEN words_es ELSE words_en END "
                            "FROM core.series", [lang]).fetchall())




def published_months(con: duckdb.DuckDBPyConnection, indicator: str, geo: Geo, series: str,
                     counts: str = "crimes", sex: str = "Total",
                     age_group: str = "Total", facts: str = NEWEST) -> set[date]:
    return {m for (m,) in con.execute(
        f"SELECT month FROM {facts_table(facts)} WHERE measure = ? AND indicator = ? "
        "AND series = ? AND geo_level = ? AND geo_code = ? AND sex = ? AND age_group = ?",
        [counts, indicator, series, geo.level, geo.code, sex, age_group]).fetchall()}


def month_span(months: list[date], lang: str | None = None) -> str:
    if not months:
        return say("compare.none", lang)
    ranges, start, prev = [], months[0], months[0]
    for m in months[1:]:
        if m != add_months(prev, 1):
            ranges.append((start, prev))
            start = m
        prev = m
    ranges.append((start, prev))
    return ", ".join(f"{a:%Y-%m}" if a == b else f"{a:%Y-%m}..{b:%Y-%m}" for a, b in ranges)


def choose_series(con: duckdb.DuckDBPyConnection, indicator: str, geo: Geo, current: Window,
                  baseline: Window, series: str | None = None, allow_break: bool = False,
                  counts: str = "crimes", sex: str = "Total",
                  age_group: str = "Total", facts: str = NEWEST,
                  lang: str | None = None) -> tuple[str, str]:
    """(current series, baseline series): the requested series, or the newest methodology that
    publishes every month of both windows. Only with `allow_break` may the windows come from
    two methodologies (the newest covering each), and the result is then flagged. A refusal
    says the series and the windows in words, in `lang` (default: the command line's)."""
    lang = lang or language()
    candidates = [s for (s,) in con.execute(
        "SELECT series FROM core.series ORDER BY rank DESC").fetchall()]
    words = series_words(con, lang)
    if series is not None and series not in candidates:
        raise ComparisonRefused(say("compare.unknown_series", lang, series=series, known="; ".join(
            f"{s} ({words.get(s, s)})" for s in candidates)))
    coverage: dict[str, tuple[list[date], list[date], list[date]]] = {}
    for s in [series] if series else candidates:
        have = published_months(con, indicator, geo, s, counts, sex, age_group, facts)
        coverage[s] = (sorted(have), [m for m in current.month_list() if m not in have],
                       [m for m in baseline.month_list() if m not in have])
        if not coverage[s][1] and not coverage[s][2]:
            return s, s
    what = what_counted(con, indicator, counts, lang)
    where = geo.place(lang)
    windows = {"current": current.describe(lang), "baseline": baseline.describe(lang)}
    lines = []
    for s, (have, miss_cur, miss_base) in coverage.items():
        missing = sorted(miss_cur + miss_base)
        named = capitalised(words.get(s, s))
        lines.append("  " + (say("compare.series_publishes", lang, series=named,
                                 first=f"{have[0]:%Y-%m}", last=f"{have[-1]:%Y-%m}",
                                 missing=month_span(missing, lang)) if have else
                             say("compare.series_has_none", lang, series=named,
                                 what=what, where=where)))
    detail = "\n".join(lines)
    if series:
        raise ComparisonRefused(say("compare.series_misses", lang, series=words.get(series,
                                                                                   series),
                                    **windows) + "\n" + detail)
    cur_series = next((s for s, c in coverage.items() if not c[1]), None)
    base_series = next((s for s, c in coverage.items() if not c[2]), None)
    if allow_break and cur_series and base_series:
        return cur_series, base_series
    hint = ""
    if cur_series and base_series:
        hint = "\n" + say("compare.hint_allow_break", lang, current=words[cur_series],
                          baseline=words[base_series])
    if not hint:
        hint = coverage_hint(coverage, what, where, current, baseline, words, lang)
    raise ComparisonRefused(say("compare.no_single_series", lang, what=what, where=where,
                                **windows) + "\n" + detail + hint)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def what_counted(con: duckdb.DuckDBPyConnection, indicator: str, counts: str, lang: str) -> str:
    """'homicidio doloso (carpetas de investigación)': the indicator and what is counted."""
    try:
        label = indicator_label(con, indicator, lang)
    except ComparisonRefused:
        label = indicator
    return say("compare.what", lang, label=label[:1].lower() + label[1:],
               counts=t(counts, lang))


def coverage_hint(coverage: dict, what: str, where: str, current: Window,
                   baseline: Window, words: dict, lang: str) -> str:
    """What to change so that one series covers both windows: months no series publishes
    need another file; otherwise move the windows inside the series that misses least."""
    published = {m for have, _, _ in coverage.values() for m in have}
    nowhere = [m for m in sorted(set(baseline.month_list() + current.month_list()))
               if m not in published]
    hints = []
    if nowhere:
        hints.append(say("compare.hint_nowhere", lang, months=month_span(nowhere, lang), what=what,
                         where=where))
    best, (have, miss_cur, miss_base) = min(
        ((s, c) for s, c in coverage.items() if c[0]),
        key=lambda sc: len(sc[1][1]) + len(sc[1][2]), default=(None, ([], [], [])))
    named = capitalised(words.get(best, best)) if best else ""
    if best and any(m > have[-1] for m in miss_cur):
        hints.append(say("compare.hint_end", lang, series=named, last=f"{have[-1]:%Y-%m}"))
    if best and any(m < have[0] for m in miss_base):
        hints.append(say("compare.hint_begin", lang, series=named, first=f"{have[0]:%Y-%m}"))
    gaps = [m for m in miss_cur + miss_base if have and have[0] <= m <= have[-1]]
    if best and gaps:
        hints.append(say("compare.hint_gaps", lang, series=named,
                         months=month_span(sorted(gaps), lang)))
    return "".join(f"\n{h}" for h in hints)
