"""Period-over-period comparisons with the guards that keep them honest: the engine's entry,
compare() and its Comparison. The arithmetic lives in one place, the `marts.compare_windows`
SQL macro; this module checks the options and windows, reads the totals and writes the notes.
The series a comparison reads (and why none fits) is seguridad/analysis/series_choice.py,
what the data said on a date (--as-of) seguridad/analysis/as_of.py. Months and presets are in
seguridad/analysis/windows.py, geographies in seguridad/analysis/geography.py, sources in
seguridad/analysis/provenance.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from seguridad.analysis.as_of import NEWEST, as_of_facts, as_of_refusal
from seguridad.analysis.geography import Geo, resolve_geo
from seguridad.analysis.provenance import default_vintage, population_files, sources
from seguridad.analysis.series_choice import (
    choose_series,
    indicator_label,
    published_months,
    series_words,
    what_counted,
)
from seguridad.analysis.windows import Window, preset_windows
from seguridad.db import fetch_dicts, fetch_one
from seguridad.errors import ComparisonRefused
from seguridad.failure_text import warning_words
from seguridad.i18n import language, say, t, vintage_words

LOW_COUNT = 10  # when the warehouse predates schemas/reference/report_thresholds.csv


def low_count_threshold(con: duckdb.DuckDBPyConnection) -> int:
    """The count under which a figure is flagged as low (schemas/reference/report_thresholds.csv,
    core.report_threshold)."""
    (has,) = fetch_one(con, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'core' "
                            "AND table_name = 'report_threshold' "
                            "AND database_name = current_database()")
    row = fetch_one(con, "SELECT value FROM core.report_threshold WHERE setting = 'low_count'") \
        if has else None
    return int(row[0]) if row else LOW_COUNT


# --measure: what is counted (crimes = carpetas de investigación, or victims) and whether it
# is divided by population.
MEASURES = {"count": ("crimes", False), "rate": ("crimes", True),
            "victims": ("victims", False), "victims_rate": ("victims", True)}


@dataclass
class Comparison:
    indicator: str
    indicator_label: str
    geo: Geo
    current_series: str
    baseline_series: str
    measure: str
    current: Window
    baseline: Window
    current_value: float | None
    baseline_value: float | None
    abs_change: float | None
    pct_change: float | None
    current_count: int
    baseline_count: int
    population_vintage: str | None
    cut_date: date | None
    include_attempts: bool = False
    sex: str = "Total"
    age_group: str = "Total"
    methodology_break: dict | None = None
    sources: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lang: str = "es"
    low_count: int = LOW_COUNT
    by: str | None = None  # 'state' or 'member' when the members were broken down
    members: list[dict] = field(default_factory=list)  # one dict per member, ranked
    as_of: date | None = None  # only cuts published by then (--as-of)
    facts: str = "marts.measure_monthly"  # the monthly values it was computed from
    series_words: dict = field(default_factory=dict)  # series key -> words, in lang
    per: str | None = None  # 'day' / 'month': the values are per day / month of each window
    current_days: int = 0
    baseline_days: int = 0

    @property
    def counts(self) -> str:
        """crimes or victims."""
        return MEASURES[self.measure][0]

    @property
    def per_100k(self) -> bool:
        return MEASURES[self.measure][1]

    @property
    def fractional(self) -> bool:
        """Values with decimals: rates, and counts per day or month (--per)."""
        return self.per_100k or self.per is not None

    @property
    def series(self) -> str:
        if self.current_series == self.baseline_series:
            return self.current_series
        return f"{self.baseline_series}->{self.current_series}"


def methodology_break(con: duckdb.DuckDBPyConnection, indicator: str, baseline_series: str,
                      current_series: str, lang: str = "en") -> dict | None:
    if baseline_series == current_series:
        return None
    row = fetch_one(con, "SELECT comparability, CASE WHEN ? = 'es' THEN note_es ELSE note END "
                         "FROM core.series_break "
                         "WHERE indicator = ? AND ((from_series = ? AND to_series = ?) "
                         "OR (from_series = ? AND to_series = ?))",
                    [lang, indicator, baseline_series, current_series, current_series,
                     baseline_series])
    comparability, note = row if row else ("not_comparable", t("no_break_study", lang))
    return {"from": baseline_series, "to": current_series, "comparability": comparability,
            "note": note}


def compare(con: duckdb.DuckDBPyConnection, *, indicator: str, geo: str | Geo,
            current: Window, baseline: Window, measure: str = "count",
            series: str | None = None, population_vintage: str | None = None,
            lang: str = "es", allow_break: bool = False, include_attempts: bool = False,
            sex: str = "Total", age_group: str = "Total", by: str | None = None,
            low_count: int | None = None, as_of: date | None = None,
            per: str | None = None) -> Comparison:
    if measure not in MEASURES:
        raise ComparisonRefused(say("compare.unknown_measure", lang, measure=measure,
                                    known=", ".join(MEASURES)))
    counts, per_100k = MEASURES[measure]
    if low_count is None:
        low_count = low_count_threshold(con)
    if counts == "crimes" and (sex, age_group) != ("Total", "Total"):
        raise ComparisonRefused(say("compare.sex_needs_victims", lang))
    for option, column, value in (("--sex", "sex", sex), ("--age-group", "age_group", age_group)):
        if value == "Total":
            continue
        known = [v for (v,) in con.execute(
            f"SELECT DISTINCT {column} FROM marts.victims_monthly ORDER BY 1").fetchall()]
        if value not in known:
            raise ComparisonRefused(say("compare.unknown_victims_value", lang, option=option,
                                        value=value, known=", ".join(repr(v) for v in known)))
    label = indicator_label(con, indicator, lang)
    geo = geo if isinstance(geo, Geo) else resolve_geo(con, geo)
    geo = geo_in_language(con, geo, lang)
    if by not in (None, "state", "member"):
        raise ComparisonRefused(say("compare.unknown_by", lang, by=by))
    if by and geo.level not in ("national", "group"):
        raise ComparisonRefused(say("compare.by_needs_total", lang,
                                    level=t(f"level_{geo.level}", lang)))
    if per not in (None, "day", "month"):
        raise ComparisonRefused(say("compare.unknown_per", lang, per=per))
    if per and per_100k:
        raise ComparisonRefused(say("compare.per_with_rate", lang))
    if current.months != baseline.months and not per:
        raise ComparisonRefused(say(
            "compare.unequal_windows", lang, current=current.describe(lang),
            current_months=current.months, baseline=baseline.describe(lang),
            baseline_months=baseline.months))
    facts = NEWEST
    if as_of is not None:
        facts = as_of_facts(con, as_of, indicator, geo, counts, sex, age_group)
    try:
        cur_series, base_series = choose_series(con, indicator, geo, current, baseline, series,
                                                allow_break, counts, sex, age_group, facts,
                                                lang)
    except ComparisonRefused:
        if as_of is not None:
            as_of_refusal(con, as_of, indicator, geo, counts, current, baseline, lang)
        raise
    vintage = population_vintage or default_vintage(con)
    rows = fetch_dicts(
        con, "SELECT c.*, g.short_name, m.code IS NOT NULL AS is_member "
             "FROM marts.compare_windows($1, $2, $3, $4, $5, $6, $7, p_vintage := $8, "
             "p_include_attempts := $9, p_measure := $10, p_sex := $11, p_age_group := $12, "
             "p_facts := $15, p_per := $16) "
             "AS c "
             "JOIN marts.geo AS g USING (geo_level, geo_code) "
             # members: the states of a group or of the nation, or a group's municipalities
             "LEFT JOIN (SELECT 'state' AS level, state_code AS code FROM marts.geo_member "
             "           WHERE geo_level = $13 AND geo_code = $14 "
             "           UNION ALL SELECT 'municipality', municipality_code "
             "           FROM core.geo_municipal_group_member "
             "           WHERE $13 = 'group' AND group_key = $14) AS m "
             "  ON c.geo_level = m.level AND c.geo_code = m.code "
             "WHERE (c.geo_level = $13 AND c.geo_code = $14) OR m.code IS NOT NULL",
        [indicator, cur_series, current.start, current.end, base_series, baseline.start,
         baseline.end, vintage, include_attempts, counts, sex, age_group, geo.level, geo.code,
         facts, per or "day"])
    (r,) = [row for row in rows if row["geo_level"] == geo.level and row["geo_code"] == geo.code]
    if per_100k:
        if r["current_rate"] is None or r["baseline_rate"] is None:
            raise ComparisonRefused(say(
                "compare.no_population", lang, vintage=vintage_words(vintage, lang),
                where=geo.place(lang),
                ages=say("compare.no_population_by_age", lang) if age_group != "Total" else ""))
        cur_v, base_v = r["current_rate"], r["baseline_rate"]
        abs_change, pct = r["rate_abs_change"], r["rate_pct_change"]
    elif per:
        cur_v, base_v = r["current_per"], r["baseline_per"]
        abs_change, pct = r["per_abs_change"], r["per_pct_change"]
    else:
        cur_v, base_v = r["current_value"], r["baseline_value"]
        abs_change, pct = r["abs_change"], r["pct_change"]
    brk = methodology_break(con, indicator, base_series, cur_series, lang)
    words = series_words(con, lang)
    notes = []
    if per:
        units = "days" if per == "day" else "months"
        notes.append(t("note_per", lang, unit=t(f"unit_{per}", lang),
                       units=t(f"unit_{units}", lang),
                       current=r["current_days"] if per == "day" else current.months,
                       baseline=r["baseline_days"] if per == "day" else baseline.months))
    elif r["current_days"] != r["baseline_days"] and not per_100k:
        # the one per-day definition, marts.per_unit: what --per day would say
        per_day = r["per_pct_change"]
        notes.append(t("note_days_differ", lang, current=r["current_days"],
                       baseline=r["baseline_days"],
                       pct="n/a" if per_day is None else f"{per_day:+.1f}%"))
    if brk:
        notes.append(t("note_break", lang, from_=words.get(brk["from"], brk["from"]),
                       to=words.get(brk["to"], brk["to"]),
                       comparability=t(brk["comparability"], lang), note=brk["note"]))
    if include_attempts:
        notes.append(t("note_attempts", lang))
    if as_of is not None:
        notes.append(t("note_as_of", lang, date=f"{as_of:%Y-%m-%d}",
                       cut=f"{r['cut_date']:%Y-%m}" if r["cut_date"] else "?"))
    if r["baseline_value"] == 0:
        notes.append(t("note_zero_base", lang))
    if min(r["current_value"], r["baseline_value"]) < low_count:
        notes.append(t("note_low_count", lang, n=low_count))
    if r["has_missing_cells"]:
        notes.append(t("note_missing", lang))
    if per_100k and population_vintage and r["population_vintage"] != population_vintage:
        notes.append(t("note_vintage", lang, asked=population_vintage, place=geo.name,
                       used=r["population_vintage"]))
    warned, rules = touching_warnings(con, r["file_sha256s"], indicator, geo, current,
                                      baseline)
    if warned:
        rules = "; ".join(warning_words(x.strip(), lang) for x in rules.split(";"))
        notes.append(t("note_warnings_touching", lang, n=f"{warned:,}", rules=rules))
    members = []
    if by:
        members = breakdown([row for row in rows if row["is_member"] and row is not r], r,
                            per_100k, low_count, per)
        if per_100k:
            notes.append(t("note_rate_contrib", lang))
    return Comparison(
        indicator=indicator, indicator_label=label, geo=geo, current_series=cur_series,
        baseline_series=base_series, measure=measure, current=current, baseline=baseline,
        current_value=cur_v, baseline_value=base_v, abs_change=abs_change, pct_change=pct,
        current_count=r["current_value"], baseline_count=r["baseline_value"],
        # The vintage actually used: places made of municipalities have only the municipal one.
        population_vintage=r["population_vintage"] if per_100k else None,
        cut_date=r["cut_date"],
        include_attempts=include_attempts, sex=sex, age_group=age_group, methodology_break=brk,
        sources=sources(con, r["file_sha256s"] + (population_files(con, r["population_vintage"])
                                                  if per_100k else [])),
        notes=notes, lang=lang, low_count=low_count,
        by=by, members=members, as_of=as_of, facts=facts, per=per,
        current_days=r["current_days"], baseline_days=r["baseline_days"], series_words=words)


def geo_in_language(con: duckdb.DuckDBPyConnection, geo: Geo, lang: str) -> Geo:
    """The nation and the groups by their name in the reader's language (states and
    municipalities have one name)."""
    if lang != "en" or geo.level not in ("national", "group"):
        return geo
    if geo.level == "national":
        return Geo(geo.level, geo.code, "Mexico")
    row = fetch_one(con, "SELECT name_en FROM core.geo_group WHERE group_key = ? UNION ALL "
                         "SELECT any_value(name_en) FROM core.geo_municipal_group "
                         "WHERE group_key = ? HAVING count(*) > 0", [geo.code, geo.code])
    return Geo(geo.level, geo.code, row[0]) if row and row[0] else geo


def touching_warnings(con: duckdb.DuckDBPyConnection, shas: list[str], indicator: str,
                      geo: Geo, current: Window, baseline: Window) -> tuple[int, str]:
    """How many warnings of the source files touch this comparison's own numbers (its
    indicator's crime rows, its places, its months: marts.report_warnings), and their rules."""
    warned, rules = fetch_one(
        con, "SELECT count(*), string_agg(DISTINCT check_name, '; ' ORDER BY check_name) "
             "FROM marts.report_warnings(?, ?, ?, ?, ?, ?, ?, ?)",
        [shas, indicator, geo.level, geo.code, current.start, current.end, baseline.start,
         baseline.end])
    return warned, rules or ""


