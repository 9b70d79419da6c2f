"""`seguridad check-claims`: each figure of a statement regenerated from the raw files under
every reasonable definition, with the verdict, the definitions that reproduce it, how far the
figure moves under the others, and what the statement left out.

The arithmetic is the warehouse's own (marts.rate_per_100k, marts.pct_change,
core.newest_cut for "the data as it stood on a date"); this module lists the candidate
definitions, asks the warehouse for all of them in one query per claim, and judges."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import duckdb

from seguridad.claims import Claim, Loaded, amount_unit, stated_decimals
from seguridad.compare import indicator_label
from seguridad.db import fetch_dicts, fetch_one
from seguridad.errors import ComparisonRefused, SeguridadError
from seguridad.geography import Geo, resolve_geo
from seguridad.provenance import sources
from seguridad.windows import Window, add_months

VERDICTS = ("reproduced", "reproduced_as_rate", "not_reproduced", "not_checkable")
# Candidate families, in the order a tie is broken (the plainest reading first).
FAMILIES = ("stated", "ytd", "full_year_before", "full_year_of", "r12", "month", "avg_since")
STAGES = ("approved", "modified", "accrued", "exercised")
MONTHS_BEFORE = 3  # candidates end from three months before the statement to its month
MEMBER_GAP_PP = 20.0  # a member whose change differs from the total's by more is a caveat


@dataclass
class Definition:
    """One way to compute a claimed change, and what it gives."""

    family: str
    current: Window
    baseline: Window
    measure: str  # count | rate | victims | victims_rate
    series: str
    view: str  # newest: the newest cut of each month; said_on: cuts published by said_on
    population_vintage: str | None
    current_value: float
    baseline_value: float
    pct_change: float | None
    current_count: int
    baseline_count: int
    cut: date | None
    files: list[str]
    published_by_said_on: bool
    has_missing_cells: bool = False
    cut_of_the_day: bool = False  # its values are those published by said_on
    baseline_series: str | None = None  # set across a methodology break
    reproduces: bool = False
    averaged: bool = False

    @property
    def is_rate(self) -> bool:
        return self.measure in ("rate", "victims_rate")

    @property
    def key(self) -> tuple:
        return (self.family, str(self.current), str(self.baseline), self.measure,
                self.population_vintage, self.series, self.baseline_series)


@dataclass
class SpendingDefinition:
    stage: str
    years: tuple[int, int]
    amount_pesos: Decimal
    files: list[str]
    ends_by_said_on: bool
    reproduces: bool = False
    by_year: list[tuple[int, Decimal]] = field(default_factory=list)


@dataclass
class ClaimCheck:
    claim: Claim
    stated_text: str
    verdict: str
    geo: Geo | None = None
    labels: list[str] = field(default_factory=list)
    best: Definition | SpendingDefinition | None = None
    matches: list = field(default_factory=list)
    candidates: list = field(default_factory=list)
    caveats: list[dict] = field(default_factory=list)
    reason: str | None = None
    sources: list[dict] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)  # the best definition's members
    series_names: dict[str, str] = field(default_factory=dict)  # series -> its name in words

    @property
    def range(self) -> dict:
        values = [float(c.pct_change) if isinstance(c, Definition) else float(c.amount_pesos)
                  for c in self.candidates
                  if not isinstance(c, Definition) or c.pct_change is not None]
        return {"min": min(values) if values else None, "max": max(values) if values else None,
                "candidates": len(self.candidates)}


@dataclass
class FactCheck:
    loaded: Loaded
    lang: str
    checks: list[ClaimCheck]
    built_at: str | None = None
    as_of: date | None = None


# --- judging a figure ---------------------------------------------------------------------

def reproduces_change(pct: float | None, stated: float, bound: str, decimals: int) -> bool:
    """About: the change rounds to the stated figure at its precision (-22 covers
    [-22.5, -21.5)); more_than / less_than: the same direction and more / less than it."""
    if pct is None:
        return False
    if bound == "about":
        half = Decimal(5).scaleb(-decimals - 1)
        s = Decimal(str(stated))
        return s - half <= Decimal(repr(pct)) < s + half
    sign = -1 if stated < 0 else 1
    if pct * sign < 0:
        return False
    return abs(pct) > abs(stated) if bound == "more_than" else abs(pct) < abs(stated)


def reproduces_amount(amount: Decimal, stated: Decimal, bound: str, unit: Decimal) -> bool:
    if bound == "about":
        return stated - unit / 2 <= amount < stated + unit / 2
    return amount > stated if bound == "more_than" else amount < stated


def _distance(d: Definition, stated: float) -> float:
    return abs((d.pct_change if d.pct_change is not None else 1e9) - stated)


def _rounded(pct: float | None, decimals: int) -> str:
    return "n/a" if pct is None else f"{pct:+.{decimals}f}"


# --- candidate windows --------------------------------------------------------------------

def candidate_windows(claim: Claim, said_on: date, baseline_year: int,
                      administration_start: date) -> list[tuple[str, Window, Window, bool]]:
    """(family, current, baseline, averaged) for every definition the claim could mean."""
    if claim.current and claim.baseline:
        cur, base = Window.parse(claim.current), Window.parse(claim.baseline)
        return [("stated", cur, base, cur.months != base.months)]
    said_month = date(said_on.year, said_on.month, 1)
    out: list[tuple[str, Window, Window, bool]] = []

    def same_month_of(year: int, m: date) -> date:
        return date(year, m.month, 1)

    for back in range(MONTHS_BEFORE, -1, -1):
        m = add_months(said_month, -back)
        if m.year > baseline_year:
            out.append(("ytd", Window(date(m.year, 1, 1), m),
                        Window(date(baseline_year, 1, 1), same_month_of(baseline_year, m)),
                        False))
            out.append(("month", Window(m, m), Window(same_month_of(baseline_year, m),
                                                      same_month_of(baseline_year, m)), False))
        base_end = same_month_of(baseline_year, m)
        if add_months(m, -11) > base_end:
            out.append(("r12", Window(add_months(m, -11), m),
                        Window(add_months(base_end, -11), base_end), False))
        if administration_start <= m:
            out.append(("avg_since", Window(administration_start, m),
                        Window(date(baseline_year, 1, 1), date(baseline_year, 12, 1)), True))
    whole = Window(date(baseline_year, 1, 1), date(baseline_year, 12, 1))
    if said_on.year - 1 > baseline_year:
        out.append(("full_year_before", Window(date(said_on.year - 1, 1, 1),
                                               date(said_on.year - 1, 12, 1)), whole, False))
    out.append(("full_year_of", Window(date(said_on.year, 1, 1), date(said_on.year, 12, 1)),
                whole, False))
    seen, unique = set(), []
    for family, cur, base, averaged in out:
        if (str(cur), str(base)) not in seen:
            seen.add((str(cur), str(base)))
            unique.append((family, cur, base, averaged))
    return unique


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


def _is_municipal_group(con: duckdb.DuckDBPyConnection, geo: Geo) -> bool:
    return geo.level == "group" and fetch_one(
        con, "SELECT 1 FROM core.geo_municipal_group_member WHERE group_key = ? LIMIT 1",
        [geo.code]) is not None


def stage_facts(con: duckdb.DuckDBPyConnection, claim: Claim, geo: Geo,
                geos: list[tuple[str, str]], said_on: date | None = None,
                as_of: date | None = None) -> str:
    """Fill the temp table claim_facts (the shape of core.indicator_by_file, one 'claim'
    indicator) with the claim's values by file, month and geography; return the dataset."""
    indicators = claim.indicators or []
    levels = sorted({lvl for lvl, _ in geos})
    codes = sorted({code for _, code in geos})
    victims = claim.measure in ("victims", "victims_rate")
    if victims:
        if len(indicators) > 1:
            raise ComparisonRefused("victims are counted for one indicator at a time: give "
                                    "one key in indicators, or measure = \"count\"")
        con.execute("""
            CREATE OR REPLACE TEMP TABLE claim_facts AS
            SELECT file_sha256, series, geo_level, geo_code, 'claim' AS indicator, month,
                   value, has_missing_cells
            FROM marts.victims_monthly
            WHERE indicator = ? AND sex = 'Total' AND age_group = 'Total'
              AND list_contains(?, geo_level) AND list_contains(?, geo_code)""",
                    [indicators[0], levels, codes])
        return "victims_state" if geo.level != "municipality" else "victims_municipal"
    if _is_municipal_group(con, geo) or geo.level == "municipality":
        if len(indicators) > 1:
            raise ComparisonRefused("several indicators are added up for the nation, states "
                                    "and groups of states; for municipalities give one")
        # Municipal figures are stored once per value; the marts hold each municipality's
        # newest publication, and what a cut of the day said comes from core.municipal_as_of.
        con.execute("""
            CREATE OR REPLACE TEMP TABLE claim_facts AS
            WITH muni AS (
                SELECT 'newest' AS view, file_sha256, series, geo_code, month, value,
                       has_missing_cells
                FROM marts.indicator_monthly
                WHERE indicator = $indicator AND geo_level = 'municipality'
                  AND list_contains($codes, geo_code) AND $as_of IS NULL
                UNION ALL
                SELECT 'newest', file_sha256, series, municipality_code, month, value,
                       has_missing_cells
                FROM core.municipal_as_of($as_of, $codes)
                WHERE indicator = $indicator AND $as_of IS NOT NULL
                UNION ALL
                SELECT 'as_of', file_sha256, series, municipality_code, month, value,
                       has_missing_cells
                FROM core.municipal_as_of($said_on, $codes)
                WHERE indicator = $indicator
            ),
            grouped AS (
                -- a group of municipalities: only where every member is published
                SELECT max(m.file_sha256) AS file_sha256, m.series, 'group' AS geo_level,
                       g.group_key AS geo_code, m.month, sum(m.value) AS value,
                       bool_or(m.has_missing_cells) AS has_missing_cells
                FROM muni AS m
                JOIN core.geo_municipal_group_member AS g ON g.municipality_code = m.geo_code
                WHERE g.group_key = $group
                GROUP BY m.view, m.series, g.group_key, m.month
                HAVING count(*) = (SELECT count(*) FROM core.geo_municipal_group_member
                                   WHERE group_key = $group)
            )
            SELECT DISTINCT file_sha256, series, 'municipality' AS geo_level, geo_code,
                   'claim' AS indicator, month, CAST(value AS BIGINT) AS value,
                   has_missing_cells
            FROM muni
            UNION ALL
            SELECT file_sha256, series, geo_level, geo_code, 'claim', month,
                   CAST(value AS BIGINT), has_missing_cells
            FROM grouped""", {"indicator": indicators[0], "codes": codes, "group": geo.code,
                              "said_on": said_on, "as_of": as_of})
        return "crime_municipal"
    if len(indicators) == 1:
        con.execute("""
            CREATE OR REPLACE TEMP TABLE claim_facts AS
            SELECT file_sha256, series, geo_level, geo_code, 'claim' AS indicator, month,
                   value, reported_cells < cells AS has_missing_cells
            FROM core.indicator_by_file
            WHERE indicator = ? AND list_contains(?, geo_level) AND list_contains(?, geo_code)
            """, [indicators[0], levels, codes])
    else:
        # Several indicators: their catalogue rows, each counted once (robo con violencia and
        # robo en carreteras share the violent highway robberies), summed as
        # core.indicator_by_file sums one indicator's.
        con.execute("""
            CREATE OR REPLACE TEMP TABLE claim_facts AS
            WITH crime_rows AS (
                SELECT series, crime_id FROM core.crime_indicator_map
                WHERE list_contains(?, indicator) AND NOT is_attempt
                GROUP BY ALL
            ),
            published AS (
                SELECT file_sha256, month FROM core.file_months WHERE published_cells > 0
            )
            SELECT f.file_sha256, f.series, gm.geo_level, gm.geo_code, 'claim' AS indicator,
                   f.month, CAST(sum(f.value) AS BIGINT) AS value,
                   count(f.value) < count(*) AS has_missing_cells
            FROM core.crime_state_monthly AS f
            JOIN crime_rows USING (series, crime_id)
            JOIN published USING (file_sha256, month)
            JOIN core.geo_member AS gm USING (state_code)
            WHERE list_contains(?, gm.geo_level) AND list_contains(?, gm.geo_code)
            GROUP BY ALL""", [indicators, levels, codes])
    return "crime_state"


