"""check-claims for a change or a difference ('bajó 22%', '34 homicidios diarios menos'):
every candidate definition (seguridad/factcheck/windows.py) computed in one query per claim
(seguridad/factcheck/change_queries.py), judged by the verdict rules
(seguridad/factcheck/verdicts.py), the best reading chosen, its caveats
(seguridad/factcheck/caveats.py), and, when nothing can be computed, which data is missing."""

from __future__ import annotations

from datetime import date

import duckdb

from seguridad.analysis.geography import Geo, resolve_geo
from seguridad.analysis.provenance import sources
from seguridad.analysis.series_choice import indicator_label
from seguridad.db import fetch_dicts
from seguridad.errors import ComparisonRefused
from seguridad.factcheck import caveats, verdicts
from seguridad.factcheck import windows as claim_windows
from seguridad.factcheck.caveats import comparability as _comparability
from seguridad.factcheck.change_queries import (
    EVALUATE_SQL,
    PAIRS_SQL,
    member_geos,
    population_sql,
    population_vintages,
)
from seguridad.factcheck.checks import ClaimCheck, Definition, merge_views
from seguridad.factcheck.claims import Claim, Loaded, stated_decimals
from seguridad.factcheck.facts import (
    DATASETS,
    missing_cuts,
    series_words,
    stage_facts,
    victims_plausible,
)
from seguridad.factcheck.windows import FAMILIES
from seguridad.i18n import t


def reproduces_change(pct: float | None, stated: float, bound: str, decimals: int) -> bool:
    """A change against the stated one under the default rules (seguridad.factcheck.verdicts)."""
    return verdicts.reproduces(pct, stated, bound, decimals, verdicts.Rules())


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
    members = member_geos(con, geo)
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
    population, pop_params = population_sql(vintages)
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
    defs = merge_views(defs)

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
    from seguridad.analysis.series_choice import month_span

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
        return t("nc_unpublished", lang, months=month_span(months), what=what, geo=geo.name,
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
