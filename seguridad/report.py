"""Render a comparison for people and scripts: a terminal table, Markdown, CSV, JSON (and HTML,
in seguridad.html). Every output names its series, publication cut, population vintage and
the sha256 of the raw files behind it, and says in a sentence what changed."""

from __future__ import annotations

import csv
import io
import json

from seguridad.compare import Comparison
from seguridad.i18n import t

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


def number(v: float | int | None, per_100k: bool) -> str:
    if v is None:
        return "n/a"
    return f"{v:,.2f}" if per_100k else f"{v:,}"


def signed_pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:+.2f}%"


def headline(c: Comparison, lang: str | None = None) -> str:
    """One sentence in the style of an official statement, with the numbers behind it:
    'Homicidio doloso bajó 21.8% en Nacional entre enero-noviembre de 2012 y
    enero-noviembre de 2015 (19,760 → 15,454 carpetas de investigación).'"""
    lang = lang or c.lang
    unit = t(c.counts, lang)
    what = c.indicator_label
    if c.counts == "victims":
        what = f"{what} ({unit}" + ("" if c.sex == "Total" else f", {c.sex}") + \
            ("" if c.age_group == "Total" else f", {c.age_group}") + ")"
    if c.per_100k:
        what += f" ({t('rate_suffix', lang)})"
    values = (f"{number(c.baseline_value, c.fractional)} → {number(c.current_value, c.fractional)}"
              + ("" if c.per_100k else f" {unit}")
              + (f" {t('a_' + c.per, lang)}" if c.per else ""))
    flag = f"{t('break_flag', lang)} " if c.methodology_break else ""
    base, cur = c.baseline.describe(lang), c.current.describe(lang)
    place = (t("nationally", lang) if c.geo.level == "national" and lang == "es"
             else f"{t('in', lang)} {c.geo.name}")
    where = f"{place} {t('between', lang)} {base} {t('and', lang)} {cur}"
    if c.pct_change is None:
        return f"{flag}{what} {where} {t('no_pct', lang)} ({values})."
    verb = t("fell" if c.pct_change < 0 else "rose" if c.pct_change > 0 else "unchanged", lang)
    return f"{flag}{what} {verb} {abs(c.pct_change):.1f}% {where} ({values})."


def provenance_lines(c: Comparison) -> list[str]:
    lines = [f"series: {c.series}; publication cut: {c.cut_date:%Y-%m}" if c.cut_date else
             f"series: {c.series}"]
    if c.methodology_break:
        lines.append(f"methodology break: {c.methodology_break['from']} -> "
                     f"{c.methodology_break['to']} ({c.methodology_break['comparability']})")
    if c.population_vintage:
        lines.append(f"population: {c.population_vintage} (CONAPO), interpolated to months")
    return lines + [source_line(s) for s in c.sources]


def source_line(s: dict, with_series: bool = False) -> str:
    """One raw file behind a number: as given at ingest, its sha256 and publication cut."""
    series = f"{s['series']}, " if with_series else ""
    cut = f", cut {s['cut_date']:%Y-%m}" if s["cut_date"] else ""
    return f"source: {s['file']} ({series}sha256 {s['sha256']}{cut})"


def summary_rows(c: Comparison) -> list[tuple[str, str]]:
    lang = c.lang
    return [
        (t("indicator", lang), f"{c.indicator} ({c.indicator_label})"),
        (t("geography", lang), f"{c.geo.name} ({c.geo.level} {c.geo.code})"),
        (t("measure", lang), f"{t(c.counts, lang)}, "
                             + t("per_100k" if c.per_100k else f"per_{c.per}" if c.per
                                 else "count", lang)),
        (f"{t('current', lang)} {c.current}", number(c.current_value, c.fractional)),
        (f"{t('baseline', lang)} {c.baseline}", number(c.baseline_value, c.fractional)),
        (t("change", lang), number(c.abs_change, c.fractional)),
        (t("change_pct", lang), signed_pct(c.pct_change)),
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
               number(m["baseline_value"], c.fractional), number(m["current_value"], c.fractional),
               number(m["abs_change"], c.fractional), signed_pct(m["pct_change"])]
        if not c.per_100k:
            row.append("n/a" if m["contribution_pp"] is None else f"{m['contribution_pp']:+.2f}")
        rows.append(row)
    return head, rows


def top_movers(c: Comparison, n: int = 3) -> tuple[list[dict], list[dict]]:
    """The members that fell most and rose most (by the ranking key)."""
    ranked = [m for m in c.members if m["abs_change"] is not None]
    down = [m for m in ranked if m["abs_change"] < 0][:n]
    up = [m for m in reversed(ranked) if m["abs_change"] > 0][:n]
    return down, up


def render(c: Comparison, fmt: str) -> str:
    if fmt == "json":
        records = as_records(c)
        out = dict(records[0], headline=headline(c), sources=[
            {**s, "cut_date": f"{s['cut_date']:%Y-%m}" if s["cut_date"] else None}
            for s in c.sources], members=records[1:])
        return json.dumps(out, ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(as_records(c))
        return buf.getvalue()
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
    lines += [""] + [f"note: {n}" for n in c.notes] + provenance_lines(c)
    return "\n".join(lines) + "\n"
