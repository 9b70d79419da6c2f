"""`seguridad check-claims`: each figure of a statement regenerated from the raw files under
every reasonable definition, with the verdict, the definitions that reproduce it, how far the
figure moves under the others, and what the statement left out.

This module checks the keys of the whole claims file against the warehouse (a typo is
refused before anything is computed) and hands each claim to the checker of its kind:
changes.py (a change or a difference: the claim's monthly values staged, every candidate
definition of seguridad/factcheck/windows.py asked of the warehouse in one query per claim,
change_queries.py, and handed to the verdict rules, seguridad/factcheck/verdicts.py),
spending_claims.py (an amount of a program), levels.py (a level or a record); caveats are
seguridad/factcheck/caveats.py. The arithmetic is the warehouse's own (marts.rate_per_100k,
marts.pct_change, marts.per_unit, core.newest_cut for "the data as it stood on a date")."""

from __future__ import annotations

import contextlib
from datetime import date

import duckdb

from seguridad.analysis.geography import resolve_geo
from seguridad.db import fetch_one
from seguridad.errors import ComparisonRefused, SeguridadError
from seguridad.factcheck import verdicts
from seguridad.factcheck.caveats import cut_words  # noqa: F401 (re-exported: nightly reads it here)
from seguridad.factcheck.changes import check_change, reproduces_change  # noqa: F401 (re-exported)
from seguridad.factcheck.checks import (  # noqa: F401 (re-exported: the reports read them here)
    ClaimCheck,
    Definition,
    FactCheck,
    SpendingDefinition,
)
from seguridad.factcheck.claims import Loaded
from seguridad.factcheck.facts import (  # noqa: F401 (re-exported)
    DATASETS,
    is_municipal_group,
    missing_cuts,
    series_words,
    stage_facts,
    victims_plausible,
)
from seguridad.factcheck.spending_claims import (  # noqa: F401 (re-exported)
    STAGES,
    check_spending,
    reproduces_amount,
)
from seguridad.factcheck.verdicts import VERDICTS  # noqa: F401 (re-exported)
from seguridad.i18n import say


def validate_against_warehouse(con: duckdb.DuckDBPyConnection, loaded: Loaded) -> None:
    """Keys the warehouse does not know are mistakes in the claims file (a typo), not missing
    data: refused with the claim and field named, before anything is computed."""
    from seguridad.factcheck.claims import ClaimsFileError

    indicators = [i for (i,) in con.execute(
        "SELECT indicator FROM core.indicator ORDER BY 1").fetchall()]
    series = [s for (s,) in con.execute("SELECT series FROM core.series ORDER BY 1").fetchall()]
    problems = []
    for c in loaded.claims:
        where = say("claims.claim_named", name=repr(c.id))
        if c.kind != "spending":
            unknown = [i for i in c.indicators if i not in indicators]
            if unknown:
                from seguridad.usage import nearest

                guesses = [g for g in (nearest(u, indicators) for u in unknown) if g]
                problems.append(say("claims.unknown_indicators", where=where,
                                    unknown=", ".join(map(repr, unknown)),
                                    guess=say("claims.did_you_mean", guesses=", ".join(guesses))
                                    if guesses else "", known=", ".join(indicators)))
            if c.series and c.series not in series:
                problems.append(say("claims.unknown_series", where=where, series=c.series,
                                    known=", ".join(series)))
            try:
                resolve_geo(con, c.geo)
            except ComparisonRefused as e:
                problems.append(say("claims.claim_field", who=where, field="geo") + f": {e}")
        elif c.kind == "spending":
            known = _known_programs(con)
            if known and c.program not in known:
                problems.append(say("claims.unknown_program", where=where, program=c.program,
                                    known=", ".join(sorted(known))))
    if problems:
        raise ClaimsFileError(say("claims.invalid", label=loaded.label) + "\n"
                              + "\n".join(f"  - {p}" for p in problems))


def _known_programs(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Program keys of the reference tables (budget programs, Ramo 33 funds) and of the
    loaded spending files; empty when the warehouse has none of those tables."""
    out: set[str] = set()
    try:  # a warehouse from before the budgets cannot tell a typo from a missing file
        out |= {p for (p,) in con.execute("SELECT program FROM core.budget_program").fetchall()}
    except duckdb.CatalogException:
        return set()
    for sql in ("SELECT program FROM core.ramo33_fund",
                "SELECT DISTINCT program FROM marts.spending_yearly"):
        with contextlib.suppress(duckdb.CatalogException):
            out |= {p for (p,) in con.execute(sql).fetchall()}
    return out


def check_file(con: duckdb.DuckDBPyConnection, loaded: Loaded, lang: str = "es",
               default_vintage: str | None = None, as_of: date | None = None) -> FactCheck:
    """Every claim of the file; with `as_of`, against only the cuts published by that date
    instead of the newest."""
    from seguridad.analysis.provenance import default_vintage as vintage_of
    from seguridad.factcheck import levels as claim_levels

    validate_against_warehouse(con, loaded)
    vintage = default_vintage or vintage_of(con)
    rules = verdicts.rules(con)
    checks = []
    for claim in loaded.claims:
        try:
            if claim.kind == "spending":
                c = check_spending(con, loaded, claim, lang, rules)
            elif claim.kind in ("level", "record"):
                c = claim_levels.check(con, loaded, claim, lang, as_of, rules)
            else:
                c = check_change(con, loaded, claim, lang, vintage, as_of, rules)
        except SeguridadError as e:  # a claim the warehouse cannot answer, said as such
            c = ClaimCheck(claim, "", "not_checkable", reason=str(e), rules=rules)
        checks.append(c)
    with contextlib.suppress(duckdb.Error):
        con.execute("DROP TABLE IF EXISTS claim_facts")
        con.execute("DROP TABLE IF EXISTS claim_totals")
    built = fetch_one(con, "SELECT value FROM ops.meta WHERE key = 'built_at'")
    return FactCheck(loaded, lang, checks, built[0] if built else None, as_of, rules)
