"""Where a number comes from: the raw files (name, sha256, cut, series) behind a comparison,
and the population files behind its rates."""

from __future__ import annotations

import duckdb

from seguridad.db import fetch_one


def default_vintage(con: duckdb.DuckDBPyConnection) -> str:
    """The population vintage the build chose rates for (SEGURIDAD_POPULATION_VINTAGE, kept
    in core.population_chosen). A warehouse built before that table existed: the vintage of
    a state's rate in the marts."""
    try:
        row = fetch_one(con, "SELECT any_value(chosen_for) FROM core.population_chosen")
    except duckdb.CatalogException:
        row = fetch_one(con, "SELECT any_value(population_vintage) FROM marts.indicator_monthly "
                             "WHERE population_vintage IS NOT NULL AND geo_level = 'state'")
    return row[0] if row and row[0] else "conapo_2023"


def population_files(con: duckdb.DuckDBPyConnection, vintage: str | None) -> list[str]:
    """sha256 of the loaded population files of a vintage (the denominators of rates)."""
    return [sha for (sha,) in con.execute(
        "SELECT file_sha256 FROM ops.raw_files WHERE series = ? AND status = 'loaded'",
        [vintage]).fetchall()]


def sources(con: duckdb.DuckDBPyConnection, shas: list[str]) -> list[dict]:
    if not shas:
        return []
    rows = con.execute(
        "SELECT file_name, file_sha256, cut_date, series FROM ops.raw_files "
        "WHERE list_contains(?, file_sha256) ORDER BY cut_date, file_name", [shas]).fetchall()
    return [{"file": f, "sha256": s, "cut_date": c, "series": se} for f, s, c, se in rows]