EVALUATE_SQL = """
CREATE OR REPLACE TEMP TABLE claim_totals AS
WITH windows AS (SELECT unnest($windows, recursive := true)),
facts AS (
    SELECT 'newest' AS view, * FROM core.newest_cut('claim_facts', p_as_of := $as_of)
    UNION ALL
    SELECT 'said_on', * FROM core.newest_cut('claim_facts', p_as_of := $said_on)
    WHERE $as_of_too
)
SELECT f.view, w.wid, f.series, f.geo_level, f.geo_code,
       count(*) AS months, date_diff('month', w.w_start, w.w_end) + 1 AS months_expected,
       sum(f.value) AS value, bool_or(f.has_missing_cells) AS has_missing_cells,
       max(f.cut_date) AS cut_date, list(DISTINCT f.file_sha256 ORDER BY f.file_sha256) AS files,
       sum(marts.days_in_month(f.month)) AS days,
       avg(marts.days_in_year(f.month)) AS year_days
FROM facts AS f
JOIN windows AS w ON f.month BETWEEN w.w_start AND w.w_end
GROUP BY ALL
"""

PAIRS_SQL = """
WITH pairs AS (SELECT unnest($pairs, recursive := true)),
windows AS (SELECT unnest($windows, recursive := true)),
complete AS (SELECT * FROM claim_totals WHERE months = months_expected),
population AS ({population}),
measured AS (
    SELECT t.*, 'count' AS kind, CAST(NULL AS VARCHAR) AS vintage, t.value AS figure
    FROM complete AS t
    UNION ALL
    SELECT t.*, 'rate', p.vintage, marts.rate_per_100k(t.value, p.population, t.days,
                                                      t.year_days)
    FROM complete AS t
    JOIN population AS p USING (wid, geo_level, geo_code)
    WHERE p.months = t.months
)
SELECT pr.cid, c.view, c.series AS current_series, b.series AS baseline_series, c.geo_level,
       c.geo_code, c.kind, c.vintage,
       CASE WHEN pr.averaged AND c.kind = 'count' THEN c.figure / c.months ELSE c.figure END
           AS current_figure,
       CASE WHEN pr.averaged AND c.kind = 'count' THEN b.figure / b.months ELSE b.figure END
           AS baseline_figure,
       marts.pct_change(
           CASE WHEN pr.averaged AND c.kind = 'count' THEN c.figure / c.months
                ELSE c.figure END,
           CASE WHEN pr.averaged AND c.kind = 'count' THEN b.figure / b.months
                ELSE b.figure END) AS pct_change,
       c.value AS current_count, b.value AS baseline_count,
       greatest(c.cut_date, b.cut_date) AS cut_date,
       list_distinct(list_concat(c.files, b.files)) AS files,
       c.has_missing_cells OR b.has_missing_cells AS has_missing_cells,
       core.publication_date($dataset, greatest(pr.cur_end, pr.base_end)) <= $said_on
           AS published_by_said_on
FROM pairs AS pr
JOIN measured AS c ON c.wid = pr.cur_wid
JOIN measured AS b ON b.wid = pr.base_wid AND b.view = c.view AND b.kind = c.kind
 AND b.vintage IS NOT DISTINCT FROM c.vintage AND b.geo_level = c.geo_level
 AND b.geo_code = c.geo_code
"""


