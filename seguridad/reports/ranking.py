"""Per-capita rankings: the states (or the municipalities the warehouse has) of one indicator
over a window, by their annualised rate per 100,000 (or their count), from the same SQL
as the comparisons (marts.window_totals). A place whose count is under the low-count
threshold (schemas/reference/report_thresholds.csv) is flagged, or listed apart unranked
with --suppress-low: its rate moves by a third with one case more or less. A place without
population for the window has no rate and is listed apart, never ranked as zero."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import duckdb

from seguridad.analysis.compare import (
    geo_in_language,
    indicator_label,
    low_count_threshold,
    series_words,
)
from seguridad.analysis.geography import Geo, resolve_geo
from seguridad.analysis.provenance import default_vintage, population_files, sources
from seguridad.analysis.windows import Window, add_months
from seguridad.db import fetch_dicts
from seguridad.errors import ComparisonRefused
from seguridad.i18n import language, say, t, vintage_words
from seguridad.reports.text import csv_text, source_line, sources_json

LEVELS = ("state", "municipality")
CSV_COLUMNS = ["rank", "geo_level", "geo_code", "geo_name", "indicator", "series",
               "window_start", "window_end", "count", "population", "rate_per_100k",
               "low_count", "unknown_population", "population_vintage", "cut_date",
               "source_files", "source_sha256"]


@dataclass
class Ranking:
    indicator: str
    indicator_label: str
    level: str
    series: str
    window: Window
    per_capita: bool
    rows: list[dict]  # ranked, best first (highest rate or count)
    apart: list[dict]  # not ranked: no population, or a low count with suppress_low
    low_count: int
    population_vintage: str | None
    cut_date: date | None
    lang: str = "es"
    within: Geo | None = None  # municipalities of this state only
    sources: list[dict] = field(default_factory=list)
    series_words: dict = field(default_factory=dict)
    suppressed: bool = False

    @property
    def places(self) -> list[dict]:
        return self.rows + self.apart


def default_window(con: duckdb.DuckDBPyConnection, indicator: str, level: str,
                   months: int = 12, series: str | None = None,
                   lang: str | None = None) -> tuple[str, Window]:
    """The newest series that publishes `months` whole months at this level, and its last
    `months` months."""
    rows = con.execute("""
        SELECT i.series, list(DISTINCT i.month ORDER BY i.month)
        FROM marts.indicator_monthly AS i JOIN core.series AS s USING (series)
        WHERE i.indicator = ? AND i.geo_level = ? AND (? IS NULL OR i.series = ?)
        GROUP BY i.series, s.rank ORDER BY s.rank DESC""",
                       [indicator, level, series, series]).fetchall()
    for name, published in rows:
        last = published[-1]
        window = Window(add_months(last, -(months - 1)), last)
        if set(window.month_list()) <= set(published):
            return name, window
    raise ComparisonRefused(say(
        "ranking.no_whole_months", lang, months=months, what=_label(con, indicator, lang),
        level=t("level_states" if level == "state" else "level_municipalities", lang),
        series=say("ranking.in_series", lang, series=_series(con, series, lang))
        if series else ""))


def _label(con: duckdb.DuckDBPyConnection, indicator: str, lang: str | None) -> str:
    label = indicator_label(con, indicator, lang or language())
    return label[:1].lower() + label[1:]


def _series(con: duckdb.DuckDBPyConnection, series: str, lang: str | None) -> str:
    from seguridad.analysis.series_choice import series_words

    return series_words(con, lang or language()).get(series, series)


def build(con: duckdb.DuckDBPyConnection, indicator: str, level: str = "state",
          window: Window | None = None, series: str | None = None, per_capita: bool = True,
          low_count: int | None = None, lang: str = "es", within: str | None = None,
          suppress_low: bool = False, vintage: str | None = None) -> Ranking:
    if level not in LEVELS:
        raise ComparisonRefused(say("ranking.unknown_level", lang, level=level))
    label = indicator_label(con, indicator, lang)
    state = resolve_geo(con, within) if within else None
    if state is not None and (level != "municipality" or state.level != "state"):
        raise ComparisonRefused(say("ranking.within_state", lang))
    if window is None:
        series, window = default_window(con, indicator, level, series=series, lang=lang)
    elif series is None:
        candidates = [s for (s,) in con.execute(
            "SELECT series FROM core.series ORDER BY rank DESC").fetchall()]
        series = next((s for s in candidates if _publishes(con, indicator, level, s, window)),
                      None)
        if series is None:
            raise ComparisonRefused(say(
                "ranking.no_series", lang, window=window.describe(lang),
                what=_label(con, indicator, lang),
                level=t("level_states" if level == "state" else "level_municipalities", lang)))
    low_count = low_count_threshold(con) if low_count is None else low_count
    vintage = vintage or default_vintage(con)
    found = fetch_dicts(con, """
        SELECT w.geo_code, g.geo_name, g.short_name, w.value AS count, w.population,
               w.rate_per_100k, w.population_vintage, w.cut_date, w.file_sha256s
        FROM marts.window_totals(?, ?, ?, ?, p_vintage := ?) AS w
        JOIN marts.geo AS g USING (geo_level, geo_code)
        WHERE w.geo_level = ? AND w.months_published = w.months_expected
          AND (? IS NULL OR left(w.geo_code, 2) = ?)""",
                        [indicator, series, window.start, window.end, vintage, level,
                         state.code if state else None, state.code if state else None])
    if not found:
        raise ComparisonRefused(say(
            "ranking.no_place", lang, window=window.describe(lang),
            what=_label(con, indicator, lang),
            level=t("level_states" if level == "state" else "level_municipalities", lang),
            series=_series(con, series, lang)))
    ranked, apart = [], []
    for r in found:
        r["low_count"] = r["count"] < low_count
        r["unknown_population"] = r["rate_per_100k"] is None
        if (per_capita and r["unknown_population"]) or (suppress_low and r["low_count"]):
            apart.append(r)
        else:
            ranked.append(r)
    key = "rate_per_100k" if per_capita else "count"
    ranked.sort(key=lambda r: (-r[key], r["geo_code"]))
    for i, r in enumerate(ranked, start=1):
        r["rank"] = i
    for r in apart:
        r["rank"] = None
    shas = sorted({s for r in found for s in r["file_sha256s"]})
    used = next((r["population_vintage"] for r in found if r["population_vintage"]), None)
    return Ranking(
        indicator=indicator, indicator_label=label, level=level, series=series, window=window,
        per_capita=per_capita, rows=ranked, apart=apart, low_count=low_count,
        population_vintage=used, cut_date=max(r["cut_date"] for r in found), lang=lang,
        within=geo_in_language(con, state, lang) if state else None,
        sources=sources(con, shas + (population_files(con, used) if per_capita else [])),
        series_words=series_words(con, lang), suppressed=suppress_low)


def _publishes(con: duckdb.DuckDBPyConnection, indicator: str, level: str, series: str,
               window: Window) -> bool:
    (n,) = con.execute("""
        SELECT count(DISTINCT month) FROM marts.indicator_monthly
        WHERE indicator = ? AND geo_level = ? AND series = ? AND month BETWEEN ? AND ?""",
                       [indicator, level, series, window.start, window.end]).fetchone()
    return n == window.months


# --- words --------------------------------------------------------------------------------

def title(r: Ranking) -> str:
    lang = r.lang
    what = t("ranking_rate_title" if r.per_capita else "ranking_count_title", lang,
             indicator=r.indicator_label,
             places=t("level_states" if r.level == "state" else "level_municipalities", lang))
    where = f" ({r.within.name})" if r.within else ""
    if r.level == "municipality" and not r.within:  # the states the municipalities are in
        states = sorted({p["geo_name"].rsplit(", ", 1)[-1] for p in r.places
                         if ", " in p["geo_name"]})
        where = f" ({', '.join(states)})" if states else ""
    return f"{what}{where}, {r.window.describe(lang)}"


def flag_words(row: dict, r: Ranking) -> str:
    if row["unknown_population"]:
        return t("flag_no_population", r.lang)
    if row["low_count"]:
        return t("flag_low_count", r.lang, n=r.low_count)
    return ""


def _number(v, digits: int, lang: str) -> str:
    if v is None:
        return t("na", lang)
    return f"{v:,.{digits}f}"


def table_rows(r: Ranking) -> tuple[list[str], list[list[str]]]:
    lang = r.lang
    head = ["#", t("place", lang), t("count_col", lang), t("population", lang),
            t("rate_col", lang), t("flag_col", lang)]
    rows = []
    for row in r.places:
        rows.append(["" if row["rank"] is None else str(row["rank"]),
                     row["geo_name"] if r.level == "state" else row["short_name"],
                     f"{row['count']:,}", _number(row["population"], 0, lang),
                     _number(row["rate_per_100k"], 1, lang), flag_words(row, r)])
    return head, rows


def notes(r: Ranking) -> list[str]:
    lang = r.lang
    out = [t("ranking_rate_note", lang) if r.per_capita else t("ranking_count_note", lang)]
    flagged = [row for row in r.places if row["low_count"]]
    if flagged:
        out.append(t("ranking_low_note_apart" if r.suppressed else "ranking_low_note", lang,
                     n=r.low_count, k=len(flagged)))
    if any(row["unknown_population"] for row in r.places):
        out.append(t("ranking_no_population_note", lang))
    return out


def provenance(r: Ranking) -> list[str]:
    lang = r.lang
    lines = [t("series_cut_line", lang, series=r.series_words.get(r.series, r.series),
               cut=f"{r.cut_date:%Y-%m}") if r.cut_date else
             t("series_line", lang, series=r.series_words.get(r.series, r.series))]
    if r.per_capita and r.population_vintage:
        lines.append(t("population_line", lang,
                       vintage=vintage_words(r.population_vintage, lang)))
    return lines + [source_line(s, lang=lang) for s in r.sources]


def records(r: Ranking) -> list[dict]:
    """One record per place, keys as in CSV_COLUMNS (the machine formats)."""
    files = {"source_files": ";".join(s["file"] for s in r.sources),
             "source_sha256": ";".join(s["sha256"] for s in r.sources)}
    return [{
        "rank": row["rank"], "geo_level": r.level, "geo_code": row["geo_code"],
        "geo_name": row["geo_name"], "indicator": r.indicator, "series": r.series,
        "window_start": f"{r.window.start:%Y-%m}", "window_end": f"{r.window.end:%Y-%m}",
        "count": row["count"],
        "population": None if row["population"] is None else round(row["population"]),
        "rate_per_100k": None if row["rate_per_100k"] is None
        else round(row["rate_per_100k"], 4),
        "low_count": row["low_count"], "unknown_population": row["unknown_population"],
        "population_vintage": row["population_vintage"],
        "cut_date": f"{row['cut_date']:%Y-%m}" if row["cut_date"] else None, **files,
    } for row in r.places]


def render(r: Ranking, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"indicator": r.indicator, "level": r.level, "series": r.series,
                           "window_start": f"{r.window.start:%Y-%m}",
                           "window_end": f"{r.window.end:%Y-%m}", "per_capita": r.per_capita,
                           "low_count_threshold": r.low_count, "title": title(r),
                           "places": records(r), "notes": notes(r),
                           "sources": sources_json(r.sources)},
                          ensure_ascii=False, indent=2)
    if fmt == "csv":
        return csv_text(CSV_COLUMNS, records(r))
    head, body = table_rows(r)
    if fmt == "md":
        lines = [f"**{title(r)}**", "", "| " + " | ".join(head) + " |",
                 "|" + "|".join("---" if i in (1, 5) else "---:" for i in range(len(head)))
                 + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        lines += ["", *[f"> {n}" for n in notes(r)], *[f"- {p}" for p in provenance(r)]]
        return "\n".join(lines) + "\n"
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]
    lines = [title(r), ""] + ["  ".join(x.ljust(w) if i in (1, 5) else x.rjust(w)
                                        for i, (x, w) in enumerate(zip(row, widths,
                                                                       strict=True))).rstrip()
                              for row in [head, *body]]
    lines += [""] + [f"{t('note_word', r.lang)}: {n}" for n in notes(r)] + provenance(r)
    return "\n".join(lines) + "\n"
