"""The monthly values behind a claim, staged for check-claims: investigation files (state,
municipal, several indicators summed row by row) and, where they are a reading of the claim,
victims (core.victims_by_file), every cut of each, in the temp table claim_facts; and, for
--as-of, whether the cut published by that day is loaded at all (if not, the claim is not
checkable: an older cut is not what the data said that day)."""

from __future__ import annotations

from datetime import date

import duckdb

from seguridad import caveats, verdicts
from seguridad.claims import Claim
from seguridad.db import fetch_one
from seguridad.errors import ComparisonRefused
from seguridad.geography import Geo
from seguridad.i18n import say, t

# the dataset of a staged value: what the publication calendar and the cut of the day use
DATASETS = {("count", False): "crime_state", ("count", True): "crime_municipal",
            ("victims", False): "victims_state", ("victims", True): "victims_municipal"}


def is_municipal_group(con: duckdb.DuckDBPyConnection, geo: Geo) -> bool:
    return geo.level == "group" and fetch_one(
        con, "SELECT 1 FROM core.geo_municipal_group_member WHERE group_key = ? LIMIT 1",
        [geo.code]) is not None


def victims_plausible(con: duckdb.DuckDBPyConnection, claim: Claim, geo: Geo,
                      windows_spec: list, rules: verdicts.Rules) -> bool:
    """Whether victims are a reading of the claim: it says so (measure), or it says nothing
    and victims of its one indicator (verdict_rules.csv victims_indicators) are published for
    both windows of some candidate."""
    if claim.measure in ("victims", "victims_rate"):
        return True
    if claim.measure is not None or len(claim.indicators or []) != 1 \
            or claim.indicators[0] not in rules.victims_indicators \
            or is_municipal_group(con, geo):
        return False
    first, last = fetch_one(con, "SELECT min(month), max(month) FROM core.file_months "
                                 "WHERE dataset LIKE 'victims%' AND published_cells > 0")
    return first is not None and any(
        first <= min(c.baseline.start, c.current.start) and max(c.baseline.end, c.current.end)
        <= last for c in windows_spec)


def stage_facts(con: duckdb.DuckDBPyConnection, claim: Claim, geo: Geo,
                geos: list[tuple[str, str]], said_on: date | None = None,
                as_of: date | None = None, victims: bool = False) -> bool:
    """Fill the temp table claim_facts (the shape of core.indicator_by_file) with the claim's
    values by file, month and geography: investigation files as indicator 'count' (unless the
    claim counts victims) and, when `victims`, victims as indicator 'victims' (every cut, as
    core.victims_by_file gives them). Returns whether the place is municipal."""
    indicators = claim.indicators or []
    levels = sorted({lvl for lvl, _ in geos})
    codes = sorted({code for _, code in geos})
    only_victims = claim.measure in ("victims", "victims_rate")
    municipal = is_municipal_group(con, geo) or geo.level == "municipality"
    if only_victims and len(indicators) > 1:
        raise ComparisonRefused(say("claims.victims_one_indicator"))
    parts, params = [], {"levels": levels, "codes": codes}
    if not only_victims:
        parts.append(_crime_facts_sql(con, claim, geo, params, said_on, as_of))
    if victims:
        parts.append("""
            SELECT file_sha256, series, geo_level, geo_code, 'victims' AS indicator, month,
                   value, reported_cells < cells AS has_missing_cells
            FROM core.victims_by_file($victims_indicator)
            WHERE list_contains($levels, geo_level) AND list_contains($codes, geo_code)""")
        params["victims_indicator"] = indicators[0]
    con.execute("CREATE OR REPLACE TEMP TABLE claim_facts AS " + " UNION ALL ".join(parts),
                params)
    return municipal