def population_vintages(con: duckdb.DuckDBPyConnection, geo: Geo) -> list[str]:
    if geo.level == "municipality" or _is_municipal_group(con, geo):
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


def _comparability(con: duckdb.DuckDBPyConnection, indicators: list[str], a: str,
                   b: str) -> tuple[str, str]:
    """How comparable the claim's indicators are across the break between two series: the
    weakest of them (comparable > partial > not_comparable)."""
    order = {"comparable": 2, "partial": 1, "not_comparable": 0}
    worst = ("comparable", "")
    for ind in indicators:
        row = fetch_one(con, "SELECT comparability, note FROM core.series_break WHERE "
                             "indicator = ? AND ((from_series = ? AND to_series = ?) OR "
                             "(from_series = ? AND to_series = ?))", [ind, a, b, b, a])
        row = row or ("not_comparable", "no comparability study is recorded for this "
                                        "indicator across this break")
        if order[row[0]] < order[worst[0]]:
            worst = (row[0], row[1])
    return worst


def series_words(con: duckdb.DuckDBPyConnection, lang: str) -> dict[str, str]:
    col = "words_es" if lang == "es" else "words_en"
    return dict(con.execute(f"SELECT series, {col} FROM core.series").fetchall())


def cut_words(cut: date | None, lang: str) -> str:
    """'corte de noviembre de 2024' / 'November 2024 cut'."""
    from seguridad.windows import MONTH_NAMES_EN, MONTH_NAMES_ES

    if cut is None:
        return ""
    if lang == "es":
        return f"corte de {MONTH_NAMES_ES[cut.month - 1]} de {cut.year}"
    return f"{MONTH_NAMES_EN[cut.month - 1]} {cut.year} cut"