def breakdown(rows: list[dict], parent: dict, per_100k: bool, low_count: int,
              per: str | None = None) -> list[dict]:
    """The members of a total, ranked by how much they moved it. For counts each member's
    contribution (its change as a share of the total's baseline, in percentage points) adds
    up to the total's percent change (per day too); rates are ranked by their own change."""
    cur, base, change, pct = (("current_rate", "baseline_rate", "rate_abs_change",
                               "rate_pct_change") if per_100k else
                              ("current_per", "baseline_per", "per_abs_change",
                               "per_pct_change") if per else
                              ("current_value", "baseline_value", "abs_change", "pct_change"))
    parent_base = parent[base]
    out = []
    for row in rows:
        contribution = (row[change] * 100.0 / parent_base
                        if not per_100k and parent_base and row[change] is not None else None)
        out.append({
            "geo_level": row["geo_level"], "geo_code": row["geo_code"],
            "geo_name": row["geo_name"], "short_name": row["short_name"],
            "current_value": row[cur], "baseline_value": row[base],
            "abs_change": row[change], "pct_change": row[pct],
            "contribution_pp": contribution,
            "current_count": row["current_value"], "baseline_count": row["baseline_value"],
            "low_count": min(row["current_value"], row["baseline_value"]) < low_count,
        })
    key = "pct_change" if per_100k else "abs_change"
    out.sort(key=lambda m: (m[key] is None, m[key] if m[key] is not None else 0))
    # A member without the figure (no population: a municipality created after the
    # projections has no rate) is listed, unranked: it is in no ranking by rate.
    ranked = [m for m in out if m[key] is not None]
    for rank, m in enumerate(ranked, start=1):
        m["rank"] = rank
    for m in out[len(ranked):]:
        m["rank"] = None
    return out


