"""Period-over-period comparisons with the guards that keep them honest. The arithmetic lives
in one place, the `marts.compare_windows` SQL macro; this module picks the series, checks the
windows and says plainly why a comparison is refused. Months and presets are in
seguridad/windows.py, geographies in seguridad/geography.py, sources in
seguridad/provenance.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from seguridad.db import fetch_dicts, fetch_one
from seguridad.errors import ComparisonRefused
from seguridad.failure_text import warning_words
from seguridad.geography import Geo, resolve_geo
from seguridad.i18n import language, say, t, vintage_words
from seguridad.provenance import default_vintage, population_files, sources
from seguridad.windows import (
    Window,
    add_months,
    preset_windows,
)

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


def indicator_label(con: duckdb.DuckDBPyConnection, indicator: str, lang: str = "en") -> str:
    row = fetch_one(con, f"SELECT label_{'es' if lang == 'es' else 'en'} FROM core.indicator "
                         "WHERE indicator = ?", [indicator])
    if row is None:
        from seguridad.listing import unknown_indicator

        raise ComparisonRefused(unknown_indicator(con, indicator))
    return row[0]


NEWEST = "marts.measure_monthly"  # the newest cut of every month


AS_OF = "as_of_facts"  # a temp table: what the cuts published by a date said (as_of_facts())


def _facts(facts: str) -> str:
    if facts not in (NEWEST, AS_OF):  # a table name in SQL text: only these two
        raise ValueError(f"not a table of monthly facts: {facts!r}")
    return facts


def published_months(con: duckdb.DuckDBPyConnection, indicator: str, geo: Geo, series: str,
                     counts: str = "crimes", sex: str = "Total",
                     age_group: str = "Total", facts: str = NEWEST) -> set[date]:
    return {m for (m,) in con.execute(
        f"SELECT month FROM {_facts(facts)} WHERE measure = ? AND indicator = ? "
        "AND series = ? AND geo_level = ? AND geo_code = ? AND sex = ? AND age_group = ?",
        [counts, indicator, series, geo.level, geo.code, sex, age_group]).fetchall()}


def as_of_facts(con: duckdb.DuckDBPyConnection, as_of: date, indicator: str, geo: Geo,
                counts: str = "crimes", sex: str = "Total", age_group: str = "Total") -> str:
    """The temp table `as_of_facts`, in the shape of marts.measure_monthly, of what the cuts
    published by `as_of` said (core.newest_cut, core.municipal_as_of; the publication rule is
    schemas/reference/publication_calendar.csv). Victims likewise, from every victims cut
    (core.victims_by_file) of the sex and age band asked for."""
    if counts == "victims":
        con.execute("CREATE OR REPLACE TEMP TABLE victims_as_of_input AS SELECT * FROM "
                    "core.victims_by_file(?, p_sex := ?, p_age_group := ?)",
                    [indicator, sex, age_group])
        con.execute("""
            CREATE OR REPLACE TEMP TABLE as_of_facts AS
            SELECT 'victims' AS measure, f.month, f.series, f.geo_level, f.geo_code,
                   g.geo_name, f.indicator, f.sex, f.age_group, f.value, f.attempts,
                   f.reported_cells < f.cells AS has_missing_cells, f.cut_date, f.file_sha256
            FROM core.newest_cut('victims_as_of_input', p_as_of := $as_of) AS f
            JOIN marts.geo AS g USING (geo_level, geo_code)""", {"as_of": as_of})
        return AS_OF
    municipalities = [c for (c,) in con.execute(
        "SELECT ? WHERE ? = 'municipality' UNION ALL SELECT municipality_code FROM "
        "core.geo_municipal_group_member WHERE group_key = ?",
        [geo.code, geo.level, geo.code]).fetchall()]
    con.execute("""
        CREATE OR REPLACE TEMP TABLE as_of_facts AS
        WITH states AS (
            SELECT b.month, b.series, b.geo_level, b.geo_code, b.indicator, b.value,
                   b.attempts, b.reported_cells < b.cells AS has_missing_cells, b.cut_date,
                   b.file_sha256
            FROM core.newest_cut('core.indicator_by_file', p_as_of := $as_of) AS b
            WHERE b.indicator = $indicator
        ),
        municipal AS (
            SELECT month, series, 'municipality' AS geo_level, municipality_code AS geo_code,
                   indicator, value, CAST(NULL AS BIGINT) AS attempts, has_missing_cells,
                   cut_date, file_sha256
            FROM core.municipal_as_of($as_of, $codes)
            WHERE indicator = $indicator
        ),
        groups AS (
            SELECT m.month, m.series, 'group', g.group_key, m.indicator,
                   CAST(sum(m.value) AS BIGINT), NULL, bool_or(m.has_missing_cells),
                   max(m.cut_date), max(m.file_sha256)
            FROM municipal AS m
            JOIN core.geo_municipal_group_member AS g ON g.municipality_code = m.geo_code
            GROUP BY m.month, m.series, g.group_key, m.indicator
            HAVING count(*) = (SELECT count(*) FROM core.geo_municipal_group_member AS x
                               WHERE x.group_key = g.group_key)
        )
        SELECT 'crimes' AS measure, f.month, f.series, f.geo_level, f.geo_code, g.geo_name,
               f.indicator, 'Total' AS sex, 'Total' AS age_group, f.value, f.attempts,
               f.has_missing_cells, f.cut_date, f.file_sha256
        FROM (SELECT * FROM states UNION ALL SELECT * FROM municipal
              UNION ALL SELECT * FROM groups) AS f
        JOIN marts.geo AS g USING (geo_level, geo_code)""",
                {"as_of": as_of, "indicator": indicator, "codes": municipalities})
    return AS_OF


def _span(months: list[date], lang: str | None = None) -> str:
    if not months:
        return say("compare.none", lang)
    ranges, start, prev = [], months[0], months[0]
    for m in months[1:]:
        if m != add_months(prev, 1):
            ranges.append((start, prev))
            start = m
        prev = m
    ranges.append((start, prev))
    return ", ".join(f"{a:%Y-%m}" if a == b else f"{a:%Y-%m}..{b:%Y-%m}" for a, b in ranges)


def choose_series(con: duckdb.DuckDBPyConnection, indicator: str, geo: Geo, current: Window,
                  baseline: Window, series: str | None = None, allow_break: bool = False,
                  counts: str = "crimes", sex: str = "Total",
                  age_group: str = "Total", facts: str = NEWEST,
                  lang: str | None = None) -> tuple[str, str]:
    """(current series, baseline series): the requested series, or the newest methodology that
    publishes every month of both windows. Only with `allow_break` may the windows come from
    two methodologies (the newest covering each), and the result is then flagged. A refusal
    says the series and the windows in words, in `lang` (default: the command line's)."""
    lang = lang or language()
    candidates = [s for (s,) in con.execute(
        "SELECT series FROM core.series ORDER BY rank DESC").fetchall()]
    words = series_words(con, lang)
    if series is not None and series not in candidates:
        raise ComparisonRefused(say("compare.unknown_series", lang, series=series, known="; ".join(
            f"{s} ({words.get(s, s)})" for s in candidates)))
    coverage: dict[str, tuple[list[date], list[date], list[date]]] = {}
    for s in [series] if series else candidates:
        have = published_months(con, indicator, geo, s, counts, sex, age_group, facts)
        coverage[s] = (sorted(have), [m for m in current.month_list() if m not in have],
                       [m for m in baseline.month_list() if m not in have])
        if not coverage[s][1] and not coverage[s][2]:
            return s, s
    what = _what(con, indicator, counts, lang)
    where = geo.place(lang)
    windows = {"current": current.describe(lang), "baseline": baseline.describe(lang)}
    lines = []
    for s, (have, miss_cur, miss_base) in coverage.items():
        missing = sorted(miss_cur + miss_base)
        lines.append("  " + (say("compare.series_publishes", lang, series=_cap(words.get(s, s)),
                                 first=f"{have[0]:%Y-%m}", last=f"{have[-1]:%Y-%m}",
                                 missing=_span(missing, lang)) if have else
                             say("compare.series_has_none", lang, series=_cap(words.get(s, s)),
                                 what=what, where=where)))
    detail = "\n".join(lines)
    if series:
        raise ComparisonRefused(say("compare.series_misses", lang, series=words.get(series,
                                                                                   series),
                                    **windows) + "\n" + detail)
    cur_series = next((s for s, c in coverage.items() if not c[1]), None)
    base_series = next((s for s, c in coverage.items() if not c[2]), None)
    if allow_break and cur_series and base_series:
        return cur_series, base_series
    hint = ""
    if cur_series and base_series:
        hint = "\n" + say("compare.hint_allow_break", lang, current=words[cur_series],
                          baseline=words[base_series])
    if not hint:
        hint = _coverage_hint(coverage, what, where, current, baseline, words, lang)
    raise ComparisonRefused(say("compare.no_single_series", lang, what=what, where=where,
                                **windows) + "\n" + detail + hint)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _what(con: duckdb.DuckDBPyConnection, indicator: str, counts: str, lang: str) -> str:
    """'homicidio doloso (carpetas de investigación)': the indicator and what is counted."""
    try:
        label = indicator_label(con, indicator, lang)
    except ComparisonRefused:
        label = indicator
    return say("compare.what", lang, label=label[:1].lower() + label[1:],
               counts=t(counts, lang))


def _coverage_hint(coverage: dict, what: str, where: str, current: Window,
                   baseline: Window, words: dict, lang: str) -> str:
    """What to change so that one series covers both windows: months no series publishes
    need another file; otherwise move the windows inside the series that misses least."""
    published = {m for have, _, _ in coverage.values() for m in have}
    nowhere = [m for m in sorted(set(baseline.month_list() + current.month_list()))
               if m not in published]
    hints = []
    if nowhere:
        hints.append(say("compare.hint_nowhere", lang, months=_span(nowhere, lang), what=what,
                         where=where))
    best, (have, miss_cur, miss_base) = min(
        ((s, c) for s, c in coverage.items() if c[0]),
        key=lambda sc: len(sc[1][1]) + len(sc[1][2]), default=(None, ([], [], [])))
    named = _cap(words.get(best, best)) if best else ""
    if best and any(m > have[-1] for m in miss_cur):
        hints.append(say("compare.hint_end", lang, series=named, last=f"{have[-1]:%Y-%m}"))
    if best and any(m < have[0] for m in miss_base):
        hints.append(say("compare.hint_begin", lang, series=named, first=f"{have[0]:%Y-%m}"))
    gaps = [m for m in miss_cur + miss_base if have and have[0] <= m <= have[-1]]
    if best and gaps:
        hints.append(say("compare.hint_gaps", lang, series=named,
                         months=_span(sorted(gaps), lang)))
    return "".join(f"\n{h}" for h in hints)


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


def as_of_refusal(con: duckdb.DuckDBPyConnection, as_of: date, indicator: str, geo: Geo,
                  counts: str, current: Window, baseline: Window, lang: str) -> None:
    """With --as-of, why the cuts published by that day do not give both windows, as
    check-claims says it: the cut of the day is not loaded (and which to load), or the
    months were not yet published that day. Raises ComparisonRefused; returns when neither
    (the plain refusal then says which series publish what)."""
    from seguridad.claim_facts import is_municipal_group, missing_cuts

    municipal = geo.level == "municipality" or is_municipal_group(con, geo)
    dataset = f"{'victims' if counts == 'victims' else 'crime'}_" \
              f"{'municipal' if municipal else 'state'}"
    missing = missing_cuts(con, as_of, [dataset], lang)
    if dataset in missing:
        raise ComparisonRefused(missing[dataset])
    later = [w for w in (current, baseline) if fetch_one(
        con, "SELECT core.publication_date(?, ?) > ?", [dataset, w.end, as_of])[0]]
    if later:
        raise ComparisonRefused(say("compare.as_of_not_yet", lang, date=f"{as_of:%Y-%m-%d}",
                                    window=later[0].describe(lang)))


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


def series_words(con: duckdb.DuckDBPyConnection, lang: str) -> dict[str, str]:
    """Series key -> how a reader calls it ('metodología 2015 (CNSP/38/15)')."""
    return dict(con.execute("SELECT series, CASE WHEN ? = 'es' THEN words_es ELSE words_en END "
                            "FROM core.series", [lang]).fetchall())


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
        "compare.no_preset_end", preset=preset, what=_what(con, indicator, counts, language()),
        where=geo.place(language()),
        tried=say("compare.tried", tried="; ".join(tried)) if tried else ""))