# --- checking a change claim ----------------------------------------------------------------

def check_change(con: duckdb.DuckDBPyConnection, loaded: Loaded, claim: Claim,
                 lang: str, default_vintage: str, as_of: date | None = None) -> ClaimCheck:
    st = loaded.statement
    written = loaded.raw_numbers.get(claim.id)
    decimals = stated_decimals(written, claim.change_pct)
    stated_text = f"{claim.change_pct:+.{decimals}f}%"
    check = ClaimCheck(claim, stated_text, "not_checkable",
                       series_names=series_words(con, lang))
    try:
        check.labels = [indicator_label(con, i, lang) for i in claim.indicators]
        geo = resolve_geo(con, claim.geo)
        if claim.series:
            known = [s for (s,) in con.execute("SELECT series FROM core.series").fetchall()]
            if claim.series not in known:
                raise ComparisonRefused(f"unknown series {claim.series!r}; known: "
                                        + ", ".join(known))
        windows_spec = candidate_windows(claim, st.said_on, st.baseline_year,
                                         _admin_start(loaded))
    except ComparisonRefused as e:
        check.reason = str(e)
        return check
    if geo.level == "national" and lang == "en":
        geo = Geo(geo.level, geo.code, "Mexico")
    check.geo = geo
    members = _member_geos(con, geo)
    try:
        dataset = stage_facts(con, claim, geo, [(geo.level, geo.code), *members], st.said_on,
                              as_of)
    except ComparisonRefused as e:
        check.reason = str(e)
        return check
    windows, index = [], {}
    for _family, cur, base, _ in windows_spec:
        for w in (cur, base):
            if str(w) not in index:
                index[str(w)] = len(windows)
                windows.append({"wid": len(windows), "w_start": w.start, "w_end": w.end})
    pairs = [{"cid": i, "cur_wid": index[str(cur)], "base_wid": index[str(base)],
              "averaged": averaged, "cur_end": cur.end, "base_end": base.end}
             for i, (_, cur, base, averaged) in enumerate(windows_spec)]
    victims = claim.measure in ("victims", "victims_rate")
    con.execute(EVALUATE_SQL, {"windows": windows, "said_on": st.said_on,
                               "as_of_too": not victims, "as_of": as_of})
    vintages = population_vintages(con, geo) if claim.measure in (None, "rate",
                                                                  "victims_rate") else []
    population, pop_params = _population_sql(vintages)
    geo_params = {"levels": sorted({geo.level} | {lvl for lvl, _ in members}),
                  "codes": sorted({geo.code} | {c for _, c in members})} if pop_params else {}
    rows = fetch_dicts(con, PAIRS_SQL.format(population=population),
                       {"pairs": pairs, "windows": windows, "dataset": dataset,
                        "said_on": st.said_on, **pop_params, **geo_params})
    measures = {None: ("count", "rate"), "count": ("count",), "rate": ("rate",),
                "victims": ("victims",), "victims_rate": ("victims_rate",)}[claim.measure]
    all_defs: list[Definition] = []
    member_rows: dict[tuple, list[dict]] = {}
    for r in rows:
        measure = ("victims" if victims else "count") if r["kind"] == "count" else (
            "victims_rate" if victims else "rate")
        if measure not in measures:
            continue
        if claim.series and claim.series not in (r["current_series"], r["baseline_series"]):
            continue
        family, cur, base, averaged = windows_spec[r["cid"]]
        d = Definition(
            family=family, current=cur, baseline=base, measure=measure,
            series=r["current_series"], view=r["view"], population_vintage=r["vintage"],
            current_value=r["current_figure"], baseline_value=r["baseline_figure"],
            pct_change=r["pct_change"], current_count=r["current_count"],
            baseline_count=r["baseline_count"], cut=r["cut_date"], files=list(r["files"]),
            published_by_said_on=bool(r["published_by_said_on"]),
            has_missing_cells=bool(r["has_missing_cells"]),
            cut_of_the_day=r["view"] == "said_on",
            baseline_series=(r["baseline_series"] if r["baseline_series"] !=
                             r["current_series"] else None),
            averaged=averaged)
        if (r["geo_level"], r["geo_code"]) == (geo.level, geo.code):
            all_defs.append(d)
        else:
            member_rows.setdefault((d.key, d.view), []).append(
                {"geo_level": r["geo_level"], "geo_code": r["geo_code"], "definition": d})
    defs = _same_series_or_comparable(con, claim, all_defs)
    defs = _merge_views(defs)
    for d in defs:
        d.reproduces = reproduces_change(d.pct_change, claim.change_pct, claim.bound, decimals)
    check.candidates = sorted(defs, key=lambda d: (FAMILIES.index(d.family), d.current.end,
                                                   d.measure, d.population_vintage or "",
                                                   d.view))
    if not defs:
        check.reason = _why_not_checkable(con, claim, geo, windows_spec, lang)
        return check
    counts = [d for d in defs if d.reproduces and not d.is_rate]
    rates = [d for d in defs if d.reproduces and d.is_rate]
    check.verdict = ("reproduced" if counts else "reproduced_as_rate" if rates
                     else "not_reproduced")
    if counts or rates:
        check.best = min(counts or rates, key=lambda d: _preference(
            d, claim.change_pct, default_vintage, claim.bound))
    else:  # nothing reproduces it: the closest of all
        check.best = min(defs, key=lambda d: (round(_distance(d, claim.change_pct), 6),
                                              _preference(d, claim.change_pct,
                                                          default_vintage)))
    check.matches = sorted(counts + rates, key=lambda d: (d.is_rate, _preference(
        d, claim.change_pct, default_vintage, claim.bound)))
    check.members = _members(con, member_rows.get((check.best.key, check.best.view), []))
    check.caveats = caveats_for_change(con, check, defs, decimals, default_vintage, lang,
                                       st.said_on)
    shas = sorted({s for d in defs for s in d.files})
    if any(d.is_rate for d in defs):
        shas += [sha for (sha,) in con.execute(
            "SELECT file_sha256 FROM ops.raw_files WHERE list_contains(?, series) AND "
            "status = 'loaded'", [sorted({d.population_vintage for d in defs
                                           if d.population_vintage})]).fetchall()]
    check.sources = sources(con, shas)
    return check


