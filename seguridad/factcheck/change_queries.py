"""check-claims' SQL for a change or a difference: the claim's places (the place and its
member states or municipalities), every candidate window's totals from the staged monthly
facts (the newest cut and the cut of the day the statement was made), and the pairs of
windows measured as counts and as rates per 100,000 under each population vintage. The
arithmetic is the warehouse's own macros (marts.rate_per_100k, marts.pct_change,
marts.per_unit, core.newest_cut)."""

from __future__ import annotations

import duckdb

from seguridad.analysis.geography import Geo
from seguridad.factcheck.facts import is_municipal_group


def member_geos(con: duckdb.DuckDBPyConnection, geo: Geo) -> list[tuple[str, str]]:
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


def population_sql(vintages: list[str]) -> tuple[str, dict]:
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
