"""Level and record claims: "72.8 homicides a day in December" (kind = "level") and "the
lowest December since 2016" (kind = "record"). One window's figure (its total, or per day /
per month of it, marts.per_unit), read from investigation files and, where they are a
plausible reading, victims; each under the newest cut and the cut of the day. A record holds
when the window's figure is below (lowest) or above (highest) that of every comparable period
after `since`: the same month of each year (same_month), every month (any_month) or every
full year (year); the `since` period's own figure is said too. The verdict follows the rules
of seguridad/factcheck/verdicts.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from seguridad.analysis.geography import Geo, resolve_geo
from seguridad.analysis.provenance import sources
from seguridad.analysis.series_choice import indicator_label
from seguridad.analysis.windows import Window, add_months
from seguridad.db import fetch_dicts
from seguridad.errors import ComparisonRefused
from seguridad.factcheck import caveats, verdicts
from seguridad.factcheck import windows as claim_windows
from seguridad.factcheck.checks import ClaimCheck, merge_views
from seguridad.factcheck.claims import Claim, Loaded, stated_decimals
from seguridad.factcheck.facts import (
    DATASETS,
    missing_cuts,
    series_words,
    stage_facts,
    victims_plausible,
)
from seguridad.i18n import t

PERIODS_SQL = """
WITH periods AS (SELECT unnest($periods, recursive := true)),
facts AS (
    SELECT 'newest' AS view, * FROM core.newest_cut('claim_facts', p_as_of := $as_of)
    UNION ALL
    SELECT 'said_on', * FROM core.newest_cut('claim_facts', p_as_of := $said_on)
),
totals AS (
    SELECT f.view, p.pid, f.indicator AS counts, f.series, count(*) AS months,
           date_diff('month', p.p_start, p.p_end) + 1 AS months_expected,
           sum(f.value) AS value, sum(marts.days_in_month(f.month)) AS days,
           max(f.cut_date) AS cut_date,
           list(DISTINCT f.file_sha256 ORDER BY f.file_sha256) AS files,
           bool_or(f.has_missing_cells) AS has_missing_cells
    FROM facts AS f
    JOIN periods AS p ON f.month BETWEEN p.p_start AND p.p_end
    WHERE f.geo_level = $level AND f.geo_code = $code
    GROUP BY ALL
)
SELECT *, marts.per_unit(value, days, months, $per) AS figure,
       core.publication_date(CASE counts WHEN 'victims' THEN $victims_dataset
                                         ELSE $dataset END, $end) <= $said_on
           AS published_by_said_on