def _admin_start(loaded: Loaded) -> date:
    st = loaded.statement
    if st.administration_start:
        y, m = st.administration_start.split("-")
        return date(int(y), int(m), 1)
    return date(st.baseline_year + 1, 1, 1)


def _same_series_or_comparable(con, claim: Claim, defs: list[Definition]) -> list[Definition]:
    """Definitions within one methodology; across a break only where the indicator is
    recorded as comparable and no single methodology covers both windows."""
    single = {(d.family, str(d.current), str(d.baseline), d.measure, d.population_vintage,
               d.view) for d in defs if d.baseline_series is None}
    out = []
    for d in defs:
        if d.baseline_series is None:
            out.append(d)
            continue
        if (d.family, str(d.current), str(d.baseline), d.measure, d.population_vintage,
                d.view) in single:
            continue
        comparability, _ = _comparability(con, claim.indicators, d.baseline_series, d.series)
        rank = dict(con.execute("SELECT series, rank FROM core.series").fetchall())
        # the current window from the newer series, the baseline from the older
        if comparability == "comparable" and rank[d.series] > rank[d.baseline_series]:
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


def _preference(d: Definition, stated: float, default_vintage: str,
                bound: str = "about") -> tuple:
    """Which of several definitions is 'the' one: figures public when the statement was made,
    then (for a figure stated as such) the closest, then the plainest family, counts before
    rates, the default vintage, the cut of the day, the latest months. A bound ('more than
    24%') is met or not: how far beyond it a definition lands does not make it likelier."""
    closeness = round(_distance(d, stated), 6) if bound == "about" else 0
    return (not d.published_by_said_on, closeness, FAMILIES.index(d.family), d.is_rate,
            d.population_vintage != default_vintage, d.view != "said_on",
            -d.current.end.toordinal())


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
    have = fetch_dicts(con, """
        SELECT f.series, min(f.month) AS first, max(f.month) AS last FROM claim_facts AS f
        JOIN core.series AS s USING (series)
        WHERE f.geo_level = ? AND f.geo_code = ?
        GROUP BY f.series, s.rank ORDER BY s.rank""", [geo.level, geo.code])
    words = series_words(con, "en")
    what = " + ".join(claim.indicators or [])
    first = min(b.start for _, _, b, _ in windows_spec)
    last = max(c.end for _, c, _, _ in windows_spec)
    if not have:
        covering = [s for s, fy, ly in con.execute(
            "SELECT series, first_year, last_year FROM core.series ORDER BY rank").fetchall()
            if fy <= first.year and (ly is None or ly >= first.year)]
        hint = (f" (for {first.year}: a state file of {words[covering[0]]}, e.g. the "
                "SESNSP's IncidenciaDelictiva_FueroComun_Estatal_1997-2017)") if covering else ""
        return (f"no loaded file publishes {what} for {geo.name}: ingest the SESNSP "
                f"crime file that covers {first:%Y-%m}..{last:%Y-%m}{hint}")
    spans = "; ".join(f"{words.get(r['series'], r['series'])}: {r['first']:%Y-%m}.."
                      f"{r['last']:%Y-%m}" for r in have)
    base_series = [r["series"] for r in have if r["first"] <= first]
    cur_series = [r["series"] for r in have if r["last"] >= min(c.end for _, c, _, _ in
                                                               windows_spec)]
    if base_series and cur_series and set(base_series).isdisjoint(cur_series):
        # the two catalogues on either side of the break: the newest that has the baseline,
        # the oldest that has the current window
        comparability, note = _comparability(con, claim.indicators or [], base_series[-1],
                                             cur_series[0])
        return (f"no single methodology publishes both windows for {what} in {geo.name} "
                f"({spans}), and across that break the indicator is {comparability}: {note}. "
                "Figures from two catalogues are not one number.")
    return (f"no loaded cut publishes every month of the windows this claim can mean for "
            f"{what} in {geo.name} ({spans}; the windows need {first:%Y-%m}..{last:%Y-%m}): "
            "ingest the cut that does (see `seguridad status`); unpublished months are not "
            "zeros.")


