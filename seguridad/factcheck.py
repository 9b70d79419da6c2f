"""`seguridad check-claims`: each figure of a statement regenerated from the raw files under
every reasonable definition, with the verdict, the definitions that reproduce it, how far the
figure moves under the others, and what the statement left out.

The arithmetic is the warehouse's own (marts.rate_per_100k, marts.pct_change,
marts.per_unit, core.newest_cut for "the data as it stood on a date"); this module stages
the claim's monthly values (crimes, and victims where they are a plausible reading), asks the
warehouse for every candidate definition (seguridad/claim_windows.py) in one query per claim,
and hands them to the verdict rules (seguridad/verdicts.py); caveats are
seguridad/caveats.py, levels and records seguridad/claim_levels.py."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal

import duckdb

from seguridad import caveats, claim_windows, verdicts
from seguridad.caveats import comparability as _comparability
from seguridad.caveats import cut_words  # noqa: F401 (re-exported: nightly reads it here)
from seguridad.claim_checks import (  # noqa: F401 (re-exported: the reports read them here)
    ClaimCheck,
    Definition,
    FactCheck,
    SpendingDefinition,
)
from seguridad.claim_facts import (  # noqa: F401 (re-exported)
    DATASETS,
    is_municipal_group,
    missing_cuts,
    series_words,
    stage_facts,
    victims_plausible,
)
from seguridad.claim_windows import FAMILIES
from seguridad.claims import Claim, Loaded, amount_unit, stated_decimals
from seguridad.compare import indicator_label
from seguridad.db import fetch_dicts, fetch_one
from seguridad.errors import ComparisonRefused, SeguridadError
from seguridad.geography import Geo, resolve_geo
from seguridad.i18n import say, t
from seguridad.provenance import sources
from seguridad.verdicts import VERDICTS  # noqa: F401 (re-exported)

STAGES = ("approved", "modified", "accrued", "exercised")


# --- judging a figure ---------------------------------------------------------------------

def reproduces_change(pct: float | None, stated: float, bound: str, decimals: int) -> bool:
    """A change against the stated one under the default rules (seguridad.verdicts)."""
    return verdicts.reproduces(pct, stated, bound, decimals, verdicts.Rules())


def reproduces_amount(amount: Decimal, stated: Decimal, bound: str, unit: Decimal,
                      almost_from: float = 0.9) -> bool:
    if bound == "about":
        return stated - unit / 2 <= amount < stated + unit / 2
    if bound == "almost":  # 'casi 8 mil millones': [0.9 x 8, 8) thousand million
        return stated * Decimal(str(almost_from)) <= amount < stated
    return amount > stated if bound == "more_than" else amount < stated


# --- the facts behind a claim --------------------------------------------------------------

def _member_geos(con: duckdb.DuckDBPyConnection, geo: Geo) -> list[tuple[str, str]]:
    if geo.level == "national":
        return [("state", c) for (c,) in con.execute(
            "SELECT state_code FROM core.geo_state ORDER BY 1").fetchall()]
    if geo.level == "group":
        rows = con.execute(
            "SELECT 'state', state_code FROM marts.geo_member WHERE geo_level = 'group' "
            "AND geo_code = ? UNION ALL SELECT 'municipality', municipality_code "
            "FROM core.geo_municipal_group_member WHERE group_key = ? ORDER BY 2",
            [geo.code, geo.code]).fetchall()
        return [tuple(r) for r in rows]
    return []


EVALUATE_SQL = """
CREATE OR REPLACE TEMP TABLE claim_totals AS
WITH windows AS (SELECT unnest($windows, recursive := true)),
facts AS (
    SELECT 'newest' AS view, * FROM core.newest_cut('claim_facts', p_as_of := $as_of)
    UNION ALL
    SELECT 'said_on', * FROM core.newest_cut('claim_facts', p_as_of := $said_on)
)
SELECT f.view, w.wid, f.indicator AS counts, f.series, f.geo_level, f.geo_code,
       count(*) AS months, date_diff('month', w.w_start, w.w_end) + 1 AS months_expected,
       sum(f.value) AS value, bool_or(f.has_missing_cells) AS has_missing_cells,
       max(f.cut_date) AS cut_date, list(DISTINCT f.file_sha256 ORDER BY f.file_sha256) AS files,
       sum(marts.days_in_month(f.month)) AS days,
       avg(marts.days_in_year(f.month)) AS year_days
