"""`seguridad report spending`: what a program spent, where, for whom, next to how crime moved
where the money went (marts.program_evaluation); and, for a federal program the Cuenta Pública
reports (marts.program_budget_yearly), what Congress approved against what was spent."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import duckdb

from seguridad.db import fetch_dicts
from seguridad.errors import ComparisonRefused
from seguridad.failure_text import warning_words
from seguridad.i18n import say, t
from seguridad.provenance import default_vintage, population_files, sources
from seguridad.report import source_line
from seguridad.windows import Window


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


def _money(amount: float, lang: str) -> str:
    millions = amount / 1e6
    word = "millones de pesos" if lang == "es" else "million pesos"
    return f"{millions:,.1f} {word}"


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


def _millions(amount: Decimal) -> str:
    return f"{amount / 1_000_000:,.0f}"


def budget_sentence(b: Budget, lang: str) -> str:
    """'Between 2013 and 2015 Congress approved 7,778 million pesos for PRONAPRED; 6,872
    million were spent (88%).' Nominal pesos, as the Cuenta Pública gives them."""
    es = lang == "es"
    first, last = b.years
    if first == last:
        when = f"En {first}" if es else f"In {first}"
    else:
        when = f"Entre {first} y {last}" if es else f"Between {first} and {last}"
    gap = ""
    if b.missing_years:  # a year without a line is not a zero: said, not hidden
        listed = ", ".join(map(str, b.missing_years))
        gap = (f" (sin partida en la Cuenta Pública de {listed})" if es else
               f" (no line in the Cuenta Pública of {listed})")
    share = (f" ({b.exercised / b.approved * 100:.0f}%)" if b.approved else "")
    if es:
        return (f"{when} el Congreso aprobó {_millions(b.approved)} millones de pesos para "
                f"{b.label}{gap}; se ejercieron {_millions(b.exercised)} millones{share}.")
    return (f"{when} Congress approved {_millions(b.approved)} million pesos for {b.label}"
            f"{gap}; {_millions(b.exercised)} million were spent{share}.")


def price_basis(b: Budget, lang: str) -> str:
    if b.price_base is None:
        return ("pesos reales: sin INPC para todos los años" if lang == "es" else
                "real pesos: no INPC for every year")
    month = Window(b.price_base, b.price_base).describe(lang)
    return (f"pesos reales: pesos de {month} (INPC)" if lang == "es" else
            f"real pesos: pesos of {month} (INPC)")


BUDGET_COLUMNS = ["program", "fiscal_year", "approved_pesos", "exercised_pesos",
                  "exercised_share", "approved_real_pesos", "exercised_real_pesos",
                  "price_base", "cumulative_approved_pesos", "cumulative_exercised_pesos"]


def _columns(lang: str, keys: list[str], widths: list[int]) -> str:
    return " ".join(f"{t(k, lang):<{w}}" if i == 0 else f"{t(k, lang):>{w}}"
                    for i, (k, w) in enumerate(zip(keys, widths, strict=True)))


BUDGET_HEADS = ["col_year", "col_approved", "col_exercised", "col_share", "col_approved_real",
                "col_exercised_real", "col_cum_approved", "col_cum_exercised"]
BUDGET_WIDTHS = [5, 20, 20, 9, 20, 20, 20, 20]


def budget_table(b: Budget, lang: str) -> list[str]:
    def money(v: Decimal | None) -> str:
        return f"{v:,.2f}" if v is not None else t("na", lang)

    lines = ["", _columns(lang, BUDGET_HEADS, BUDGET_WIDTHS)]
    for y in b.by_year:
        share = (f"{y['exercised_share'] * 100:.1f}%" if y["exercised_share"] is not None
                 else t("na", lang))
        lines.append(f"{y['fiscal_year']:<5} {money(y['approved_pesos']):>20} "
                     f"{money(y['exercised_pesos']):>20} {share:>9} "
                     f"{money(y['approved_real_pesos']):>20} "
                     f"{money(y['exercised_real_pesos']):>20} "
                     f"{money(y['cumulative_approved_pesos']):>20} "
                     f"{money(y['cumulative_exercised_pesos']):>20}")
    total = (f"{t('col_total', lang):<5} {money(b.approved):>20} {money(b.exercised):>20} "
             + (f"{b.exercised / b.approved * 100:>8.1f}%" if b.approved
                else f"{t('na', lang):>9}"))
    real = [y for y in b.by_year if y["approved_real_pesos"] is not None]
    if b.price_base and len(real) == len(b.by_year):
        total += (f" {money(sum(y['approved_real_pesos'] for y in real)):>20} "
                  f"{money(sum(y['exercised_real_pesos'] or 0 for y in real)):>20}")
    nominal = "montos nominales" if lang == "es" else "nominal amounts"
    lines += [total, f"Cuenta Pública (SHCP), {nominal}; {price_basis(b, lang)}"]
    return lines


def basis_words(basis: str | None, lang: str) -> str:
    """marts.spending_yearly.price_basis ('real, pesos of 2023 (INPC)') in the reader's
    language."""
    if not basis or basis.startswith("nominal"):
        return t("nominal_pesos", lang)
    return t("real_pesos_of", lang, year=basis.split("pesos of ", 1)[-1].split(" ", 1)[0])


SPENDING_HEADS = ["col_year", "col_amount", "col_polygons", "col_municipalities",
                  "col_beneficiaries"]
SPENDING_WIDTHS = [4, 18, 9, 14, 13]