# --- caveats ----------------------------------------------------------------------------------

def caveats_for_change(con, check: ClaimCheck, defs: list[Definition], decimals: int,
                       default_vintage: str, lang: str, said_on: date) -> list[dict]:
    best = check.best
    claim = check.claim
    assert isinstance(best, Definition)
    es = lang == "es"
    out: list[dict] = []
    words = series_words(con, lang)

    # members that moved the other way, or (in a group) far from the total
    opposite, far = [], []
    for m in check.members:
        if m["pct_change"] is None or best.pct_change is None:
            continue
        if m["pct_change"] != 0 and (m["pct_change"] > 0) != (best.pct_change > 0):
            opposite.append(m)
        elif (check.geo.level == "group"
              and abs(m["pct_change"] - best.pct_change) > MEMBER_GAP_PP):
            far.append(m)
    for kind, group in (("members_opposite", opposite), ("members_differ", far)):
        if not group:
            continue
        group.sort(key=lambda m: -abs(m["pct_change"] - best.pct_change))
        shown = ", ".join(f"{m['geo_name']} {m['pct_change']:+.1f}%" for m in group[:6])
        more = len(group) - 6
        municipal = group[0]["geo_level"] == "municipality"
        if es:
            who = "Municipios" if municipal else "Estados"
            head = (f"{who} que se movieron en sentido contrario" if kind == "members_opposite"
                    else f"{who} a más de {MEMBER_GAP_PP:.0f} puntos del total")
            text = f"{head}, con la misma definición: {shown}" + (
                f" y {more} más" if more > 0 else "")
        else:
            who = "Municipalities" if municipal else "States"
            head = (f"{who} that moved the other way" if kind == "members_opposite" else
                    f"{who} more than {MEMBER_GAP_PP:.0f} points from the total")
            text = f"{head}, under the same definition: {shown}" + (
                f" and {more} more" if more > 0 else "")
        out.append({"kind": kind, "text": text,
                    "members": [{"geo_level": m["geo_level"], "geo_code": m["geo_code"],
                                 "geo_name": m["geo_name"],
                                 "pct_change": _round(m["pct_change"])} for m in group]})

    # the other measure
    other = [d for d in defs if d.is_rate != best.is_rate and d.family == best.family
             and d.current == best.current and d.baseline == best.baseline
             and d.series == best.series and d.view == best.view]
    if other:
        o = min(other, key=lambda d: d.population_vintage != default_vintage)
        if _rounded(o.pct_change, decimals) != _rounded(best.pct_change, decimals):
            label = (("como tasa por 100 mil habitantes" if o.is_rate else "como conteo")
                     if es else ("as a rate per 100,000" if o.is_rate else "as a count"))
            pop = f" ({o.population_vintage})" if o.population_vintage else ""
            out.append({"kind": "other_measure", "measure": o.measure,
                        "population_vintage": o.population_vintage,
                        "pct_change": _round(o.pct_change),
                        "text": (f"{label}{pop}, la misma definición da "
                                 f"{o.pct_change:+.1f}%") if es else
                                f"{label}{pop}, the same definition gives {o.pct_change:+.1f}%"})

    # revisions: the same definition under the other cut
    twin = [d for d in defs if d.key == best.key and d.view != best.view]
    if twin:
        t = twin[0]
        if (t.current_count, t.baseline_count) != (best.current_count, best.baseline_count):
            newest, day = (t, best) if t.view == "newest" else (best, t)
            out.append({"kind": "revision", "cut_of_the_day": f"{day.cut:%Y-%m}",
                        "newest_cut": f"{newest.cut:%Y-%m}",
                        "pct_change_cut_of_the_day": _round(day.pct_change),
                        "pct_change_newest_cut": _round(newest.pct_change),
                        "text": (f"con el corte del día ({cut_words(day.cut, lang)}) la misma "
                                 f"definición da {day.pct_change:+.1f}%; con el más reciente "
                                 f"({cut_words(newest.cut, lang)}) {newest.pct_change:+.1f}%: "
                                 "el SESNSP revisó las cifras") if es else
                                (f"with the cut of the day ({cut_words(day.cut, lang)}) the "
                                 f"same definition gives {day.pct_change:+.1f}%; with the newest"
                                 f" ({cut_words(newest.cut, lang)}) {newest.pct_change:+.1f}%: "
                                 "the SESNSP revised the figures")})
    elif not best.cut_of_the_day:
        out.append({"kind": "no_cut_of_the_day",
                    "text": ("ningún corte cargado publicado antes de la declaración cubre "
                             f"estos meses: las cifras son del {cut_words(best.cut, lang)}, "
                             "posterior y quizá revisado; carga el corte del día para saber "
                             "qué era público entonces") if es else
                            ("no loaded cut published by the day of the statement covers these "
                             f"months: the figures are from the {cut_words(best.cut, lang)}, "
                             "later and possibly revised; load the cut of the day to see what "
                             "was public then")})

    if not best.published_by_said_on:
        out.append({"kind": "not_published_by_said_on",
                    "text": (f"{best.current.describe(lang)} no se había publicado el "
                             f"{said_on:%Y-%m-%d} (el SESNSP publica cada mes hacia el 20 "
                             "del siguiente): la cifra no podía salir de datos públicos")
                    if es else
                    (f"{best.current.describe(lang)} had not been published by "
                     f"{said_on:%Y-%m-%d} (the SESNSP publishes each month around the 20th "
                     "of the next): the figure could not come from public data")})

    # methodology: other catalogues that publish one of the windows, or a cross-break figure
    if best.baseline_series:
        comparability, note = _comparability(con, claim.indicators, best.baseline_series,
                                             best.series)
        out.append({"kind": "methodology_break", "from": best.baseline_series,
                    "to": best.series, "comparability": comparability,
                    "text": (f"ruptura metodológica: la base es {words[best.baseline_series]}"
                             f" y el periodo actual {words[best.series]} ({comparability}): "
                             f"{note}") if es else
                            (f"methodology break: the baseline is "
                             f"{words[best.baseline_series]} and the current window "
                             f"{words[best.series]} ({comparability}): {note}")})
    else:
        others = fetch_dicts(con, """
            SELECT series, min(month) AS first, max(month) AS last FROM claim_facts
            WHERE series <> ? AND geo_level = ? AND geo_code = ?
              AND month BETWEEN ? AND ? GROUP BY series ORDER BY series""",
                             [best.series, check.geo.level, check.geo.code,
                              min(best.baseline.start, best.current.start),
                              max(best.baseline.end, best.current.end)])
        for o in others:
            out.append({"kind": "methodology_break", "series": o["series"],
                        "text": (f"la {words.get(o['series'], o['series'])} también publica "
                                 f"{o['first']:%Y-%m}..{o['last']:%Y-%m}, pero no ambos "
                                 f"periodos: las dos cifras son de la {words[best.series]}; "
                                 "los catálogos nunca se mezclan") if es else
                                (f"{words.get(o['series'], o['series'])} also publishes "
                                 f"{o['first']:%Y-%m}..{o['last']:%Y-%m}, but not both windows:"
                                 f" both figures use {words[best.series]}; the catalogues are "
                                 "never mixed")})

    if len(claim.indicators or []) > 1:
        for ind, label in zip(claim.indicators, check.labels, strict=True):
            alone = _single_indicator(con, ind, check.geo, best)
            if alone is not None:
                out.append({"kind": "indicator_alone", "indicator": ind,
                            "pct_change": _round(alone),
                            "text": (f"{label} por sí solo: {alone:+.1f}%") if es else
                                    f"{label} alone: {alone:+.1f}%"})
    if best.has_missing_cells:
        out.append({"kind": "missing_cells",
                    "text": ("algunas celdas venían vacías en la fuente: el total puede "
                             "quedarse corto") if es else
                            "some cells were empty in the source: the total may undercount"})
    if min(best.current_count, best.baseline_count) < 10:
        out.append({"kind": "low_count",
                    "text": "cifras bajas: pocos casos mueven mucho el porcentaje" if es else
                            "low counts: a few cases swing the percentage"})
    return out


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 2)


