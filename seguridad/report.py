"""Render comparisons for people and scripts (table, CSV, Markdown, JSON) and write the
standard change report. Every output names its series, publication cut, population vintage
and the sha256 of the raw files behind it."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from seguridad.compare import Comparison, Window, add_months, default_vintage, sources
from seguridad.warehouse import fetch_dicts, fetch_one

CSV_COLUMNS = [
    "indicator", "geo_level", "geo_code", "geo_name", "series", "current_series",
    "baseline_series", "methodology_break", "include_attempts", "measure", "sex", "age_group",
    "current_start", "current_end", "current_value", "baseline_start", "baseline_end",
    "baseline_value", "abs_change", "pct_change", "current_count", "baseline_count",
    "population_vintage", "cut_date", "source_files", "source_sha256", "notes",
]

UNITS = {("crimes", "en"): "investigation files", ("crimes", "es"): "carpetas de investigación",
         ("victims", "en"): "victims", ("victims", "es"): "víctimas"}


def _round(value: float | int | None, per_100k: bool) -> float | int | None:
    if value is None:
        return None
    return round(value, 4) if per_100k else value


def as_record(c: Comparison) -> dict:
    return {
        "indicator": c.indicator, "geo_level": c.geo.level, "geo_code": c.geo.code,
        "geo_name": c.geo.name, "series": c.series, "current_series": c.current_series,
        "baseline_series": c.baseline_series,
        "methodology_break": (f"{c.methodology_break['from']}->{c.methodology_break['to']} "
                              f"({c.methodology_break['comparability']})"
                              if c.methodology_break else ""),
        "include_attempts": c.include_attempts, "measure": c.measure, "sex": c.sex,
        "age_group": c.age_group,
        "current_start": f"{c.current.start:%Y-%m}", "current_end": f"{c.current.end:%Y-%m}",
        "current_value": _round(c.current_value, c.per_100k),
        "baseline_start": f"{c.baseline.start:%Y-%m}", "baseline_end": f"{c.baseline.end:%Y-%m}",
        "baseline_value": _round(c.baseline_value, c.per_100k),
        "abs_change": _round(c.abs_change, c.per_100k),
        "pct_change": None if c.pct_change is None else round(c.pct_change, 2),
        "current_count": c.current_count, "baseline_count": c.baseline_count,
        "population_vintage": c.population_vintage,
        "cut_date": f"{c.cut_date:%Y-%m}" if c.cut_date else None,
        "source_files": ";".join(s["file"] for s in c.sources),
        "source_sha256": ";".join(s["sha256"] for s in c.sources),
        "notes": " ".join(c.notes),
    }


def _number(v: float | int | None, per_100k: bool) -> str:
    if v is None:
        return "n/a"
    return f"{v:,.2f}" if per_100k else f"{v:,}"


def headline(c: Comparison, lang: str = "es") -> str:
    """One sentence in the style of an official statement, with the numbers behind it."""
    label = c.indicator_label
    cur, base = c.current.describe(lang), c.baseline.describe(lang)
    unit = UNITS[(c.counts, lang)]
    what = label
    if c.counts == "victims":
        what = f"{label} ({unit}" + ("" if c.sex == "Total" else f", {c.sex}") + \
            ("" if c.age_group == "Total" else f", {c.age_group}") + ")"
    if c.per_100k:
        what += " (tasa por 100 mil habitantes)" if lang == "es" else " (rate per 100,000)"
    values = (f"{_number(c.baseline_value, c.per_100k)} → {_number(c.current_value, c.per_100k)}"
              + ("" if c.per_100k else f" {unit}"))
    if c.pct_change is None:
        verb = "no tiene cambio porcentual definido" if lang == "es" else \
            "has no defined percent change"
        return f"{what} en {c.geo.name} {verb} entre {base} y {cur} ({values})." if lang == "es" \
            else f"{what} in {c.geo.name} {verb} between {base} and {cur} ({values})."
    pct = abs(c.pct_change)
    flag = ""
    if c.methodology_break:
        flag = "[RUPTURA METODOLÓGICA] " if lang == "es" else "[METHODOLOGY BREAK] "
    if lang == "es":
        verb = "bajó" if c.pct_change < 0 else "subió" if c.pct_change > 0 else "no cambió"
        return f"{flag}{what} {verb} {pct:.1f}% en {c.geo.name} entre {base} y {cur} ({values})."
    verb = "fell" if c.pct_change < 0 else "rose" if c.pct_change > 0 else "did not change"
    return f"{flag}{what} {verb} {pct:.1f}% in {c.geo.name} between {base} and {cur} ({values})."


def provenance_lines(c: Comparison) -> list[str]:
    lines = [f"series: {c.series}; publication cut: {c.cut_date:%Y-%m}" if c.cut_date else
             f"series: {c.series}"]
    if c.methodology_break:
        lines.append(f"methodology break: {c.methodology_break['from']} -> "
                     f"{c.methodology_break['to']} ({c.methodology_break['comparability']})")
    if c.population_vintage:
        lines.append(f"population: {c.population_vintage} (CONAPO), interpolated to months")
    for s in c.sources:
        cut = f", cut {s['cut_date']:%Y-%m}" if s["cut_date"] else ""
        lines.append(f"source: {s['file']} (sha256 {s['sha256']}{cut})")
    return lines


def render(c: Comparison, fmt: str, lang: str = "es") -> str:
    rec = as_record(c)
    if fmt == "json":
        out = dict(rec, headline=headline(c, lang), sources=[
            {**s, "cut_date": f"{s['cut_date']:%Y-%m}" if s["cut_date"] else None}
            for s in c.sources])
        return json.dumps(out, ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerow(rec)
        return buf.getvalue()
    rows = [
        ("indicator", f"{c.indicator} ({c.indicator_label})"),
        ("geography", f"{c.geo.name} ({c.geo.level} {c.geo.code})"),
        ("measure", f"{c.counts}, " + ("rate per 100,000 (annualised)" if c.per_100k
                                       else "count")),
        (f"current {c.current}", _number(c.current_value, c.per_100k)),
        (f"baseline {c.baseline}", _number(c.baseline_value, c.per_100k)),
        ("change", _number(c.abs_change, c.per_100k)),
        ("change %", "n/a (zero baseline)" if c.pct_change is None else f"{c.pct_change:.2f}%"),
    ]
    if fmt == "md":
        lines = [f"**{headline(c, lang)}**", "", "| | |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in rows]
        lines += ["", *[f"> {n}" for n in c.notes], *[f"- {p}" for p in provenance_lines(c)]]
        return "\n".join(lines) + "\n"
    width = max(len(k) for k, _ in rows)
    lines = [headline(c, lang), ""] + [f"{k:<{width}}  {v}" for k, v in rows]
    lines += [""] + [f"note: {n}" for n in c.notes] + provenance_lines(c)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- standard change report


@dataclass
class Preset:
    key: str
    title: str
    current: Window
    baseline: Window


def standard_presets(last: date) -> list[Preset]:
    """Last 12 months against the 12 before, and year to date against the same months a year
    before, ending at the last published month."""
    r12 = Preset("r12", "Últimos 12 meses contra los 12 anteriores",
                 Window(add_months(last, -11), last), Window(add_months(last, -23),
                                                             add_months(last, -12)))
    ytd_start = date(last.year, 1, 1)
    ytd = Preset("ytd", "Año a la fecha contra los mismos meses del año anterior",
                 Window(ytd_start, last), Window(add_months(ytd_start, -12), add_months(last, -12)))
    return [r12, ytd]


def report_series(con: duckdb.DuckDBPyConnection) -> tuple[str, date] | None:
    """The newest series with at least two years published, and its last month."""
    row = fetch_one(con, "SELECT series, last_month FROM marts.series_coverage "
                         "WHERE months >= 24 ORDER BY rank DESC LIMIT 1")
    return (row[0], row[1]) if row else None


def standard_rows(con: duckdb.DuckDBPyConnection, series: str, presets: list[Preset],
                  vintage: str) -> list[dict]:
    rows = []
    indicators = [i for (i,) in con.execute(
        "SELECT DISTINCT indicator FROM marts.indicator_monthly WHERE series = ? ORDER BY 1",
        [series]).fetchall()]
    for p in presets:
        for ind in indicators:
            for r in fetch_dicts(
                    con, "SELECT * FROM marts.compare_windows(?, ?, ?, ?, ?, ?, ?, p_vintage := ?) "
                         "ORDER BY CASE geo_level WHEN 'national' THEN 0 WHEN 'group' THEN 1 "
                         "ELSE 2 END, geo_code",
                    [ind, series, p.current.start, p.current.end, series, p.baseline.start,
                     p.baseline.end, vintage]):
                complete = (r["current_months_published"] == r["current_months_expected"]
                            and r["baseline_months_published"] == r["baseline_months_expected"])
                rows.append({
                    "preset": p.key, "indicator": ind, "geo_level": r["geo_level"],
                    "geo_code": r["geo_code"], "geo_name": r["geo_name"], "series": series,
                    "current_start": f"{p.current.start:%Y-%m}",
                    "current_end": f"{p.current.end:%Y-%m}",
                    "current_value": r["current_value"] if complete else None,
                    "baseline_start": f"{p.baseline.start:%Y-%m}",
                    "baseline_end": f"{p.baseline.end:%Y-%m}",
                    "baseline_value": r["baseline_value"] if complete else None,
                    "abs_change": r["abs_change"] if complete else None,
                    "pct_change": round(r["pct_change"], 2)
                    if complete and r["pct_change"] is not None else None,
                    "current_rate": round(r["current_rate"], 4)
                    if complete and r["current_rate"] is not None else None,
                    "baseline_rate": round(r["baseline_rate"], 4)
                    if complete and r["baseline_rate"] is not None else None,
                    "population_vintage": vintage,
                    "cut_date": f"{r['cut_date']:%Y-%m}" if r["cut_date"] else None,
                    "comparable": complete,
                    "file_sha256s": r["file_sha256s"],
                })
    return rows


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:+.1f}%"


def write_standard_report(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict | None:
    """Write <out_dir>/cambios.md and cambios.csv; return paths and the Markdown text."""
    found = report_series(con)
    if found is None:
        return None
    series, last = found
    vintage = default_vintage(con)
    presets = standard_presets(last)
    rows = standard_rows(con, series, presets, vintage)
    labels = dict(con.execute("SELECT indicator, label_es FROM core.indicator").fetchall())
    shas = sorted({s for r in rows for s in r["file_sha256s"]})
    srcs = sources(con, shas)

    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / "cambios.csv"
    columns = [k for k in rows[0] if k != "file_sha256s"] + ["source_sha256"]
    with open(csv_path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({**{k: v for k, v in r.items() if k != "file_sha256s"},
                             "source_sha256": ";".join(r["file_sha256s"])})

    md = [f"# Cambios en la incidencia delictiva: corte {last:%Y-%m}", "",
          f"- serie: **{series}**; último mes publicado: {last:%Y-%m}",
          f"- población: {vintage} (CONAPO), tasas anualizadas por 100 mil habitantes"]
    md += [f"- fuente: `{s['file']}` (sha256 `{s['sha256']}`"
           + (f", corte {s['cut_date']:%Y-%m})" if s["cut_date"] else ")") for s in srcs]
    for p in presets:
        md += ["", f"## {p.title}: {p.current} vs {p.baseline}", "",
               "| indicador | geografía | actual | base | cambio % | tasa actual | tasa base |",
               "|---|---|---:|---:|---:|---:|---:|"]
        for r in rows:
            if r["preset"] != p.key or r["geo_level"] == "state":
                continue
            md.append(f"| {labels.get(r['indicator'], r['indicator'])} | {r['geo_name']} | "
                      f"{_fmt(r['current_value'])} | {_fmt(r['baseline_value'])} | "
                      f"{_pct(r['pct_change'])} | {_fmt(r['current_rate'], 1)} | "
                      f"{_fmt(r['baseline_rate'], 1)} |")
        md += ["", "Por estado, homicidio doloso (ordenado por cambio %):", "",
               "| estado | actual | base | cambio % |", "|---|---:|---:|---:|"]
        states = [r for r in rows if r["preset"] == p.key and r["geo_level"] == "state"
                  and r["indicator"] == "homicidio_doloso"]
        states.sort(key=lambda r: (r["pct_change"] is None, r["pct_change"] or 0))
        md += [f"| {r['geo_name']} | {_fmt(r['current_value'])} | {_fmt(r['baseline_value'])} | "
               f"{_pct(r['pct_change'])} |" for r in states]
    md += ["", f"Todas las filas (estados e indicadores): `{csv_path.name}`."]
    md_text = "\n".join(md) + "\n"
    md_path = out_dir / "cambios.md"
    md_path.write_text(md_text, encoding="utf-8")
    return {"markdown": md_path, "csv": csv_path, "text": md_text, "series": series,
            "last_month": last, "rows": len(rows)}


def _fmt(v: float | int | None, digits: int = 0) -> str:
    if v is None:
        return "n/a"
    return f"{v:,.{digits}f}" if digits else f"{v:,}"