def spending_table(r: SpendingReport) -> list[str]:
    lang = r.lang
    real = {y["price_basis"] for y in r.by_year if y["amount_real_mxn"] is not None}
    heads = _columns(lang, SPENDING_HEADS, SPENDING_WIDTHS)
    if len(real) == 1:
        heads += f"  {t('col_amount_real', lang, basis=basis_words(real.pop(), lang))}"
    lines = ["", heads]
    for y in r.by_year:
        line = (f"{y['fiscal_year']:<4} {float(y['amount_mxn']):>18,.2f} "
                f"{y['polygons'] or '':>9} {y['municipalities'] or '':>14} "
                f"{y['beneficiaries'] or '':>13}")
        if y["amount_real_mxn"] is not None:
            line += f"  {float(y['amount_real_mxn']):>18,.2f}"
        lines.append(line)
    return lines


def provenance(r: SpendingReport) -> list[str]:
    return [source_line(s, lang=r.lang) for s in r.sources]


def sentences(r: SpendingReport) -> list[str]:
    """In the style of the statement this project checks."""
    if not r.by_year:  # only the Cuenta Pública
        return [budget_sentence(r.budget, r.lang)] if r.budget else []
    out = _spending_sentences(r)
    if r.budget:
        out.append(budget_sentence(r.budget, r.lang))
    return out


def _spending_sentences(r: SpendingReport) -> list[str]:
    tot = r.totals
    span = f"{r.years[0]}" if r.years[0] == r.years[1] else f"{r.years[0]}-{r.years[1]}"
    es = r.lang == "es"
    money = _money(float(tot["amount_mxn"]), r.lang)
    if tot["polygons"]:
        reach, counted = "", ""
        if tot["beneficiaries"]:
            # As agencies report them: summed over years and components, so a person served
            # twice counts twice. Said, not hidden.
            reach = (f" llegó a {tot['beneficiaries']:,} beneficiarios" if es else
                     f" reached {tot['beneficiaries']:,} beneficiaries")
            counted = ("; beneficiarios sumados por año y componente" if es else
                       "; beneficiaries summed over years and components")
        out = [(f"Una inversión de {money} en {tot['polygons']:,} polígonos de "
                f"{tot['municipalities']:,} municipios{reach} ({r.label}, {span}{counted})."
                if es else
                f"An investment of {money} in {tot['polygons']:,} polygons of "
                f"{tot['municipalities']:,} municipalities{reach} ({r.label}, {span}{counted}).")]
    else:
        doubtful = [str(y["fiscal_year"]) for y in r.by_year if y["data_warning"]]
        caveat = ""
        if doubtful:  # e.g. FASP 2014: zero in the file, probably missing
            caveat = (f"; {', '.join(doubtful)} con aviso de dato dudoso, ver notas" if es else
                      f"; {', '.join(doubtful)} flagged as doubtful, see the notes")
        out = [(f"{r.label}: {money} en {span} (suma de los años; pesos corrientes{caveat})."
                if es else
                f"{r.label}: {money} in {span} (sum of the years; current pesos{caveat}).")]
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


def _budget_records(r: SpendingReport) -> list[dict]:
    b = r.budget
    return [{"program": r.program, **{k: y[k] for k in BUDGET_COLUMNS[1:]}}
            for y in (b.by_year if b else [])]


def render(r: SpendingReport, fmt: str) -> str:
    if fmt == "json":
        budget = None
        if r.budget:
            budget = {"label": r.budget.label, "years": list(r.budget.years),
                      "approved_pesos": r.budget.approved,
                      "exercised_pesos": r.budget.exercised,
                      "missing_years": r.budget.missing_years,
                      "price_base": r.budget.price_base, "by_year": _budget_records(r)}
        return json.dumps({"program": r.program, "sentences": sentences(r),
                           "totals": r.totals, "by_year": r.by_year,
                           "evaluation": [{k: e[k] for k in EVALUATION_COLUMNS}
                                          for e in r.evaluation], "budget": budget,
                           "notes": r.notes, "sources": r.sources},
                          ensure_ascii=False, indent=2, default=str)
    files = {"source_files": ";".join(s["file"] for s in r.sources),
             "source_sha256": ";".join(s["sha256"] for s in r.sources)}
    if fmt == "csv":
        buf = io.StringIO()
        if r.budget and not r.evaluation:  # a federal program: its years, approved vs spent
            writer = csv.DictWriter(buf, fieldnames=BUDGET_COLUMNS + SOURCE_COLUMNS,
                                    lineterminator="\n")
            writer.writeheader()
            writer.writerows({**rec, **files} for rec in _budget_records(r))
            return buf.getvalue()
        writer = csv.DictWriter(buf, fieldnames=EVALUATION_COLUMNS + SOURCE_COLUMNS,
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows({**{k: e[k] for k in EVALUATION_COLUMNS}, **files}
                         for e in r.evaluation)
        return buf.getvalue()
    said = sentences(r)
    lines: list[str] = []
    if r.by_year:
        lines += spending_table(r)
    if r.budget:
        lines += budget_table(r.budget, r.lang)
    lines += [f"{t('note_word', r.lang)}: {n}" for n in r.notes]
    lines += provenance(r)
    if fmt == "md":
        return "\n\n".join(said) + "\n\n```\n" + "\n".join(lines).lstrip("\n") + "\n```\n"
    return "\n".join(said + lines) + "\n"