def _crime_facts_sql(con, claim: Claim, geo: Geo, params: dict, said_on, as_of) -> str:
    """The SELECT of investigation files behind the claim (its parameters added to params)."""
    indicators = claim.indicators or []
    if is_municipal_group(con, geo) or geo.level == "municipality":
        if len(indicators) > 1:
            raise ComparisonRefused(say("claims.several_indicators_municipal"))
        # Municipal figures are stored once per value; the marts hold each municipality's
        # newest publication, and what a cut of the day said comes from core.municipal_as_of.
        params.update({"indicator": indicators[0], "group": geo.code, "said_on": said_on,
                       "as_of": as_of})
        return """
            SELECT * FROM (
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
                   'count' AS indicator, month, CAST(value AS BIGINT) AS value,
                   has_missing_cells
            FROM muni
            UNION ALL
            SELECT file_sha256, series, geo_level, geo_code, 'count', month,
                   CAST(value AS BIGINT), has_missing_cells
            FROM grouped)"""
    if len(indicators) == 1:
        params["indicator"] = indicators[0]
        return """
            SELECT file_sha256, series, geo_level, geo_code, 'count' AS indicator, month,
                   value, reported_cells < cells AS has_missing_cells
            FROM core.indicator_by_file
            WHERE indicator = $indicator AND list_contains($levels, geo_level)
              AND list_contains($codes, geo_code)"""
    # Several indicators: their catalogue rows, each counted once (robo con violencia and
    # robo en carreteras share the violent highway robberies), summed as
    # core.indicator_by_file sums one indicator's.
    params["indicators"] = indicators
    return """
        SELECT * FROM (
        WITH crime_rows AS (
            SELECT series, crime_id FROM core.crime_indicator_map
            WHERE list_contains($indicators, indicator) AND NOT is_attempt
            GROUP BY ALL
        ),
        published AS (
            SELECT file_sha256, month FROM core.file_months WHERE published_cells > 0
        )
        SELECT f.file_sha256, f.series, gm.geo_level, gm.geo_code, 'count' AS indicator,
               f.month, CAST(sum(f.value) AS BIGINT) AS value,
               count(f.value) < count(*) AS has_missing_cells
        FROM core.crime_state_monthly AS f
        JOIN crime_rows USING (series, crime_id)
        JOIN published USING (file_sha256, month)
        JOIN core.geo_member AS gm USING (state_code)
        WHERE list_contains($levels, gm.geo_level) AND list_contains($codes, gm.geo_code)
        GROUP BY ALL)"""


def series_words(con: duckdb.DuckDBPyConnection, lang: str) -> dict[str, str]:
    return dict(con.execute("SELECT series, CASE WHEN ? = 'es' THEN words_es ELSE words_en "
                            "END FROM core.series", [lang]).fetchall())


# --- the cut of the day, with --as-of ------------------------------------------------------

def missing_cuts(con: duckdb.DuckDBPyConnection, as_of: date, datasets: list[str],
                 lang: str) -> dict[str, str]:
    """dataset -> why it cannot be read as of the date: the cut published by then (the newest
    month M whose publication date, publication_calendar.csv, is on or before it) is not
    loaded. What an older cut says is not what the data said that day."""
    out = {}
    for dataset in datasets:
        row = fetch_one(con, """
            WITH months AS (
                SELECT CAST(unnest(generate_series(date_trunc('month', CAST(? AS DATE))
                                                   - INTERVAL 3 MONTH,
                                                   date_trunc('month', CAST(? AS DATE)),
                                                   INTERVAL 1 MONTH)) AS DATE) AS m)
            SELECT max(m) FILTER (WHERE core.publication_date(?, m) <= ?) FROM months""",
                        [as_of, as_of, dataset, as_of])
        cut = row[0] if row else None
        if cut is None:
            continue
        loaded = fetch_one(con, "SELECT max(cut_date) FROM core.cut_order WHERE dataset = ? "
                                "AND cut_date <= ?", [dataset, cut])[0]
        if loaded is not None and loaded >= cut:
            continue
        (published,) = fetch_one(con, "SELECT core.publication_date(?, ?)", [dataset, cut])
        from seguridad.windows import MONTH_NAMES_EN, MONTH_NAMES_ES

        names = MONTH_NAMES_ES if lang == "es" else MONTH_NAMES_EN
        what = t(f"dataset_{dataset}", lang)
        load = t("load_cut", lang, month=names[cut.month - 1], year=cut.year, dataset=what,
                 published=f"{published:%Y-%m-%d}")
        out[dataset] = t("not_checkable_as_of", lang, dataset=what, date=f"{as_of:%Y-%m-%d}",
                         cut=caveats.cut_words(cut, lang),
                         have=caveats.cut_words(loaded, lang) if loaded else
                         t("none_loaded", lang), load=load)
    return out
