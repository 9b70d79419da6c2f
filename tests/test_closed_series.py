"""The 2026 publication layout (issue 22): since January 2026 the SESNSP publishes the
2015-2025 series as a closed file (its last cut, December 2025) and the 2026 catalogue (RNID)
in separate files. A closed series is complete, not stale: the landing zone loads its file
whatever later month its name states, the cut order puts it before the 2026 cuts, and
`status` and the nightly index page say it is complete.

The closed file is written from the shipped November-2024 state file (real rows, Latin-1,
CRLF): its 2024 rows with December filled in from November, and 2025 as a copy of 2024 with
every month published (a stand-in: no public copy of the closed file is at hand). The 2026
files are the real January, February and March 2026 cuts."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from conftest import (
    NM_FILE,
    prefect_api,
    query,
    read_csv_rows,
    rnid_2026_landing_zone,
    run_cli,
)
from flows.refresh import refresh_flow

CLOSED_NAME = "IDEFC_NM_2015-2025_ene26.csv"  # issued in January 2026, last cut December 2025


def write_closed_file(target: Path) -> list[dict[str, str]]:
    rows = [r for r in read_csv_rows(NM_FILE, "latin-1") if r["Año"] == "2024"]
    header = list(rows[0])
    out = []
    for year in ("2024", "2025"):
        for r in rows:
            r = {**r, "Año": year, "Diciembre": r["Noviembre"]}
            out.append(r)
    with open(target, "w", encoding="latin-1", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(out)
    return out


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("closed_series")
    raw, wh = root / "raw", root / "warehouse" / "seguridad.duckdb"
    rnid_2026_landing_zone(raw)
    rows = write_closed_file(raw / "sesnsp" / CLOSED_NAME)
    prefect_api()
    mp = pytest.MonkeyPatch()
    mp.setenv("SEGURIDAD_RAW", str(raw))
    mp.setenv("SEGURIDAD_WAREHOUSE", str(wh))
    mp.setenv("SEGURIDAD_CLAIMS", str(root / "no_claims"))
    try:
        state = refresh_flow(return_state=True)
        assert state.is_completed(), state.message
        status = run_cli("status")
    finally:
        mp.undo()
    (folder,) = (wh.parent / "reports").iterdir()
    return {"wh": wh, "rows": rows, "status": status,
            "index": (folder / "index.html").read_text(encoding="utf-8"),
            "cambios": (folder / "cambios.md").read_text(encoding="utf-8")}


def test_the_closed_file_loads_as_the_last_cut_of_its_series(published):
    files = {name.rsplit("/", 1)[-1]: (series, cut, status) for name, series, cut, status in
             query(published["wh"], "SELECT file_name, series, cut_date, status "
                                    "FROM ops.raw_files WHERE dataset = 'crime_state'")}
    # named for January 2026, it publishes up to December 2025: the series' last cut
    assert files[CLOSED_NAME] == ("cnsp_2015", date(2025, 12, 1), "loaded")
    assert {f: v[:2] for f, v in files.items() if f != CLOSED_NAME} == {
        "estatal_RNID_2026_ene2026.csv": ("rnid_2026", date(2026, 1, 1)),
        "estatal_RNID_2026_feb2026.csv": ("rnid_2026", date(2026, 2, 1)),
        "estatal_RNID_2026_mar2026.csv": ("rnid_2026", date(2026, 3, 1))}
    order = [series for series, in query(published["wh"], """
        SELECT series FROM core.cut_order WHERE dataset = 'crime_state' ORDER BY cut_rank""")]
    assert order == ["cnsp_2015", "rnid_2026", "rnid_2026", "rnid_2026"]
    december = sum(int(r["Diciembre"]) for r in published["rows"] if r["Año"] == "2025")
    assert query(published["wh"], "SELECT value FROM marts.indicator_monthly WHERE "
                                  "geo_level = 'national' AND indicator = 'delitos_total' "
                                  "AND series = 'cnsp_2015' AND month = DATE '2025-12-01'") \
        == [(december,)]


def test_status_calls_the_closed_series_complete(published):
    status = published["status"]
    assert status.returncode == 0, status.stderr
    (line,) = [x for x in status.stdout.splitlines()
               if x.strip().startswith("incidencia delictiva estatal")
               and "metodología 2015" in x]
    assert "cerrada: completa (último corte 2025-12)" in line and "atrasada" not in line
    states = dict(query(published["wh"], "SELECT series, state FROM core.series_status "
                                         "WHERE dataset = 'crime_state'"))
    # the open series is judged by the publication calendar against today; never the closed
    assert states["cnsp_2015"] == "complete" and states["rnid_2026"] in ("current", "behind")


def test_the_index_page_calls_the_closed_series_complete(published):
    index = published["index"]
    # the headline figures are the closed series' last twelve months against the twelve before
    assert "corte de diciembre de 2025" in index
    assert ("Serie cerrada y completa: metodología 2015 (CNSP/38/15), hasta su último corte "
            "de diciembre de 2025 (no es un retraso: el SESNSP ya no la publica); desde "
            "entonces publica: catálogo 2026 (RNID).") in index
    assert "Serie cerrada y completa: metodología 2015" in published["cambios"]
    # the closed series' section, in words (issue 23: no internal key in the Markdown)
    assert "## Metodología 2015 (CNSP/38/15): corte de diciembre de 2025" in published["cambios"]
