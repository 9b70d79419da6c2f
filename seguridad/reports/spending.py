"""`seguridad report spending`: what a program spent, where, for whom, next to how crime moved
where the money went (marts.program_evaluation); and, for a federal program the Cuenta Pública
reports (marts.program_budget_yearly), what Congress approved against what was spent. This
module reads the warehouse into a SpendingReport; seguridad/reports/spending_text.py says it
(sentences, tables, Markdown, JSON, CSV)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import duckdb

from seguridad.analysis.provenance import default_vintage, population_files, sources
from seguridad.analysis.windows import Window
from seguridad.db import fetch_dicts
from seguridad.errors import ComparisonRefused
from seguridad.failure_text import warning_words
from seguridad.i18n import say


@dataclass
class Budget:
    """Approved against exercised, per fiscal year, from the Cuenta Pública."""

    label: str  # PRONAPRED
    years: tuple[int, int]
    by_year: list[dict]  # fiscal_year, approved/exercised nominal and real, cumulative
    missing_years: list[int]  # years of the span without a line in the Cuenta Pública
    price_base: date | None

    @property
    def approved(self) -> Decimal:
        return sum((y["approved_pesos"] for y in self.by_year), Decimal(0))

    @property
    def exercised(self) -> Decimal:
        return sum((y["exercised_pesos"] for y in self.by_year), Decimal(0))


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
    budget: Budget | None = None
    label: str = ""  # how readers call the program: PRONAPRED, FASP

    def __post_init__(self) -> None:
        self.label = self.label or (self.budget.label if self.budget else self.program)


def parse_years(text: str) -> tuple[int, int]:
    """'2013:2015' (or '2013-2015', or one year '2014') -> (2013, 2015)."""
    parts = text.replace(":", "-").split("-") if text.count("-") < 2 else [text]
    try:
        first, last = int(parts[0]), int(parts[-1])
    except ValueError:
        raise ComparisonRefused(say("spending.years_form", text=text)) from None
    if len(parts) > 2 or last < first:
        raise ComparisonRefused(say("spending.years_order", text=text))
    return first, last


def build_budget(con: duckdb.DuckDBPyConnection, program: str,
                 years: tuple[int, int] | None) -> Budget | None:
    """The program's Cuenta Pública figures (None if it is not a followed federal program).
    Years asked for but not loaded are refused: an absent year is not a zero."""
    known = fetch_dicts(con, "SELECT label FROM core.budget_program WHERE program = ?",
                        [program])
    if not known:
        return None
    by_year = fetch_dicts(con, """
        SELECT fiscal_year,
               any_value(amount_pesos) FILTER (WHERE stage = 'approved') AS approved_pesos,
               any_value(amount_pesos) FILTER (WHERE stage = 'exercised') AS exercised_pesos,
               any_value(amount_real_pesos) FILTER (WHERE stage = 'approved')
                   AS approved_real_pesos,
               any_value(amount_real_pesos) FILTER (WHERE stage = 'exercised')
                   AS exercised_real_pesos,
               any_value(share_of_approved) FILTER (WHERE stage = 'exercised')
                   AS exercised_share,
               any_value(price_base) AS price_base,
               list(DISTINCT file_sha256) AS files
        FROM marts.program_budget_yearly
        WHERE program = $1 AND fiscal_year BETWEEN $2 AND $3
        GROUP BY fiscal_year ORDER BY fiscal_year""",
                         [program, *(years or (0, 9999))])
    loaded = [y for (y,) in con.execute("""
        SELECT DISTINCT year(month) FROM core.current_file_months
        WHERE dataset = 'budget_cuenta_publica' ORDER BY 1""").fetchall()]
    if years:
        absent = [y for y in range(years[0], years[1] + 1) if y not in loaded]
        if absent:
            raise ComparisonRefused(say(
                "spending.no_cuenta", years=", ".join(map(str, absent)),
                loaded=", ".join(map(str, loaded)) or say("compare.none")))
    if not by_year:
        return None
    span = years or (by_year[0]["fiscal_year"], by_year[-1]["fiscal_year"])
    approved = exercised = Decimal(0)
    for y in by_year:  # cumulative over the years shown
        approved += y["approved_pesos"] or 0
        exercised += y["exercised_pesos"] or 0
        y["cumulative_approved_pesos"], y["cumulative_exercised_pesos"] = approved, exercised
    present = {y["fiscal_year"] for y in by_year}
    missing = [y for y in range(span[0], span[1] + 1) if y not in present]
    bases = {y["price_base"] for y in by_year}
    base = bases.pop() if len(bases) == 1 else None  # real pesos only if every year has them
    return Budget(known[0]["label"], span, by_year, missing, base)


def build(con: duckdb.DuckDBPyConnection, program: str, before: Window | None = None,
          after: Window | None = None, lang: str = "es",
          years: tuple[int, int] | None = None) -> SpendingReport:
    program = program.lower()
    budget = build_budget(con, program, years)
    by_year = fetch_dicts(con, """
        SELECT fiscal_year, amount_mxn, amount_real_mxn, price_basis, polygons, municipalities,
               beneficiaries, per_capita_mxn, per_beneficiary_mxn, data_warning, geo_level
        FROM marts.spending_yearly WHERE program = $1 AND geo_level = 'national'
          AND fiscal_year BETWEEN $2 AND $3
        ORDER BY fiscal_year""", [program, *(years or (0, 9999))])
    if not by_year and budget:  # a federal program seen only in the Cuenta Pública
        report = SpendingReport(program, lang, budget.years, {}, [], budget=budget)
        report.sources = sources(con, _budget_files(con, budget))
        return report
    if not by_year:
        known = [p for (p,) in con.execute(
            "SELECT DISTINCT program FROM marts.spending_yearly UNION "
            "SELECT DISTINCT program FROM marts.program_budget_yearly ORDER BY 1").fetchall()]
        raise ComparisonRefused(say("spending.no_program", program=program,
                                    known=", ".join(known) or say("spending.none_known")))
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
    report = SpendingReport(program, lang, (first, last), totals, by_year, budget=budget)
    if totals["polygons"]:
        report.before = before or Window(date(first - 1, 1, 1), date(first - 1, 12, 1))
        report.after = after or Window(date(last, 1, 1), date(last, 12, 1))
        if report.before.months != report.after.months:
            raise ComparisonRefused(say("spending.unequal_months"))
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
    report.sources = sources(con, _source_files(con, report)
                             + (_budget_files(con, budget) if budget else []))
    if any(r["data_warning"] for r in by_year):
        report.notes += sorted({f"{r['fiscal_year']}: {warning_words(r['data_warning'], lang)}"
                                for r in by_year if r["data_warning"]})
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


def _budget_files(con: duckdb.DuckDBPyConnection, b: Budget) -> list[str]:
    """The Cuenta Pública files behind the years shown, and the price files when pesos are
    real."""
    shas = sorted({sha for y in b.by_year for sha in y["files"]})
    if b.price_base:
        shas += [sha for (sha,) in con.execute(
            "SELECT DISTINCT file_sha256 FROM core.price_index_monthly").fetchall()]
    return shas
