"""What the data said on a date (--as-of): the monthly facts of the cuts published by then,
in the shape of marts.measure_monthly (core.facts_as_of), and, when they do not give both
windows of a comparison, why (the cut of the day is not loaded, or the months were not yet
published)."""

from __future__ import annotations

from datetime import date

import duckdb

from seguridad.analysis.geography import Geo
from seguridad.analysis.windows import Window
from seguridad.db import fetch_one
from seguridad.errors import ComparisonRefused
from seguridad.i18n import say

NEWEST = "marts.measure_monthly"  # the newest cut of every month


AS_OF = "as_of_facts"  # a temp table: what the cuts published by a date said (as_of_facts())


def facts_table(facts: str) -> str:
    if facts not in (NEWEST, AS_OF):  # a table name in SQL text: only these two
        raise ValueError(f"not a table of monthly facts: {facts!r}")
    return facts


def as_of_facts(con: duckdb.DuckDBPyConnection, as_of: date, indicator: str, geo: Geo,
                counts: str = "crimes", sex: str = "Total", age_group: str = "Total") -> str:
    """The temp table `as_of_facts`, in the shape of marts.measure_monthly, of what the cuts
    published by `as_of` said (core.facts_as_of; the publication rule is
    schemas/reference/publication_calendar.csv): crimes for `geo` and, if it is municipal, its
    municipalities; victims of the sex and age band asked for."""
    municipalities = [c for (c,) in con.execute(
        "SELECT ? WHERE ? = 'municipality' UNION ALL SELECT municipality_code FROM "
        "core.geo_municipal_group_member WHERE group_key = ?",
        [geo.code, geo.level, geo.code]).fetchall()]
    con.execute("CREATE OR REPLACE TEMP TABLE as_of_facts AS SELECT * FROM "
                "core.facts_as_of($as_of, $indicator, $codes, p_measure := $measure, "
                "p_sex := $sex, p_age_group := $age_group)",
                {"as_of": as_of, "indicator": indicator, "codes": municipalities,
                 "measure": counts, "sex": sex, "age_group": age_group})
    return AS_OF


def as_of_refusal(con: duckdb.DuckDBPyConnection, as_of: date, indicator: str, geo: Geo,
                  counts: str, current: Window, baseline: Window, lang: str) -> None:
    """With --as-of, why the cuts published by that day do not give both windows, as
    check-claims says it: the cut of the day is not loaded (and which to load), or the
    months were not yet published that day. Raises ComparisonRefused; returns when neither
    (the plain refusal then says which series publish what)."""
    from seguridad.factcheck.facts import is_municipal_group, missing_cuts

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
