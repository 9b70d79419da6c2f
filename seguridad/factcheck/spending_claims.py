"""check-claims for a spending claim ('7,700 millones de pesos' for a program): the
program's budget years from marts.program_budget_yearly summed over every run of years and
every budget stage (approved, modified, accrued, exercised), the amounts that reproduce the
stated one, and the caveats (another stage, a year not closed when it was said)."""

from __future__ import annotations

from decimal import Decimal

import duckdb

from seguridad.analysis.provenance import sources
from seguridad.db import fetch_dicts, fetch_one
from seguridad.factcheck import verdicts
from seguridad.factcheck.checks import ClaimCheck, SpendingDefinition
from seguridad.factcheck.claims import Claim, Loaded, amount_unit
from seguridad.i18n import t

STAGES = ("approved", "modified", "accrued", "exercised")


def reproduces_amount(amount: Decimal, stated: Decimal, bound: str, unit: Decimal,
                      almost_from: float = 0.9) -> bool:
    if bound == "about":
        return stated - unit / 2 <= amount < stated + unit / 2
    if bound == "almost":  # 'casi 8 mil millones': [0.9 x 8, 8) thousand million
        return stated * Decimal(str(almost_from)) <= amount < stated
    return amount > stated if bound == "more_than" else amount < stated


def check_spending(con: duckdb.DuckDBPyConnection, loaded: Loaded, claim: Claim,
                   lang: str, rules: verdicts.Rules | None = None) -> ClaimCheck:
    rules = rules or verdicts.Rules()
    st = loaded.statement
    written = loaded.raw_numbers.get(claim.id)
    stated = Decimal(written) if written else Decimal(repr(claim.amount_pesos))
    unit = amount_unit(written, claim.amount_pesos)
    check = ClaimCheck(claim, f"{float(stated) / 1e6:,.{_decimals_of_millions(unit)}f} "
                              f"{t('million_pesos', lang)}", "not_checkable")
    have_table = fetch_one(con, "SELECT 1 FROM duckdb_tables() WHERE schema_name = 'marts' "
                                "AND table_name = 'program_budget_yearly' "
                                "AND database_name = current_database()")
    rows = fetch_dicts(con, """
        SELECT fiscal_year, stage, amount_pesos, file_sha256 FROM marts.program_budget_yearly
        WHERE program = ? ORDER BY fiscal_year""", [claim.program]) if have_table else []
    if not rows:
        known = fetch_dicts(con, "SELECT DISTINCT program FROM marts.program_budget_yearly "
                                 "ORDER BY 1") if have_table else []
        check.reason = t("nc_no_budget", lang, program=repr(claim.program), known=t(
            "nc_known_programs", lang, programs=", ".join(k["program"] for k in known))
            if known else "")
        return check
    by_stage: dict[str, dict[int, tuple[Decimal, str]]] = {}
    for r in rows:
        by_stage.setdefault(r["stage"], {})[r["fiscal_year"]] = (Decimal(r["amount_pesos"]),
                                                                 r["file_sha256"])
    defs: list[SpendingDefinition] = []
    for stage in sorted(by_stage, key=lambda s: STAGES.index(s) if s in STAGES else 9):
        years = sorted(by_stage[stage])
        for i, first in enumerate(years):
            for last in years[i:]:
                run = list(range(first, last + 1))
                if any(y not in by_stage[stage] for y in run):
                    break
                if claim.years and (first, last) != tuple(claim.years):
                    continue
                amount = sum(by_stage[stage][y][0] for y in run)
                files = sorted({by_stage[stage][y][1] for y in run})
                defs.append(SpendingDefinition(
                    stage, (first, last), amount, files, last <= st.said_on.year,
                    reproduces_amount(amount, stated, claim.bound, unit, rules.almost_from),
                    [(y, by_stage[stage][y][0]) for y in run]))
    check.candidates = defs
    if not defs:
        check.reason = t("nc_no_years", lang, years=_years_words(claim.years, lang),
                         program=claim.program)
        return check
    matches = [d for d in defs if d.reproduces]
    check.verdict = "reproduced" if matches else "not_reproduced"

    def pref(d: SpendingDefinition) -> tuple:
        return (not d.ends_by_said_on, abs(d.amount_pesos - stated),
                STAGES.index(d.stage) if d.stage in STAGES else 9, d.years[1] - d.years[0])

    check.best = min(matches or defs, key=pref)
    check.matches = sorted(matches, key=pref)
    best = check.best
    for stage in STAGES:
        if stage == best.stage or stage not in by_stage:
            continue
        same = [d for d in defs if d.stage == stage and d.years == best.years]
        if same:
            s = same[0]
            diff = (s.amount_pesos - best.amount_pesos) * 100 / best.amount_pesos
            check.caveats.append({
                "kind": "other_stage", "stage": stage, "amount_pesos": float(s.amount_pesos),
                "text": t("cv_other_stage", lang, stage=_stage_word(stage, lang),
                          years=_years_words(best.years, lang),
                          amount=f"{float(s.amount_pesos) / 1e6:,.1f} "
                                 f"{t('million_pesos', lang)}",
                          diff=f"{diff:+.1f}%", best=_stage_word(best.stage, lang))})
    if not best.ends_by_said_on:
        check.caveats.append({"kind": "after_said_on", "text": t("cv_after_said_on", lang)})
    elif best.years[1] == st.said_on.year and best.stage != "approved":
        check.caveats.append({"kind": "year_not_closed", "text": t(
            "cv_year_not_closed", lang, year=best.years[1],
            stage=_stage_word(best.stage, lang))})
    check.sources = sources(con, sorted({s for d in defs for s in d.files}))
    return check


def _years_words(years, lang: str) -> str:
    from seguridad.i18n import years_words

    return years_words(tuple(years), lang)


def _decimals_of_millions(unit: Decimal) -> int:
    """Decimals to show an amount in millions with the precision it was stated with."""
    return max(0, 6 - unit.adjusted()) if unit < Decimal(1_000_000) else 0


def _stage_word(stage: str, lang: str) -> str:
    return t(f"stage_{stage}", lang) if stage in STAGES else stage