def default_end(con: duckdb.DuckDBPyConnection, indicator: str, geo: str | Geo,
                measure: str, preset: str, since: date | None = None,
                as_of: date | None = None) -> date:
    """A preset's end when none is given: the last published month of the newest series
    whose windows for that preset it publishes entirely."""
    indicator_label(con, indicator)  # an unknown indicator says so, before anything else
    geo = geo if isinstance(geo, Geo) else resolve_geo(con, geo)
    counts = MEASURES.get(measure, ("crimes", False))[0]
    facts = as_of_facts(con, as_of, indicator, geo, counts) if as_of else NEWEST
    tried = []
    for (series,) in con.execute("SELECT series FROM core.series ORDER BY rank DESC").fetchall():
        have = published_months(con, indicator, geo, series, counts, facts=facts)
        if not have:
            continue
        last = max(have)
        current, baseline = preset_windows(preset, last, since)
        if all(m in have for m in current.month_list() + baseline.month_list()):
            return last
        tried.append(say("compare.tried_one", series=series_words(con, language()).get(
            series, series), last=f"{last:%Y-%m}"))
    raise ComparisonRefused(say(
        "compare.no_preset_end", preset=preset,
        what=what_counted(con, indicator, counts, language()), where=geo.place(language()),
        tried=say("compare.tried", tried="; ".join(tried)) if tried else ""))
