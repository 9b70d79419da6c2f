"""The standard comparisons, computed at every build by the comparison engine and kept in
marts.standard_changes: for each crime series, at its last published month, the month
against the one before (mom) and the same month a year before (yoy), year to date (ytd) and
the last 12 months against the 12 before (r12), for every indicator, nationally, by state
and by group. The nightly report and the Prefect artifacts are drawn from this table."""

from __future__ import annotations

import duckdb

from seguridad.db import fetch_dicts
from seguridad.windows import PRESET_BY_KEY, STANDARD_PRESETS, preset_windows

DDL = """
CREATE OR REPLACE TABLE marts.standard_changes (
    preset VARCHAR, series VARCHAR, indicator VARCHAR, geo_level VARCHAR, geo_code VARCHAR,
    geo_name VARCHAR, current_start DATE, current_end DATE, baseline_start DATE,
    baseline_end DATE, current_value BIGINT, baseline_value BIGINT, abs_change BIGINT,
    pct_change DOUBLE, contribution_pp DOUBLE, current_rate DOUBLE, baseline_rate DOUBLE,
    rate_pct_change DOUBLE, population_vintage VARCHAR, has_missing_cells BOOLEAN,
    cut_date DATE, file_sha256s VARCHAR[]
)"""

COMMENTS = {
    "": "Standard comparisons (mom, yoy, ytd, r12) at the last published month of each crime "
        "series, for every indicator, nationally, by state and by group, computed with "
        "marts.compare_windows at build time. Only windows fully published are listed.",
    "preset": "; ".join(f"{k}: {PRESET_BY_KEY[k].meaning}" for k in STANDARD_PRESETS) + ".",
    "contribution_pp": "For states: the state's change as percentage points of the national "
                       "change (state rows add up to the national pct_change).",
    "rate_pct_change": "Percent change of the annualised rate per 100,000.",
    "file_sha256s": "sha256 of the raw files behind both windows.",
}


def build(con: duckdb.DuckDBPyConnection, vintage: str) -> int:
    con.execute(DDL)
    series_last = con.execute("SELECT series, last_month FROM marts.series_coverage").fetchall()
    for series, last in series_last:
        for preset in STANDARD_PRESETS:
            current, baseline = preset_windows(preset, last)
            con.execute("""
                INSERT INTO marts.standard_changes
                SELECT ?, current_series, indicator, geo_level, geo_code, geo_name,
                       ?, ?, ?, ?, current_value, baseline_value, abs_change, pct_change,
                       NULL, current_rate, baseline_rate, rate_pct_change, ?,
                       has_missing_cells, cut_date, file_sha256s
                FROM marts.compare_windows(NULL, ?, ?, ?, ?, ?, ?, p_vintage := ?)
                WHERE geo_level IN ('national', 'state', 'group')
                  AND current_months_published = current_months_expected
                  AND baseline_months_published = baseline_months_expected""",
                        [preset, current.start, current.end, baseline.start, baseline.end,
                         vintage, series, current.start, current.end, series, baseline.start,
                         baseline.end, vintage])
    # Each state's share of the national change, in percentage points.
    con.execute("""
        UPDATE marts.standard_changes AS s
        SET contribution_pp = s.abs_change * 100.0 / n.baseline_value
        FROM marts.standard_changes AS n
        WHERE s.geo_level = 'state' AND n.geo_level = 'national' AND n.preset = s.preset
          AND n.series = s.series AND n.indicator = s.indicator AND n.baseline_value > 0""")
    for column, text in COMMENTS.items():
        target = "TABLE marts.standard_changes" if not column else \
            f"COLUMN marts.standard_changes.{column}"
        con.execute(f"COMMENT ON {target} IS '{text.replace(chr(39), chr(39) * 2)}'")
    return fetch_dicts(con, "SELECT count(*) AS n FROM marts.standard_changes")[0]["n"]