FROM totals
WHERE months = months_expected
"""


@dataclass
class Reading:
    """One reading of a level or record claim: what is counted, the methodology and the cut,
    and the window's figure (with, for a record, every comparable period's)."""

    family: str  # level | record
    current: Window
    measure: str  # count | victims
    series: str
    view: str
    per: str | None
    value: float
    count: int
    cut: date | None
    files: list[str]
    published_by_said_on: bool
    has_missing_cells: bool = False
    cut_of_the_day: bool = False
    reproduces: bool = False
    periods: list[dict] = field(default_factory=list)  # record: [{window, value}], in order
    since_period: dict | None = None
    population_vintage: None = None
    named: bool = True
    in_unit: bool = True
    is_rate: bool = False
    pct_change: None = None

    @property
    def counts(self) -> str:
        return self.measure

    @property
    def current_count(self) -> int:
        return self.count

    baseline_count = current_count

    @property
    def key(self) -> tuple:
        return (self.family, self.current, self.measure, self.series, self.per)


def record_periods(claim: Claim, current: Window) -> tuple[list[Window], Window | None]:
    """(the comparable periods after `since`, before the current window; the since period)."""
    since = claim.since
    if claim.compare_with == "year":
        years = range(since + 1, current.start.year)
        return ([Window(date(y, 1, 1), date(y, 12, 1)) for y in years],
                Window(date(since, 1, 1), date(since, 12, 1)))
    if claim.compare_with == "same_month":
        m = current.start.month
        return ([Window(date(y, m, 1), date(y, m, 1))
                 for y in range(since + 1, current.start.year)],
                Window(date(since, m, 1), date(since, m, 1)))
    out, month = [], date(since + 1, 1, 1)
    while month < current.start:
        out.append(Window(month, month))
        month = add_months(month, 1)
    return out, None  # any_month: the since year's extreme is said instead


def check(con: duckdb.DuckDBPyConnection, loaded: Loaded, claim: Claim, lang: str,
          as_of: date | None, rules: verdicts.Rules):
    st = loaded.statement
    current = Window.parse(claim.current)
    per_words = "" if not claim.per else " " + t(f"a_{claim.per}", lang)
    written = loaded.raw_numbers.get(claim.id)
    decimals = stated_decimals(written, claim.value) if claim.kind == "level" else 0
    stated_text = (f"{claim.value:,.{decimals}f}{per_words}" if claim.kind == "level" else
                   t("record_said", lang, extreme=t("record_" + claim.record, lang),
                     since=claim.since))
    out = ClaimCheck(claim, stated_text, "not_checkable", series_names=series_words(con, lang),
                     rules=rules)
    try:
        out.labels = [indicator_label(con, i, lang) for i in claim.indicators]
        geo = resolve_geo(con, claim.geo)
        if len(claim.indicators) > 1 and claim.measure in ("victims", "victims_rate"):
            raise ComparisonRefused("victims are counted for one indicator at a time")
    except ComparisonRefused as e:
        out.reason = str(e)
        return out
    out.geo = Geo(geo.level, geo.code, "Mexico") if geo.level == "national" \
        and lang == "en" else geo
    comparables, since_period = (record_periods(claim, current) if claim.kind == "record"
                                 else ([], None))
    spec = [claim_windows.Candidate("stated", current, w, None, True, True)
            for w in [current, *comparables, *([since_period] if since_period else [])]]
    try:
        victims = victims_plausible(con, claim, geo, spec, rules)
        municipal = stage_facts(con, claim, geo, [(geo.level, geo.code)], st.said_on, as_of,
                                victims)
    except ComparisonRefused as e:
        out.reason = str(e)
        return out
    datasets = {tag: DATASETS[(tag, municipal)] for tag in ("count", "victims")}
    if as_of is not None:
        tags = ["victims"] if claim.measure == "victims" else (
            ["count", "victims"] if victims else ["count"])
        missing = missing_cuts(con, as_of, [datasets[x] for x in tags], lang)
        for tag in tags:
            if datasets[tag] in missing:
                con.execute("DELETE FROM claim_facts WHERE indicator = ?", [tag])
                out.caveats.append({"kind": "cut_of_the_day_missing", "text":
                                    missing[datasets[tag]]})
        if all(datasets[x] in missing for x in tags):
            out.reason = " ".join(missing[datasets[x]] for x in tags)
            out.caveats = []
            return out
    windows = [current, *comparables, *([since_period] if since_period else [])]
    periods = [{"pid": i, "p_start": w.start, "p_end": w.end} for i, w in enumerate(windows)]
    rows = fetch_dicts(con, PERIODS_SQL, {
        "periods": periods, "as_of": as_of, "said_on": st.said_on, "level": geo.level,
        "code": geo.code, "per": claim.per or "total", "dataset": datasets["count"],
        "victims_dataset": datasets["victims"], "end": current.end})
    readings = _readings(claim, rows, windows, comparables, since_period, decimals, rules)
    out.candidates = readings
    judgement = verdicts.judge(readings, 1.0, "about", rules,
                               figure=lambda r: 1.0 if r.reproduces else -1.0, percent=False)
    out.judgement = judgement
    if judgement.verdict == "not_checkable":
        first = min(w.start for w in windows)
        out.reason = t("nc_periods", lang, first=f"{first:%Y-%m}", last=f"{current.end:%Y-%m}",
                       what=" + ".join(claim.indicators), geo=geo.name,
                       victims=t("nc_victims_files", lang) if victims else "")
        return out
    out.verdict = judgement.verdict

    def pref(r: Reading) -> tuple:
        closeness = abs(r.value - claim.value) if claim.kind == "level" else 0
        return (not r.published_by_said_on, round(closeness, 6), r.measure != "count",
                r.view != "said_on")

    out.best = min(judgement.strong if judgement.strong and out.verdict != "misleading"
                   else judgement.matches or judgement.pool, key=pref)
    out.matches = sorted(judgement.matches, key=pref)
    best = out.best
    out.record = _record_dict(best) if claim.kind == "record" else None
    if not best.published_by_said_on:
        out.caveats.append({"kind": "not_published_by_said_on",
                            "text": t("cv_not_published", lang,
                                      window=current.describe(lang),
                                      date=f"{st.said_on:%Y-%m-%d}")})
    if not best.cut_of_the_day:
        out.caveats.append({"kind": "no_cut_of_the_day",
                            "text": t("cv_no_cut_of_the_day", lang,
                                      cut=caveats.cut_words(best.cut, lang))})
    if best.count < rules.low_count:
        out.caveats.append({"kind": "low_count", "text": t("cv_low_count", lang)})
    if best.has_missing_cells:
        out.caveats.append({"kind": "missing_cells", "text": t("cv_missing_cells", lang)})
    out.sources = sources(con, sorted({s for r in readings for s in r.files}))
    return out


def _readings(claim: Claim, rows: list[dict], windows: list[Window], comparables: list,
              since_period, decimals: int, rules: verdicts.Rules) -> list[Reading]:
    by: dict[tuple, dict[int, dict]] = {}
    for r in rows:
        by.setdefault((r["view"], r["counts"], r["series"]), {})[r["pid"]] = r
    out = []
    n_comp = len(comparables)
    for (view, counts, series), got in sorted(by.items()):
        if 0 not in got or any(i not in got for i in range(1, n_comp + 1)):
            continue  # the window and every comparable period, in one methodology
        cur = got[0]
        files = sorted({f for i in got for f in got[i]["files"]})
        reading = Reading(
            claim.kind, windows[0], "victims" if counts == "victims" else "count", series,
            view, claim.per, cur["figure"], int(cur["value"]), cur["cut_date"], files,
            bool(cur["published_by_said_on"]), bool(cur["has_missing_cells"]),
            view == "said_on")
        if claim.kind == "level":
            reading.reproduces = verdicts.reproduces(cur["figure"], claim.value, claim.bound,
                                                     decimals, rules)
        else:
            reading.periods = [{"window": str(windows[i]), "value": got[i]["figure"]}
                               for i in range(1, n_comp + 1)]
            if since_period is not None and n_comp + 1 in got:
                reading.since_period = {"window": str(since_period),
                                        "value": got[n_comp + 1]["figure"]}
            values = [p["value"] for p in reading.periods]
            lowest = claim.record == "lowest"
            reading.reproduces = bool(values) and all(
                (reading.value < v) if lowest else (reading.value > v) for v in values)
        out.append(reading)
    return merge_views(out)


def _record_dict(r: Reading) -> dict:
    values = [p["value"] for p in r.periods]
    lowest = min(r.periods, key=lambda p: p["value"]) if values else None
    highest = max(r.periods, key=lambda p: p["value"]) if values else None
    return {"periods": r.periods, "since_period": r.since_period, "lowest": lowest,
            "highest": highest}