def _single_indicator(con, indicator: str, geo: Geo, d: Definition) -> float | None:
    """One indicator of a summed claim, under the best definition (newest cut)."""
    try:
        rows = fetch_dicts(con, """
            SELECT current_value, baseline_value, pct_change, rate_pct_change
            FROM marts.compare_windows(?, ?, ?, ?, ?, ?, ?, p_vintage := ?)
            WHERE geo_level = ? AND geo_code = ?
              AND current_months_published = current_months_expected
              AND baseline_months_published = baseline_months_expected""",
                           [indicator, d.series, d.current.start, d.current.end,
                            d.baseline_series or d.series, d.baseline.start, d.baseline.end,
                            d.population_vintage or "conapo_2023", geo.level, geo.code])
    except duckdb.Error:
        return None
    if not rows or d.averaged:
        return None
    return rows[0]["rate_pct_change"] if d.is_rate else rows[0]["pct_change"]


# --- checking a spending claim ------------------------------------------------------------

def check_spending(con: duckdb.DuckDBPyConnection, loaded: Loaded, claim: Claim,
                   lang: str) -> ClaimCheck:
    st = loaded.statement
    written = loaded.raw_numbers.get(claim.id)
    stated = Decimal(written) if written else Decimal(repr(claim.amount_pesos))
    unit = amount_unit(written, claim.amount_pesos)
    millions = "millones de pesos" if lang == "es" else "million pesos"
    check = ClaimCheck(claim, f"{float(stated) / 1e6:,.{_decimals_of_millions(unit)}f} "
                              f"{millions}", "not_checkable")
    have_table = fetch_one(con, "SELECT 1 FROM duckdb_tables() WHERE schema_name = 'marts' "
                                "AND table_name = 'program_budget_yearly' "
                                "AND database_name = current_database()")
    rows = fetch_dicts(con, """
        SELECT fiscal_year, stage, amount_pesos, file_sha256 FROM marts.program_budget_yearly
        WHERE program = ? ORDER BY fiscal_year""", [claim.program]) if have_table else []
    if not rows:
        known = fetch_dicts(con, "SELECT DISTINCT program FROM marts.program_budget_yearly "
                                 "ORDER BY 1") if have_table else []
        check.reason = (
            f"the warehouse has no federal budget of program {claim.program!r}: it needs the "
            "SHCP's Cuenta Pública ('gasto por categoría programática') for the program's "
            "years, e.g. raw/budget/cuenta_publica/cp_2013.xls ... cp_2015.xls (see "
            "raw/README.md), ingested with `seguridad ingest`"
            + (f"; programs with a budget: {', '.join(k['program'] for k in known)}"
               if known else ""))
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
                    reproduces_amount(amount, stated, claim.bound, unit),
                    [(y, by_stage[stage][y][0]) for y in run]))
    check.candidates = defs
    if not defs:
        check.reason = (f"no run of fiscal years {claim.years} has a budget for "
                        f"{claim.program!r}")
        return check
    matches = [d for d in defs if d.reproduces]
    check.verdict = "reproduced" if matches else "not_reproduced"

    def pref(d: SpendingDefinition) -> tuple:
        return (not d.ends_by_said_on, abs(d.amount_pesos - stated),
                STAGES.index(d.stage) if d.stage in STAGES else 9, d.years[1] - d.years[0])

    check.best = min(matches or defs, key=pref)
    check.matches = sorted(matches, key=pref)
    best = check.best
    es = lang == "es"
    for stage in STAGES:
        if stage == best.stage or stage not in by_stage:
            continue
        same = [d for d in defs if d.stage == stage and d.years == best.years]
        if same:
            s = same[0]
            diff = (s.amount_pesos - best.amount_pesos) * 100 / best.amount_pesos
            check.caveats.append({
                "kind": "other_stage", "stage": stage, "amount_pesos": float(s.amount_pesos),
                "text": (f"{_stage_word(stage, lang)} {best.years[0]}-{best.years[1]}: "
                         f"{float(s.amount_pesos) / 1e6:,.1f} millones de pesos "
                         f"({diff:+.1f}% frente a lo {_stage_word(best.stage, lang)})") if es
                else (f"{_stage_word(stage, lang)} {best.years[0]}-{best.years[1]}: "
                      f"{float(s.amount_pesos) / 1e6:,.1f} million pesos ({diff:+.1f}% against "
                      f"the {_stage_word(best.stage, lang)})")})
    if not best.ends_by_said_on:
        check.caveats.append({"kind": "after_said_on", "text": (
            "incluye años fiscales posteriores a la declaración") if es else
            "includes fiscal years after the statement"})
    elif best.years[1] == st.said_on.year and best.stage != "approved":
        check.caveats.append({"kind": "year_not_closed", "text": (
            f"el año fiscal {best.years[1]} no había cerrado el día de la declaración: lo "
            f"{_stage_word(best.stage, lang)} se conoció con la Cuenta Pública del año "
            "siguiente") if es else
            (f"fiscal year {best.years[1]} had not closed on the day of the statement: what "
             f"was {_stage_word(best.stage, lang)} became known with the next year's Cuenta "
             "Pública")})
    check.sources = sources(con, sorted({s for d in defs for s in d.files}))
    return check


