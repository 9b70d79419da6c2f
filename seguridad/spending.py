"""`seguridad report spending`: what a program spent, where, for whom, next to how crime moved
where the money went (marts.program_evaluation)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date

import duckdb

from seguridad.compare import Window, default_vintage, population_files, sources
from seguridad.errors import ComparisonRefused
from seguridad.report import source_line
from seguridad.warehouse import fetch_dicts


@dataclass
class SpendingReport:
    program: str
    lang: str
    years: tuple[int, int]
    totals: dict
    by_year: list[dict]
    evaluation: list[dict] = field(default_factory=list)
    before: Window | None = None
    after: Window | None = None
    notes: list[str] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)  # every file behind a number shown


def _money(amount: float, lang: str) -> str:
    millions = amount / 1e6
    word = "millones de pesos" if lang == "es" else "million pesos"
    return f"{millions:,.1f} {word}"


def build(con: duckdb.DuckDBPyConnection, program: str, before: Window | None = None,
          after: Window | None = None, lang: str = "es") -> SpendingReport:
    program = program.lower()
    by_year = fetch_dicts(con, """
        SELECT fiscal_year, amount_mxn, amount_real_mxn, price_basis, polygons, municipalities,
               beneficiaries, per_capita_mxn, per_beneficiary_mxn, data_warning, geo_level
        FROM marts.spending_yearly WHERE program = ? AND geo_level = 'national'
        ORDER BY fiscal_year""", [program])
    if not by_year:
        known = [p for (p,) in con.execute(
            "SELECT DISTINCT program FROM marts.spending_yearly ORDER BY 1").fetchall()]
        raise ComparisonRefused(f"no spending recorded for program {program!r}; known: "
                                f"{', '.join(known) or 'none (ingest a spending file)'}")
    first, last = by_year[0]["fiscal_year"], by_year[-1]["fiscal_year"]
    totals = fetch_dicts(con, """
        SELECT sum(amount_mxn) AS amount_mxn,
               count(DISTINCT municipality_code || '/' || polygon_id) AS polygons,
               count(DISTINCT municipality_code) AS municipalities,
               CAST(sum(beneficiaries) AS BIGINT) AS beneficiaries
        FROM core.program_spending WHERE program = ?""", [program])[0]
    if totals["amount_mxn"] is None:  # a fund (Ramo 33): no polygons, no beneficiaries
        totals = {"amount_mxn": sum(r["amount_mxn"] for r in by_year), "polygons": None,
                  "municipalities": None, "beneficiaries": None}
    report = SpendingReport(program, lang, (first, last), totals, by_year)
    if totals["polygons"]:
        report.before = before or Window(date(first - 1, 1, 1), date(first - 1, 12, 1))
        report.after = after or Window(date(last, 1, 1), date(last, 12, 1))
        if report.before.months != report.after.months:
            raise ComparisonRefused("--before and --after must have the same number of months")
        report.evaluation = fetch_dicts(con, """
            SELECT e.*, i.label_es, i.label_en
            FROM marts.program_evaluation(?, ?, ?, ?, ?) AS e
            JOIN core.indicator AS i USING (indicator)""",
                                        [program, report.before.start, report.before.end,
                                         report.after.start, report.after.end])
        if not report.evaluation:
            report.notes.append(
                ("No hay cifras municipales de delitos para todos los meses de ambos periodos "
                 "en los municipios del programa y sus comparables." if lang == "es" else
                 "There are no municipal crime figures for every month of both windows in the "
                 "program's municipalities and their comparables.")
                + f" ({report.before} / {report.after})")
    report.sources = sources(con, _source_files(con, report))
    if any(r["data_warning"] for r in by_year):
        report.notes += sorted({f"{r['fiscal_year']}: {r['data_warning']}" for r in by_year
                                if r["data_warning"]})
    return report


def _source_files(con: duckdb.DuckDBPyConnection, r: SpendingReport) -> list[str]:
    """The spending files of the program; the price index when pesos are real; the
    population behind per-capita figures and the evaluation's rates; the municipal crime
    files whose months the evaluation compares."""
    shas = [sha for (sha,) in con.execute("""
        SELECT file_sha256 FROM core.spending_yearly WHERE program = $1
        UNION SELECT file_sha256 FROM core.program_spending WHERE program = $1""",
                                          [r.program]).fetchall()]
    if any(y["price_basis"] != "nominal (current pesos)" for y in r.by_year):
        shas += [sha for (sha,) in con.execute(
            "SELECT DISTINCT file_sha256 FROM core.price_index").fetchall()]
    shas += population_files(con, default_vintage(con))
    if r.evaluation:
        shas += population_files(con, "conapo_municipal")
        shas += [sha for (sha,) in con.execute("""
            SELECT DISTINCT file_sha256 FROM core.current_file_months
            WHERE dataset = 'crime_municipal' AND series = ANY($1)
              AND (month BETWEEN $2 AND $3 OR month BETWEEN $4 AND $5)""",
                                              [sorted({e["series"] for e in r.evaluation}),
                                               r.before.start, r.before.end, r.after.start,
                                               r.after.end]).fetchall()]
    return shas


def provenance(r: SpendingReport) -> list[str]:
    return [source_line(s, with_series=True) for s in r.sources]


def sentences(r: SpendingReport) -> list[str]:
    """In the style of the statement this project checks."""
    t = r.totals
    span = f"{r.years[0]}" if r.years[0] == r.years[1] else f"{r.years[0]}-{r.years[1]}"
    es = r.lang == "es"
    money = _money(float(t["amount_mxn"]), r.lang)
    if t["polygons"]:
        reach, counted = "", ""
        if t["beneficiaries"]:
            # As agencies report them: summed over years and components, so a person served
            # twice counts twice. Said, not hidden.
            reach = (f" llegó a {t['beneficiaries']:,} beneficiarios" if es else
                     f" reached {t['beneficiaries']:,} beneficiaries")
            counted = ("; beneficiarios sumados por año y componente" if es else
                       "; beneficiaries summed over years and components")
        out = [(f"Una inversión de {money} en {t['polygons']:,} polígonos de "
                f"{t['municipalities']:,} municipios{reach} ({r.program}, {span}{counted})."
                if es else
                f"An investment of {money} in {t['polygons']:,} polygons of "
                f"{t['municipalities']:,} municipalities{reach} ({r.program}, {span}{counted}).")]
    else:
        doubtful = [str(y["fiscal_year"]) for y in r.by_year if y["data_warning"]]
        caveat = ""
        if doubtful:  # e.g. FASP 2014: zero in the file, probably missing
            caveat = (f"; {', '.join(doubtful)} con aviso de dato dudoso, ver notas" if es else
                      f"; {', '.join(doubtful)} flagged as doubtful, see the notes")
        out = [(f"{r.program}: {money} en {span} (suma de los años; pesos corrientes{caveat})."
                if es else
                f"{r.program}: {money} in {span} (sum of the years; current pesos{caveat}).")]
    for e in r.evaluation:
        label = e["label_es"] if es else e["label_en"]
        if e["did_pct_points"] is None:
            continue
        out.append(
            f"{label}: {e['funded_pct_change']:+.1f}% en los {e['funded_municipalities']} "
             f"municipios con el programa y {e['comparison_pct_change']:+.1f}% en los "
             f"{e['comparison_municipalities']} comparables sin él ({r.before} contra "
             f"{r.after}): una diferencia de {e['did_pct_points']:+.1f} puntos." if es else
             f"{label}: {e['funded_pct_change']:+.1f}% in the {e['funded_municipalities']} "
             f"municipalities with the program and {e['comparison_pct_change']:+.1f}% in the "
             f"{e['comparison_municipalities']} comparable ones without it ({r.before} against "
             f"{r.after}): a difference of {e['did_pct_points']:+.1f} points.")
    return out


EVALUATION_COLUMNS = [
    "program", "indicator", "series", "before_start", "before_end", "after_start", "after_end",
    "funded_municipalities", "funded_before", "funded_after", "funded_pct_change",
    "funded_rate_before", "funded_rate_after", "comparison_municipalities",
    "comparison_before", "comparison_after", "comparison_pct_change",
    "comparison_rate_before", "comparison_rate_after", "did_pct_points", "did_rate_per_100k",
]

SOURCE_COLUMNS = ["source_files", "source_sha256"]


def render(r: SpendingReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"program": r.program, "sentences": sentences(r),
                           "totals": r.totals, "by_year": r.by_year,
                           "evaluation": [{k: e[k] for k in EVALUATION_COLUMNS}
                                          for e in r.evaluation], "notes": r.notes,
                           "sources": r.sources},
                          ensure_ascii=False, indent=2, default=str)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=EVALUATION_COLUMNS + SOURCE_COLUMNS,
                                lineterminator="\n")
        writer.writeheader()
        files = {"source_files": ";".join(s["file"] for s in r.sources),
                 "source_sha256": ";".join(s["sha256"] for s in r.sources)}
        writer.writerows({**{k: e[k] for k in EVALUATION_COLUMNS}, **files}
                         for e in r.evaluation)
        return buf.getvalue()
    lines = sentences(r)
    lines += ["", "year  amount_mxn          polygons  municipalities  beneficiaries  basis"]
    for y in r.by_year:
        lines.append(f"{y['fiscal_year']}  {float(y['amount_mxn']):>18,.2f}  "
                     f"{y['polygons'] or '':>8}  {y['municipalities'] or '':>14}  "
                     f"{y['beneficiaries'] or '':>13}  {y['price_basis']}")
    lines += [f"note: {n}" for n in r.notes]
    lines += provenance(r)
    if fmt == "md":
        return "\n\n".join(lines[:1 + len(r.evaluation)]) + "\n\n```\n" + \
            "\n".join(lines[1 + len(r.evaluation):]) + "\n```\n"
    return "\n".join(lines) + "\n"
