"""The rankings by rate of the nightly set: by municipality wherever the warehouse has
municipal figures, and tasas-estados.csv / tasas-municipios.csv (every indicator's ranking)
with their spreadsheet copies and data-package resources."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from seguridad.errors import SeguridadError
from seguridad.i18n import t, vintage_words
from seguridad.reports import ranking
from seguridad.warehouse import datapackage


def municipal_rankings(con: duckdb.DuckDBPyConnection, lang: str) -> list[ranking.Ranking]:
    """Rates by municipality for every indicator the warehouse has municipal figures of
    (the shipped slice: intentional homicide in Guanajuato), over their last 12 months."""
    out = []
    for (indicator,) in con.execute("""
            SELECT DISTINCT indicator FROM marts.indicator_monthly
            WHERE geo_level = 'municipality' ORDER BY 1""").fetchall():
        try:
            out.append(ranking.build(con, indicator, "municipality", lang=lang))
        except SeguridadError:
            continue  # fewer than 12 whole months: no municipal ranking tonight
    return out


RANKING_FILES = {"state": "tasas-estados", "municipality": "tasas-municipios"}


def write_rankings(out_dir: Path, rankings: list[ranking.Ranking], lang: str) -> list[dict]:
    """tasas-estados.csv and tasas-municipios.csv (every indicator's ranking by rate), with
    their spreadsheet copies; returns their data-package resources."""
    resources = []
    for level, name in RANKING_FILES.items():
        records = [rec for r in rankings if r.level == level for rec in ranking.records(r)]
        if not records:
            continue
        path = out_dir / f"{name}.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=ranking.CSV_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)
        labels = {r.indicator: r.indicator_label for r in rankings}
        people = [{**rec, "indicator": labels[rec["indicator"]],
                   "series": rankings[0].series_words.get(rec["series"], rec["series"]),
                   "geo_level": t(f"level_{rec['geo_level']}", lang),
                   "population_vintage": vintage_words(rec["population_vintage"], lang)}
                  for rec in records]
        excel = datapackage.write_excel_csv(out_dir / f"{name}-excel.csv", ranking.CSV_COLUMNS,
                                            people, lang)
        resources += [datapackage.resource(path, ranking.CSV_COLUMNS, records, name=name,
                                           title=t(f"{name}_title", lang)),
                      datapackage.resource(excel, ranking.CSV_COLUMNS, people,
                                           name=f"{name}-excel", excel=True, lang=lang)]
    return resources