def _decimals_of_millions(unit: Decimal) -> int:
    """Decimals to show an amount in millions with the precision it was stated with."""
    return max(0, 6 - unit.adjusted()) if unit < Decimal(1_000_000) else 0


def _stage_word(stage: str, lang: str) -> str:
    es = {"approved": "aprobado", "modified": "modificado", "accrued": "devengado",
          "exercised": "ejercido"}
    en = {"approved": "approved", "modified": "modified", "accrued": "accrued",
          "exercised": "exercised"}
    return (es if lang == "es" else en).get(stage, stage)


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
        where = f"claim {c.id!r}"
        if c.kind == "change":
            unknown = [i for i in c.indicators if i not in indicators]
            if unknown:
                from seguridad.usage import nearest

                guesses = [g for g in (nearest(u, indicators) for u in unknown) if g]
                problems.append(f"{where}, field indicators: unknown indicator(s) "
                                f"{', '.join(map(repr, unknown))}"
                                + (f" (did you mean {', '.join(guesses)}?)" if guesses else "")
                                + f"; known: {', '.join(indicators)}")
            if c.series and c.series not in series:
                problems.append(f"{where}, field series: unknown series {c.series!r}; known: "
                                f"{', '.join(series)}")
            try:
                resolve_geo(con, c.geo)
            except ComparisonRefused as e:
                problems.append(f"{where}, field geo: {e}")
        elif c.kind == "spending":
            known = _known_programs(con)
            if known and c.program not in known:
                problems.append(f"{where}, field program: unknown program {c.program!r}; "
                                f"known: {', '.join(sorted(known))}")
    if problems:
        raise ClaimsFileError(f"{loaded.label}: not a valid claims file:\n"
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
    from seguridad.provenance import default_vintage as vintage_of

    validate_against_warehouse(con, loaded)
    vintage = default_vintage or vintage_of(con)
    checks = []
    for claim in loaded.claims:
        try:
            if claim.kind == "spending":
                c = check_spending(con, loaded, claim, lang)
            else:
                c = check_change(con, loaded, claim, lang, vintage, as_of)
        except SeguridadError as e:  # a claim the warehouse cannot answer, said as such
            c = ClaimCheck(claim, "", "not_checkable", reason=str(e))
        checks.append(c)
    with contextlib.suppress(duckdb.Error):
        con.execute("DROP TABLE IF EXISTS claim_facts")
        con.execute("DROP TABLE IF EXISTS claim_totals")
    built = fetch_one(con, "SELECT value FROM ops.meta WHERE key = 'built_at'")
    return FactCheck(loaded, lang, checks, built[0] if built else None, as_of)