FROM facts AS f
JOIN windows AS w ON f.month BETWEEN w.w_start AND w.w_end
GROUP BY ALL
"""

# Counts are reduced per day or per month of their window with marts.per_unit (pr.per:
# 'total', 'day' or 'month'); rates per 100,000 are already annualised by their days.
PAIRS_SQL = """
WITH pairs AS (SELECT unnest($pairs, recursive := true)),
windows AS (SELECT unnest($windows, recursive := true)),
complete AS (SELECT * FROM claim_totals WHERE months = months_expected),
population AS ({population}),
measured AS (
    SELECT t.*, 'count' AS kind, CAST(NULL AS VARCHAR) AS vintage,
           CAST(t.value AS DOUBLE) AS figure
    FROM complete AS t
    UNION ALL
    SELECT t.*, 'rate', p.vintage, marts.rate_per_100k(t.value, p.population, t.days,
                                                      t.year_days)
    FROM complete AS t
    JOIN population AS p USING (wid, geo_level, geo_code)
    WHERE p.months = t.months
),
reduced AS (
    SELECT pr.cid, pr.cur_end, pr.base_end, c.view, c.counts,
           c.series AS current_series, b.series AS baseline_series, c.geo_level, c.geo_code,
           c.kind, c.vintage,
           CASE WHEN c.kind = 'count' THEN marts.per_unit(c.figure, c.days, c.months, pr.per)
                ELSE c.figure END AS current_figure,
           CASE WHEN c.kind = 'count' THEN marts.per_unit(b.figure, b.days, b.months, pr.per)
                ELSE b.figure END AS baseline_figure,
           c.value AS current_count, b.value AS baseline_count,
           greatest(c.cut_date, b.cut_date) AS cut_date,
           list_distinct(list_concat(c.files, b.files)) AS files,
           c.has_missing_cells OR b.has_missing_cells AS has_missing_cells
    FROM pairs AS pr
    JOIN measured AS c ON c.wid = pr.cur_wid
    JOIN measured AS b ON b.wid = pr.base_wid AND b.view = c.view AND b.kind = c.kind
     AND b.counts = c.counts AND b.vintage IS NOT DISTINCT FROM c.vintage
     AND b.geo_level = c.geo_level AND b.geo_code = c.geo_code
    WHERE c.kind = 'count' OR pr.per IS DISTINCT FROM 'day'
)
SELECT * EXCLUDE (cur_end, base_end),
       marts.pct_change(current_figure, baseline_figure) AS pct_change,
       core.publication_date(CASE counts WHEN 'victims' THEN $victims_dataset
                                         ELSE $dataset END,
                             greatest(cur_end, base_end)) <= $said_on AS published_by_said_on
