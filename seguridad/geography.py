"""The geographies a comparison can be asked for: the nation, a state (by code or name, any
accents or case) or a group of states, resolved against marts.geo."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from schemas.names import normalize_name
from seguridad.db import fetch_one
from seguridad.errors import ComparisonRefused


@dataclass(frozen=True)
class Geo:
    level: str  # national | state | group
    code: str
    name: str


def resolve_geo(con: duckdb.DuckDBPyConnection, text: str) -> Geo:
    """'national', a state code ('2' or '02'), a state name, or a group key."""
    key = text.strip()
    if key.lower() in ("national", "nacional", "mx", "00", "0"):
        key = "00"
    elif key.isdigit() and len(key) <= 2:
        key = key.zfill(2)
    elif key.isdigit() and len(key) in (4, 5):  # a municipality, as the SESNSP writes it
        key = key.zfill(5)
    row = fetch_one(con, "SELECT geo_level, geo_code, geo_name FROM marts.geo "
                         "WHERE geo_code = ? OR lower(geo_code) = lower(?)", [key, key])
    if row is None:
        by_name = {normalize_name(n): (lvl, c, n) for lvl, c, n in con.execute(
            "SELECT geo_level, geo_code, geo_name FROM marts.geo UNION ALL "
            "SELECT 'state', state_code, variant FROM core.geo_state_name_variant UNION ALL "
            "SELECT 'state', state_code, short_name FROM core.geo_state").fetchall()}
        row = by_name.get(normalize_name(text))
        if row and row[0] == "state":
            row = fetch_one(con, "SELECT geo_level, geo_code, geo_name FROM marts.geo "
                                 "WHERE geo_level = 'state' AND geo_code = ?", [row[1]])
    if row is None:  # a municipality by its name alone ('León'), if no other has it
        same = [r for r in con.execute(
            "SELECT geo_level, geo_code, geo_name FROM marts.geo "
            "WHERE geo_level = 'municipality' ORDER BY geo_code").fetchall()
            if normalize_name(r[2].split(",")[0]) == normalize_name(text)]
        if len(same) > 1:
            raise ComparisonRefused(
                f"{text!r} names {len(same)} municipalities: use the code of the one you mean ("
                + ", ".join(f"{c} {n}" for _, c, n in same) + ")")
        row = same[0] if same else None
    if row is None:
        groups = [g for (g,) in con.execute(
            "SELECT geo_code FROM marts.geo WHERE geo_level = 'group' ORDER BY 1").fetchall()]
        raise ComparisonRefused(
            f"unknown geography {text!r}: use 'national', a state code (1-32 or 01-32), a "
            f"municipality code (5 digits, e.g. 11020) or a group ({', '.join(groups)})")
    return Geo(*row)
