"""Render a comparison for people and scripts: a terminal table, Markdown, CSV, JSON (and HTML,
in seguridad.reports.html). Every output names its series, publication cut, population vintage and
the sha256 of the raw files behind it, and says in a sentence what changed."""

from __future__ import annotations

import csv
import io
import json

from seguridad.analysis.compare import Comparison
from seguridad.analysis.windows import add_months
from seguridad.i18n import t, vintage_words

CSV_COLUMNS = [
    "role", "rank", "indicator", "geo_level", "geo_code", "geo_name", "series",
    "current_series", "baseline_series", "methodology_break", "include_attempts", "measure",
    "sex", "age_group", "current_start", "current_end", "current_value", "baseline_start",
    "baseline_end", "baseline_value", "abs_change", "pct_change", "contribution_pp",
    "current_count", "baseline_count", "low_count", "population_vintage", "cut_date",
    "source_files", "source_sha256", "notes", "per",
]


def _round(value: float | int | None, per_100k: bool) -> float | int | None:
    if value is None:
        return None
    return round(value, 4) if per_100k else value


def _pct(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def as_records(c: Comparison) -> list[dict]:
    """The comparison's total, then (with --by) one record per member, ranked."""
    common = {
        "indicator": c.indicator, "series": c.series, "current_series": c.current_series,
        "baseline_series": c.baseline_series,
        "methodology_break": (f"{c.methodology_break['from']}->{c.methodology_break['to']} "
                              f"({c.methodology_break['comparability']})"
                              if c.methodology_break else ""),
        "include_attempts": c.include_attempts, "measure": c.measure, "sex": c.sex,
        "age_group": c.age_group,
        "current_start": f"{c.current.start:%Y-%m}", "current_end": f"{c.current.end:%Y-%m}",
        "baseline_start": f"{c.baseline.start:%Y-%m}", "baseline_end": f"{c.baseline.end:%Y-%m}",
        "population_vintage": c.population_vintage,
        "cut_date": f"{c.cut_date:%Y-%m}" if c.cut_date else None,
        "source_files": ";".join(s["file"] for s in c.sources),
        "source_sha256": ";".join(s["sha256"] for s in c.sources),
        "per": c.per,
    }
    total = {
        **common, "role": "total", "rank": None, "geo_level": c.geo.level,
        "geo_code": c.geo.code, "geo_name": c.geo.name,
        "current_value": _round(c.current_value, c.fractional),
        "baseline_value": _round(c.baseline_value, c.fractional),
        "abs_change": _round(c.abs_change, c.fractional), "pct_change": _pct(c.pct_change),
        "contribution_pp": _pct(c.pct_change) if c.by and not c.per_100k else None,
        "current_count": c.current_count, "baseline_count": c.baseline_count,
        "low_count": min(c.current_count, c.baseline_count) < c.low_count,
        "notes": " ".join(c.notes),
    }
    members = [{
        **common, "role": "member", "rank": m["rank"], "geo_level": m["geo_level"],
        "geo_code": m["geo_code"], "geo_name": m["geo_name"],
        "current_value": _round(m["current_value"], c.fractional),
        "baseline_value": _round(m["baseline_value"], c.fractional),
        "abs_change": _round(m["abs_change"], c.fractional), "pct_change": _pct(m["pct_change"]),
        "contribution_pp": _pct(m["contribution_pp"], 4),
        "current_count": m["current_count"], "baseline_count": m["baseline_count"],
        "low_count": m["low_count"], "notes": "",
    } for m in c.members]
    return [total, *members]


def number(v: float | int | None, per_100k: bool, lang: str = "en") -> str:
    if v is None:
        return t("na", lang)
    return f"{v:,.2f}" if per_100k else f"{v:,}"


def signed_pct(v: float | None, lang: str = "en") -> str:
    return t("na", lang) if v is None else f"{v:+.2f}%"


def place_words(geo, lang: str) -> str:
    """'a nivel nacional', 'en Jalisco', 'en el Estado de México', 'en la Frontera norte' /
    'nationally', 'in Jalisco', 'in the State of Mexico', 'in the Northern border'."""
    if geo.level == "group":
        return f"{t('in_group', lang)} {geo.label(lang)}"
    # 'a nivel nacional' / 'nationally'; 'en el Estado de México' / 'in the State of Mexico'
    return geo.place(lang)


def windows_words(c: Comparison, lang: str) -> str:
    """When: 'entre enero-noviembre de 2012 y enero-noviembre de 2015' for windows inside a
    year each; across years, the current window and how the baseline relates to it ('de
    diciembre de 2023 a noviembre de 2024 frente a los 12 meses anteriores')."""
    base, cur = c.baseline, c.current
    if not base.spans_years and not cur.spans_years:
        return (f"{t('between', lang)} {base.describe(lang)} {t('and', lang)} "
                f"{cur.describe(lang)}")
    if base.end == add_months(cur.start, -1) and base.months == cur.months:
        against = (t("against_prev_one", lang) if cur.months == 1 else
                   t("against_prev", lang, n=cur.months))
    elif base.start == add_months(cur.start, -12) and base.months == cur.months:
        against = t("against_year_before", lang)
    else:
        against = f"{t('against', lang)} {base.describe(lang)}"
    lead = t("from_window", lang) if cur.spans_years else t("in_window", lang)
    return f"{lead} {cur.describe(lang)} {against}"


def headline(c: Comparison, lang: str | None = None) -> str:
    """One sentence in the style of an official statement, with the numbers behind it:
    'Homicidio doloso bajó 21.8% a nivel nacional entre enero-noviembre de 2012 y
    enero-noviembre de 2015 (19,760 → 15,454 carpetas de investigación).'"""
    lang = lang or c.lang
    unit = t(c.counts, lang)
    what = c.indicator_label
    if c.counts == "victims":
        what = f"{what} ({unit}" + ("" if c.sex == "Total" else f", {c.sex}") + \
            ("" if c.age_group == "Total" else f", {c.age_group}") + ")"
    if c.per_100k:
        what += f" ({t('rate_suffix', lang)})"
    values = (f"{number(c.baseline_value, c.fractional, lang)} → "
              f"{number(c.current_value, c.fractional, lang)}"
              + ("" if c.per_100k else f" {unit}")
              + (f" {t('a_' + c.per, lang)}" if c.per else ""))
    flag = f"{t('break_flag', lang)} " if c.methodology_break else ""
    where = f"{place_words(c.geo, lang)} {windows_words(c, lang)}"
    if c.pct_change is None:
        return f"{flag}{what} {where} {t('no_pct', lang)} ({values})."
    if c.pct_change == 0:
        return f"{flag}{what} {t('unchanged', lang)} {where} ({values})."
    if abs(c.pct_change) < 0.05:  # '0.0%' would say nothing moved when something did
        return (f"{flag}{what} {t('almost_unchanged', lang)} ({c.pct_change:+.2f}%) {where} "
                f"({values}).")
    verb = t("fell" if c.pct_change < 0 else "rose", lang)
    return f"{flag}{what} {verb} {abs(c.pct_change):.1f}% {where} ({values})."


def provenance_lines(c: Comparison) -> list[str]:
    lang = c.lang
    series = " → ".join(dict.fromkeys(c.series_words.get(s, s)
                                      for s in (c.baseline_series, c.current_series)))
    lines = [t("series_cut_line", lang, series=series, cut=f"{c.cut_date:%Y-%m}")
             if c.cut_date else t("series_line", lang, series=series)]
    if c.methodology_break:
        b = c.methodology_break
        lines.append(t("break_line", lang, from_=c.series_words.get(b["from"], b["from"]),
                       to=c.series_words.get(b["to"], b["to"]),
                       comparability=t(b["comparability"], lang)))
    if c.population_vintage:
        lines.append(t("population_line", lang,
                       vintage=vintage_words(c.population_vintage, lang)))
    return lines + [source_line(s, lang=lang) for s in c.sources]


def source_line(s: dict, with_series: bool = False, lang: str | None = None,
                series_words: dict | None = None) -> str:
    """One raw file behind a number: as given at ingest, its sha256 and publication cut.
    Without a language, the English words (what callers outside the reports expect)."""
    lang = lang or "en"
    series = ""
    if with_series:
        series = f"{(series_words or {}).get(s['series'], s['series'])}, "
    cut = t("source_cut", lang, cut=f"{s['cut_date']:%Y-%m}") if s["cut_date"] else ""
    return t("source_line", lang, file=s["file"], series=series, sha=s["sha256"], cut=cut)


def geo_words(c: Comparison) -> str:
    """The place in words, with its INEGI code where it has one: 'Jalisco (clave INEGI 14)'."""
    lang, geo = c.lang, c.geo
    if geo.level in ("state", "municipality"):
        return f"{geo.name} ({t('state_code_words', lang, code=geo.code)})"
    return geo.name


def summary_rows(c: Comparison) -> list[tuple[str, str]]:
    lang = c.lang
    return [
        (t("indicator", lang), c.indicator_label),
        (t("geography", lang), geo_words(c)),
        (t("measure", lang), f"{t(c.counts, lang)}, "
                             + t("per_100k" if c.per_100k else f"per_{c.per}" if c.per
                                 else "count", lang)),
        (f"{t('current', lang)} ({c.current.describe(lang)})",
         number(c.current_value, c.fractional, lang)),
        (f"{t('baseline', lang)} ({c.baseline.describe(lang)})",
         number(c.baseline_value, c.fractional, lang)),
        (t("change", lang), number(c.abs_change, c.fractional, lang)),
        (t("change_pct", lang), signed_pct(c.pct_change, lang)),
    ]


def member_table(c: Comparison) -> tuple[list[str], list[list[str]]]:
    lang = c.lang
    head = ["#", t("geography", lang), t("baseline", lang), t("current", lang),
            t("change", lang), t("change_pct", lang)]
    if not c.per_100k:
        head.append(t("contribution", lang))
    rows = []
    for m in c.members:
        rank = str(m["rank"]) if m["rank"] else "–"  # unranked: no figure (no rate)
        row = [rank, m["geo_name"] + (f" ({t('low', lang)})" if m["low_count"] else ""),
               number(m["baseline_value"], c.fractional, lang),
               number(m["current_value"], c.fractional, lang),
               number(m["abs_change"], c.fractional, lang), signed_pct(m["pct_change"], lang)]
        if not c.per_100k:
            row.append(t("na", lang) if m["contribution_pp"] is None
                       else f"{m['contribution_pp']:+.2f}")
        rows.append(row)
    return head, rows


def top_movers(c: Comparison, n: int = 3) -> tuple[list[dict], list[dict]]:
    """The members that fell most and rose most (by the ranking key)."""
    ranked = [m for m in c.members if m["abs_change"] is not None]
    down = [m for m in ranked if m["abs_change"] < 0][:n]
    up = [m for m in reversed(ranked) if m["abs_change"] > 0][:n]
    return down, up


def sources_json(sources: list[dict]) -> list[dict]:
    """The source files as JSON gives them: the cut as YYYY-MM."""
    return [{**s, "cut_date": f"{s['cut_date']:%Y-%m}" if s["cut_date"] else None}
            for s in sources]


def csv_text(columns: list[str], records: list[dict]) -> str:
    """Records as CSV with a header, lines ending in \\n."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buf.getvalue()


def render(c: Comparison, fmt: str) -> str:
    if fmt == "json":
        records = as_records(c)
        out = dict(records[0], headline=headline(c), sources=sources_json(c.sources),
                   members=records[1:])
        return json.dumps(out, ensure_ascii=False, indent=2)
    if fmt == "csv":
        return csv_text(CSV_COLUMNS, as_records(c))
    rows = summary_rows(c)
    if fmt == "md":
        lines = [f"**{headline(c)}**", "", "| | |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in rows]
        if c.members:
            head, body = member_table(c)
            lines += ["", "| " + " | ".join(head) + " |",
                      "|" + "|".join("---:" if i != 1 else "---" for i in range(len(head))) + "|"]
            lines += ["| " + " | ".join(r) + " |" for r in body]
        lines += ["", *[f"> {n}" for n in c.notes], *[f"- {p}" for p in provenance_lines(c)]]
        return "\n".join(lines) + "\n"
    width = max(len(k) for k, _ in rows)
    lines = [headline(c), ""] + [f"{k:<{width}}  {v}" for k, v in rows]
    if c.members:
        head, body = member_table(c)
        widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]
        lines += [""] + ["  ".join(x.ljust(w) if i == 1 else x.rjust(w)
                                   for i, (x, w) in enumerate(zip(r, widths, strict=True)))
                         for r in [head, *body]]
    lines += [""] + [f"{t('note_word', c.lang)}: {n}" for n in c.notes] + provenance_lines(c)
    return "\n".join(lines) + "\n"