FROM reduced
"""


def population_vintages(con: duckdb.DuckDBPyConnection, geo: Geo) -> list[str]:
    if geo.level == "municipality" or is_municipal_group(con, geo):
        return ["conapo_municipal"]
    return [v for (v,) in con.execute(
        "SELECT DISTINCT vintage FROM core.geo_population_monthly "
        "WHERE vintage <> 'conapo_municipal' ORDER BY 1").fetchall()]


def _population_sql(vintages: list[str]) -> tuple[str, dict]:
    """One branch per vintage: the mean population of each window (vintage names are bound
    as named values, never pasted into SQL)."""
    parts, params = [], {}
    for i, v in enumerate(vintages):
        parts.append(f"""
            SELECT CAST($v{i} AS VARCHAR) AS vintage, w.wid, p.geo_level, p.geo_code,
                   avg(p.population) AS population, count(*) AS months
            FROM core.population_for($v{i}) AS p
            JOIN windows AS w ON p.month BETWEEN w.w_start AND w.w_end
            WHERE p.sex = 'total' AND list_contains($levels, p.geo_level)
              AND list_contains($codes, p.geo_code)
            GROUP BY ALL""")
        params[f"v{i}"] = v
    if not parts:
        return ("SELECT NULL::VARCHAR AS vintage, NULL::INTEGER AS wid, NULL::VARCHAR AS "
                "geo_level, NULL::VARCHAR AS geo_code, NULL::DOUBLE AS population, "
                "NULL::BIGINT AS months WHERE false"), {}
    return " UNION ALL ".join(parts), params


# --- checking a change or a difference -------------------------------------------------------

def check_change(con: duckdb.DuckDBPyConnection, loaded: Loaded, claim: Claim,
                 lang: str, default_vintage: str, as_of: date | None = None,
                 rules: verdicts.Rules | None = None) -> ClaimCheck:
    rules = rules or verdicts.rules(con)
    st = loaded.statement
    percent = claim.kind == "change"
    stated = claim.change_pct if percent else claim.difference
    written = loaded.raw_numbers.get(claim.id)
    decimals = stated_decimals(written, stated)
    unit = "" if percent or not claim.per else " " + t(f"a_{claim.per}", lang)
    stated_text = (f"{stated:+.{decimals}f}%" if percent else f"{stated:+.{decimals}f}{unit}")
    check = ClaimCheck(claim, stated_text, "not_checkable",
                       series_names=series_words(con, lang), rules=rules)
    try:
        check.labels = [indicator_label(con, i, lang) for i in claim.indicators]
        geo = resolve_geo(con, claim.geo)
        admin, given = claim_windows.administration_start(st)
        windows_spec = claim_windows.candidates(claim, st.said_on, st.baseline_year, admin,
                                                given)
    except ComparisonRefused as e:
        check.reason = str(e)
        return check
    if geo.level == "national" and lang == "en":
        geo = Geo(geo.level, geo.code, "Mexico")
    check.geo = geo
    members = _member_geos(con, geo)
    try:
        victims = victims_plausible(con, claim, geo, windows_spec, rules)
        municipal = stage_facts(con, claim, geo, [(geo.level, geo.code), *members],
                                st.said_on, as_of, victims)
    except ComparisonRefused as e:
        check.reason = str(e)
        return check
    datasets = {tag: DATASETS[(tag, municipal)] for tag in ("count", "victims")}
    if as_of is not None:
        tags = (["victims"] if claim.measure in ("victims", "victims_rate") else
                ["count", "victims"] if victims else ["count"])
        missing = missing_cuts(con, as_of, [datasets[tag] for tag in tags], lang)
        for tag in tags:
            if datasets[tag] in missing:
                con.execute("DELETE FROM claim_facts WHERE indicator = ?", [tag])
                check.caveats.append({"kind": "cut_of_the_day_missing",
                                      "dataset": datasets[tag],
                                      "text": missing[datasets[tag]]})
        if all(datasets[tag] in missing for tag in tags):
            check.reason = " ".join(missing[datasets[tag]] for tag in tags)
            check.caveats = []
            return check
    windows, index = [], {}
    for c in windows_spec:
        for w in (c.current, c.baseline):
            if str(w) not in index:
                index[str(w)] = len(windows)
                windows.append({"wid": len(windows), "w_start": w.start, "w_end": w.end})
    pairs = [{"cid": i, "cur_wid": index[str(c.current)], "base_wid": index[str(c.baseline)],
              "per": c.per or "total", "cur_end": c.current.end, "base_end": c.baseline.end}
             for i, c in enumerate(windows_spec)]
    con.execute(EVALUATE_SQL, {"windows": windows, "said_on": st.said_on, "as_of": as_of})
    with_rates = percent and claim.per is None and claim.measure in (None, "rate",
                                                                     "victims_rate")
    vintages = population_vintages(con, geo) if with_rates else []
    population, pop_params = _population_sql(vintages)
    geo_params = {"levels": sorted({geo.level} | {lvl for lvl, _ in members}),
                  "codes": sorted({geo.code} | {c for _, c in members})} if pop_params else {}
    rows = fetch_dicts(con, PAIRS_SQL.format(population=population),
                       {"pairs": pairs, "windows": windows, "dataset": datasets["count"],
                        "victims_dataset": datasets["victims"], "said_on": st.said_on,
                        **pop_params, **geo_params})
    measures = {None: ("count", "rate", "victims", "victims_rate"), "count": ("count",),
                "rate": ("rate",), "victims": ("victims",),
                "victims_rate": ("victims_rate",)}[claim.measure]
    all_defs: list[Definition] = []
    member_rows: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["counts"] == "victims":
            measure = "victims_rate" if r["kind"] == "rate" else "victims"
        else:
            measure = "rate" if r["kind"] == "rate" else "count"
        if measure not in measures:
            continue
        if claim.series and claim.series not in (r["current_series"], r["baseline_series"]):
            continue
        c = windows_spec[r["cid"]]
        d = Definition(
            family=c.family, current=c.current, baseline=c.baseline, measure=measure,
            series=r["current_series"], view=r["view"], population_vintage=r["vintage"],
            current_value=r["current_figure"], baseline_value=r["baseline_figure"],
            pct_change=r["pct_change"], current_count=r["current_count"],
            baseline_count=r["baseline_count"], cut=r["cut_date"], files=list(r["files"]),
            published_by_said_on=bool(r["published_by_said_on"]),
            has_missing_cells=bool(r["has_missing_cells"]),
            cut_of_the_day=r["view"] == "said_on",
            baseline_series=(r["baseline_series"] if r["baseline_series"] !=
                             r["current_series"] else None),
            per=c.per, named=c.named, in_unit=c.in_unit,
            current_days=claim_windows.days(c.current),
            baseline_days=claim_windows.days(c.baseline))
        if (r["geo_level"], r["geo_code"]) == (geo.level, geo.code):
            all_defs.append(d)
        else:
            member_rows.setdefault((d.key, d.view), []).append(
                {"geo_level": r["geo_level"], "geo_code": r["geo_code"], "definition": d})
    defs = _same_series_or_comparable(con, claim, all_defs)
    defs = _merge_views(defs)

    def figure(d: Definition) -> float | None:
        return d.pct_change if percent else d.difference

    for d in defs:
        d.reproduces = verdicts.reproduces(figure(d), stated, claim.bound, decimals, rules)
    check.candidates = sorted(defs, key=lambda d: (FAMILIES.index(d.family), d.current.end,
                                                   d.measure, d.population_vintage or "",
                                                   d.per or "", d.view))
    judgement = verdicts.judge(defs, stated, claim.bound, rules, figure, percent)
    check.judgement = judgement
    if judgement.verdict == "not_checkable":
        check.reason = _why_not_checkable(con, claim, geo, windows_spec, lang)
        return check
    check.verdict = judgement.verdict

    def pref(d: Definition) -> tuple:
        return _preference(d, figure(d), stated, default_vintage, claim.bound)

    def closest(pool: list[Definition]) -> Definition:
        return min(pool, key=lambda d: (round(verdicts.distance(figure(d), stated,
                                                                claim.bound), 6), pref(d)))

    if judgement.strong and check.verdict != "misleading":
        counts = [d for d in judgement.strong if not d.is_rate]
        check.best = min(counts or judgement.strong, key=pref)
    elif judgement.matches:
        check.best = min(judgement.matches, key=pref)
    else:
        check.best = closest(judgement.pool)
        if judgement.named:
            check.wording = min(judgement.pool, key=lambda d: _preference(
                d, figure(d), stated, default_vintage, "more_than"))
            check.best = check.wording
            check.closest = closest(defs)
    check.matches = sorted(judgement.matches, key=lambda d: (d.is_rate, pref(d)))
    check.members = _members(con, member_rows.get((check.best.key, check.best.view), []))
    check.caveats += caveats.for_change(con, check, defs, decimals if percent else 1,
                                        default_vintage, lang, st.said_on)
    check.caveats += _verdict_caveats(check, lang, figure)
    shas = sorted({s for d in defs for s in d.files})
    if any(d.is_rate for d in defs):
        shas += [sha for (sha,) in con.execute(
            "SELECT file_sha256 FROM ops.raw_files WHERE list_contains(?, series) AND "
            "status = 'loaded'", [sorted({d.population_vintage for d in defs
                                           if d.population_vintage})]).fetchall()]
    check.sources = sources(con, shas)
    return check


def _verdict_caveats(check: ClaimCheck, lang: str, figure) -> list[dict]:
    """Reproduced only as a rate while a count reading that gives it rests on fragile ground
    (months not yet published, low counts): say which, so the rate is not read as the count.
    (Why a figure is misleading is in the verdict's own sentence and in judgement.)"""
    j = check.judgement
    if check.verdict != "reproduced_as_rate":
        return []
    weak = [d for d in j.matches if not d.is_rate]
    if not weak:
        return []
    d = min(weak, key=lambda d: (not d.published_by_said_on, FAMILIES.index(d.family)))
    why = [w for w, bad in (("low_count", min(d.current_count, d.baseline_count)
                             < check.rules.low_count),
                            ("not_published", not d.published_by_said_on)) if bad]
    return [{"kind": "count_rests_on", "weaknesses": why, "current": str(d.current),
             "baseline": str(d.baseline), "pct_change": round(figure(d), 2),
             "text": t("cv_count_rests_on", lang, current=d.current.describe(lang),
                       baseline=d.baseline.describe(lang), pct=caveats.pct(figure(d)),
                       why=caveats.weakness_words(why, lang, check.rules, 0, 0))}]


def _same_series_or_comparable(con, claim: Claim, defs: list[Definition]) -> list[Definition]:
    """Definitions within one methodology; across a break only where the indicator is
    recorded as comparable and no single methodology covers both windows."""
    single = {(d.family, d.current, d.baseline, d.measure, d.population_vintage, d.view,
               d.per) for d in defs if d.baseline_series is None}
    rank = None
    out = []
    for d in defs:
        if d.baseline_series is None:
            out.append(d)
            continue
        if (d.family, d.current, d.baseline, d.measure, d.population_vintage, d.view,
                d.per) in single:
            continue
        comp, _ = _comparability(con, claim.indicators, d.baseline_series, d.series)
        rank = rank or dict(con.execute("SELECT series, rank FROM core.series").fetchall())
        # the current window from the newer series, the baseline from the older
        if comp == "comparable" and rank[d.series] > rank[d.baseline_series]:
            out.append(d)
    return out


def _merge_views(defs: list[Definition]) -> list[Definition]:
    """A definition the cut of the day gives exactly as the newest cut does is one
    definition (marked as published then), not two."""
    newest = {(d.key): d for d in defs if d.view == "newest"}
    out = [d for d in defs if d.view == "newest"]
    for d in defs:
        if d.view != "said_on":
            continue
        twin = newest.get(d.key)
        if twin is not None and twin.files == d.files:
            twin.cut_of_the_day = True
        else:
            out.append(d)
    return out


def _preference(d: Definition, figure: float | None, stated: float, default_vintage: str,
                bound: str = "about") -> tuple:
    """Which of several definitions is 'the' one: figures public when the statement was made,
    then (for a figure stated as such) the closest, then the plainest family, counts before
    rates, investigation files before victims, the claim's unit, the default vintage, the cut
    of the day, the latest months. A bound ('more than 24%') is met or not: how far beyond it
    a definition lands does not make it likelier."""
    closeness = round(verdicts.distance(figure, stated, "about"), 6) if bound == "about" else 0
    return (not d.published_by_said_on, closeness, FAMILIES.index(d.family), d.is_rate,
            d.counts != "count", not d.in_unit, d.population_vintage != default_vintage,
            d.view != "said_on", -d.current.end.toordinal())


def _members(con, rows: list[dict]) -> list[dict]:
    if not rows:
        return []
    names = {(lvl, code): name for lvl, code, name in con.execute(
        "SELECT geo_level, geo_code, geo_name FROM marts.geo").fetchall()}
    out = []
    for r in rows:
        d = r["definition"]
        out.append({"geo_level": r["geo_level"], "geo_code": r["geo_code"],
                    "geo_name": names.get((r["geo_level"], r["geo_code"]), r["geo_code"]),
                    "current_value": d.current_value, "baseline_value": d.baseline_value,
                    "pct_change": d.pct_change})
    out.sort(key=lambda m: (m["pct_change"] is None, m["pct_change"] or 0))
    return out


def _why_not_checkable(con, claim: Claim, geo: Geo, windows_spec, lang: str) -> str:
    """Which data the claim needs and the warehouse lacks."""
    from seguridad.compare import _span

    have = fetch_dicts(con, """
        SELECT f.series, min(f.month) AS first, max(f.month) AS last FROM claim_facts AS f
        JOIN core.series AS s USING (series)
        WHERE f.geo_level = ? AND f.geo_code = ?
        GROUP BY f.series, s.rank ORDER BY s.rank""", [geo.level, geo.code])
    words = series_words(con, lang)
    what = " + ".join(claim.indicators or [])
    first = min(c.baseline.start for c in windows_spec)
    last = max(c.current.end for c in windows_spec)
    victims = claim.measure in ("victims", "victims_rate")
    if not have:
        covering = [s for s, fy, ly in con.execute(
            "SELECT series, first_year, last_year FROM core.series ORDER BY rank").fetchall()
            if fy <= first.year and (ly is None or ly >= first.year)]
        hint = t("nc_hint_old", lang, year=first.year, series=words[covering[0]]) \
            if covering and not victims else ""
        return t("nc_no_file", lang, what=what, geo=geo.name, first=f"{first:%Y-%m}",
                 last=f"{last:%Y-%m}", hint=hint,
                 kind=t("nc_kind_victims" if victims else "nc_kind_crimes", lang))
    spans = "; ".join(f"{words.get(r['series'], r['series'])}: {r['first']:%Y-%m}.."
                      f"{r['last']:%Y-%m}" for r in have)
    published = {m for (m,) in con.execute(
        "SELECT DISTINCT month FROM claim_facts WHERE geo_level = ? AND geo_code = ?",
        [geo.level, geo.code]).fetchall()}
    unpublished = [sorted(m for w in (c.current, c.baseline) for m in w.month_list()
                          if m not in published) for c in windows_spec]
    if all(unpublished):  # every reading needs a month no loaded file publishes
        months = sorted({m for ms in unpublished for m in ms})
        return t("nc_unpublished", lang, months=_span(months), what=what, geo=geo.name,
                 spans=spans)
    base_series = [r["series"] for r in have if r["first"] <= first]
    cur_series = [r["series"] for r in have if r["last"] >= min(c.current.end
                                                               for c in windows_spec)]
    if base_series and cur_series and set(base_series).isdisjoint(cur_series):
        # the two catalogues on either side of the break: the newest that has the baseline,
        # the oldest that has the current window
        comp, note = _comparability(con, claim.indicators or [], base_series[-1],
                                    cur_series[0], lang)
        return t("nc_break", lang, what=what, geo=geo.name, spans=spans,
                 comparability=t(comp, lang), note=note)
    return t("nc_months", lang, what=what, geo=geo.name, spans=spans, first=f"{first:%Y-%m}",
             last=f"{last:%Y-%m}")


# --- checking a spending claim ------------------------------------------------------------

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


# --- the whole file -----------------------------------------------------------------------

def validate_against_warehouse(con: duckdb.DuckDBPyConnection, loaded: Loaded) -> None:
    """Keys the warehouse does not know are mistakes in the claims file (a typo), not missing
    data: refused with the claim and field named, before anything is computed."""
    from seguridad.claims import ClaimsFileError

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
    from seguridad import claim_levels
    from seguridad.provenance import default_vintage as vintage_of

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
