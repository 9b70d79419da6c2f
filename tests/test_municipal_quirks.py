"""What the SESNSP's real municipal files carry (issue 22): municipalities created after the
2020 census, rows of no single municipality ('No especificado' with a 999 code, a judicial
district), a code INEGI has not listed, a negative correction. A file in the real municipal
format (Latin-1, CRLF, `Cve. Municipio` as an integer, 4 digits for states 1-9) is written
from the shipped November-2024 state file: each crime row's 2024 counts of Aguascalientes,
Colima and San Luis Potosí split over the state's municipalities and the quirks, so that its
rows add up to the state file exactly. It loads with warnings; state totals do not move; the
reconciliation shows each part apart; rankings and geographies leave the unattributed rows
out; a damaged copy is still rejected whole."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from conftest import (
    CONAPO_2023,
    MONTHS,
    MUNICIPAL_SLICE,
    NM_FILE,
    REPO,
    SHIPPED_RAW,
    copy_of,
    ingest_into_copy,
    prefect_api,
    query,
    read_csv_rows,
    run_cli,
    use_paths,
    warehouse_of,
)
from flows.ingest import ingest_flow
from flows.refresh import refresh_flow
from seguridad.warehouse import reference as warehouse_reference

HEADER = ["Año", "Clave_Ent", "Entidad", "Cve. Municipio", "Municipio",
          "Bien jurídico afectado", "Tipo de delito", "Subtipo de delito", "Modalidad", *MONTHS]
STATES = ("01", "06", "24")
# The quirks: (state, code as the SESNSP writes it, name)
NO_ESPECIFICADO = ("01", "1999", "No especificado")  # no identified municipality, a 999 code
DISTRICT = ("06", "6901", "Distrito Judicial de Manzanillo")  # several municipalities at once
UNKNOWN = ("06", "6011", "Nuevo Municipio")  # a code INEGI's catalogue does not list
VILLA_DE_POZOS = "24059"  # created in 2024: in the catalogue, no CONAPO projection
# The correction: Aguascalientes (01001) homicides with a firearm in March 2024 are written as
# -1, and the count moved to Asientos (01002), so the state total stays what it is.
CORRECTED = ("1001", "Homicidio doloso", "Con arma de fuego", "Marzo")
MUNICIPAL_POPULATION = SHIPPED_RAW / "conapo" / "municipal_poblacion_1990-2040.csv"


def _catalogue(state: str) -> list[tuple[str, str]]:
    rows = read_csv_rows(REPO / "schemas" / "reference" / "municipalities.csv", "utf-8")
    return [(str(int(r["municipality_code"])), r["municipality_name"]) for r in rows
            if r["state_code"] == state]


def write_quirky_file(target: Path) -> Path:
    state_rows = [r for r in read_csv_rows(NM_FILE, "latin-1")
                  if r["Año"] == "2024" and r["Clave_Ent"].zfill(2) in STATES]
    places = {s: _catalogue(s) for s in STATES}
    for state, code, name in (NO_ESPECIFICADO, DISTRICT, UNKNOWN):
        places[state].append((code, name))
    assert (VILLA_DE_POZOS, "Villa de Pozos") in places["24"]
    out = []
    for r in state_rows:
        here = places[r["Clave_Ent"].zfill(2)]
        split = {code: {} for code, _ in here}
        for month in MONTHS:
            if r[month] == "":
                for code in split:
                    split[code][month] = ""
                continue
            total, n = int(r[month]), len(here)
            for k, (code, _) in enumerate(here):  # round robin: the parts add up exactly
                split[code][month] = total // n + (1 if k < total % n else 0)
        corrected = (r["Subtipo de delito"], r["Modalidad"]) == CORRECTED[1:3]
        if corrected and r["Clave_Ent"] == "1":
            month = CORRECTED[3]
            moved = split[CORRECTED[0]][month] + 1
            split[CORRECTED[0]][month] = -1
            split["1002"][month] += moved
        for code, name in here:
            out.append([r["Año"], r["Clave_Ent"], r["Entidad"], code, name,
                        r["Bien jurídico afectado"], r["Tipo de delito"],
                        r["Subtipo de delito"], r["Modalidad"],
                        *[str(split[code][m]) for m in MONTHS]])
    with open(target, "w", encoding="latin-1", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(out)
    return target


def raw_rows(path: Path) -> list[dict[str, str]]:
    return read_csv_rows(path, "latin-1")


def published_months(rows: list[dict[str, str]]) -> list[str]:
    return [m for m in MONTHS if rows[0][m] != ""]


def total(rows, codes=None, subtipo=None) -> int:
    months = published_months(rows)
    return sum(int(r[m]) for r in rows for m in months
               if (codes is None or r["Cve. Municipio"] in codes)
               and (subtipo is None or r["Subtipo de delito"] == subtipo))


def state_marts(wh: Path) -> list[tuple]:
    return query(wh, "SELECT series, geo_code, indicator, month, value, file_sha256 FROM "
                     "marts.indicator_monthly WHERE geo_level IN ('state', 'national', 'group') "
                     "AND geo_code NOT LIKE 'zm_%' ORDER BY ALL")


@pytest.fixture(scope="module")
def state_history(tmp_path_factory) -> Path:
    """The shipped files a municipal file is read against: the November-2024 state file, the
    Guanajuato municipal slice and both CONAPO projections (states, municipalities); not the
    whole shipped history (both catalogues, victims, budgets), whose marts these tests never
    look at."""
    return warehouse_of(tmp_path_factory.mktemp("state_history"),
                        [NM_FILE, MUNICIPAL_SLICE, CONAPO_2023, MUNICIPAL_POPULATION])


@pytest.fixture(scope="module")
def loaded(state_history, tmp_path_factory):
    root = tmp_path_factory.mktemp("municipal_quirks")
    path = write_quirky_file(root / "IDM_NM_nov24.csv")
    before = state_marts(state_history)
    run = ingest_into_copy(state_history, root, [path])
    (outcome,) = run["outcomes"][str(path)]
    return {"root": root, "raw": run["raw"], "wh": run["wh"], "path": path,
            "state": run["state"], "outcome": outcome, "before": before,
            "rows": raw_rows(path)}


def test_the_file_is_in_the_real_municipal_format(loaded):
    data = loaded["path"].read_bytes()
    assert data.startswith("Año,Clave_Ent,Entidad,Cve. Municipio,".encode("latin-1"))
    assert data.count(b"\r\n") == len(loaded["rows"]) + 1
    codes = {r["Cve. Municipio"] for r in loaded["rows"]}
    assert {"1001", "1999", "6011", "6901", VILLA_DE_POZOS} <= codes  # 4 digits for 1-9


def test_each_quirk_loads_with_its_warning(loaded):
    outcome = loaded["outcome"]
    assert loaded["state"].is_completed(), outcome.message
    assert outcome.status == "loaded" and "see ops.data_warnings" in outcome.message
    warned = query(loaded["wh"], "SELECT check_name, row_number, column_name, value, rows, "
                                 "geo_level, geo_code FROM ops.data_warnings "
                                 "WHERE file_sha256 = ? ORDER BY row_number", [outcome.sha256])
    by_value = {(w[2], w[3]): w for w in warned}
    rows = loaded["rows"]

    def first_row(code):
        return next(i + 2 for i, r in enumerate(rows) if r["Cve. Municipio"] == code)

    negative = by_value["Marzo", "-1"]
    line = next(i + 2 for i, r in enumerate(rows) if r["Cve. Municipio"] == CORRECTED[0]
                and r["Subtipo de delito"] == CORRECTED[1] and r["Modalidad"] == CORRECTED[2])
    assert "negative" in negative[0] and negative[1] == line
    assert negative[5:] == ("municipality", "01001")
    unknown = by_value["Cve. Municipio", "6011"]
    assert "no municipality of INEGI's catalogue" in unknown[0]
    assert (unknown[1], unknown[4], unknown[6]) == (first_row("6011"), 98, "06011")
    for code in ("1999", "6901"):  # no single municipality: the state's, warned once each
        w = by_value["Cve. Municipio", code]
        assert w[0] == "rows of no single municipality" and (w[1], w[4]) == (first_row(code), 98)
    # Villa de Pozos is in INEGI's catalogue now: no warning
    assert ("Cve. Municipio", VILLA_DE_POZOS) not in by_value
    (status,), = query(loaded["wh"], "SELECT status FROM ops.raw_files WHERE file_sha256 = ?",
                       [outcome.sha256])
    assert status == "loaded"


def test_state_totals_are_unchanged(loaded):
    assert state_marts(loaded["wh"]) == loaded["before"]


def test_the_reconciliation_shows_every_part_apart(loaded):
    rows = loaded["rows"]
    got = {(s, i): r for s, i, *r in query(loaded["wh"], """
        SELECT state_code, indicator, months, state_total, municipal_total, identified,
               unattributed, unknown, gap, beyond_tolerance
        FROM marts.state_municipal_reconciliation
        WHERE year = 2024 AND municipal_file_sha256 = ?""", [loaded["outcome"].sha256])}
    assert {s for s, _ in got} == set(STATES)
    state_rows = [r for r in read_csv_rows(NM_FILE, "latin-1") if r["Año"] == "2024"]
    for state in STATES:
        mine = [r for r in rows if r["Clave_Ent"].zfill(2) == state]
        months, state_total, municipal, identified, unattributed, unknown, gap, beyond = \
            got[state, "delitos_total"]
        assert months == 11
        assert state_total == total([r for r in state_rows if r["Clave_Ent"].zfill(2) == state])
        assert municipal == total(mine) == state_total and gap == 0 and not beyond
        assert unattributed == total(mine, {"1999", "6901"})
        assert unknown == total(mine, {"6011"})
        assert identified == municipal - unattributed - unknown
    assert got["01", "delitos_total"][4] > 0 and got["06", "delitos_total"][5] > 0
    # the correction moved a count inside the state: its homicides still add up
    homicides = got["01", "homicidio_doloso"]
    assert homicides[2] == homicides[1] and homicides[6] == 0
    (gaps,), = query(loaded["wh"], "SELECT count(*) FROM ops.data_warnings "
                                   "WHERE check_name = 'state_municipal_reconciliation' "
                                   "AND file_sha256 = ?", [loaded["outcome"].sha256])
    assert gaps == 0  # within the tolerance: nothing to warn about


def test_unattributed_rows_are_no_geography_and_in_no_ranking(loaded, monkeypatch):
    wh = loaded["wh"]
    geos = dict(query(wh, "SELECT geo_code, attribution FROM marts.geo "
                          "WHERE geo_level = 'municipality' AND left(geo_code, 2) IN "
                          "('01', '06', '24')"))
    assert "01999" not in geos and "06901" not in geos
    assert geos["06011"] == "unknown" and geos[VILLA_DE_POZOS] == "municipality"
    ranked = {c for (c,) in query(wh, "SELECT DISTINCT geo_code FROM marts.indicator_monthly "
                                      "WHERE geo_level = 'municipality' AND left(geo_code, 2) = "
                                      "'01' AND month = DATE '2024-03-01'")}
    assert ranked == {f"{int(c):05d}" for c, _ in _catalogue("01")}  # the 11, not 01999
    use_paths(monkeypatch, loaded["raw"], wh)
    refused = run_cli("report", "compare", "--indicator", "delitos_total", "--geo", "1999",
                      "--current", "2024-03:2024-03", "--baseline", "2024-02:2024-02")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr


def test_a_new_municipality_has_counts_and_no_rate(loaded, monkeypatch):
    wh, rows = loaded["wh"], loaded["rows"]
    (value, population, rate, name), = query(wh, """
        SELECT m.value, m.population, m.rate_per_100k, g.geo_name
        FROM marts.indicator_monthly AS m JOIN marts.geo AS g USING (geo_level, geo_code)
        WHERE m.geo_level = 'municipality' AND m.geo_code = ? AND m.indicator = 'delitos_total'
          AND m.month = DATE '2024-03-01'""", [VILLA_DE_POZOS])
    assert name == "Villa de Pozos, San Luis Potosí"
    assert value == sum(int(r["Marzo"]) for r in rows if r["Cve. Municipio"] == VILLA_DE_POZOS)
    assert population is None and rate is None  # unknown, never zero
    use_paths(monkeypatch, loaded["raw"], wh)
    rate = run_cli("report", "compare", "--indicator", "delitos_total", "--geo",
                   VILLA_DE_POZOS, "--current", "2024-03:2024-03", "--baseline",
                   "2024-02:2024-02", "--measure", "rate")
    assert rate.returncode == 1 and "no se pueden calcular tasas" in rate.stderr


def test_a_report_names_only_the_warnings_that_touch_it(loaded, monkeypatch):
    use_paths(monkeypatch, loaded["raw"], loaded["wh"])

    def notes(indicator: str, code: str, month: str) -> str:
        result = run_cli("report", "compare", "--indicator", indicator, "--geo", code,
                         "--current", f"2024-{month}:2024-{month}", "--baseline",
                         "2024-01:2024-01", "--format", "csv", "--lang", "en")
        assert result.returncode == 0, result.stderr
        return list(csv.DictReader(result.stdout.splitlines()))[0]["notes"]

    assert "1 warning(s) of the source files touch these figures (is negative" in \
        notes("homicidio_doloso", "01001", "03")
    assert "warning" not in notes("robo_vehiculo", "01001", "03")  # another crime row
    assert "warning" not in notes("homicidio_doloso", "01001", "05")  # other months
    assert "warning" not in notes("homicidio_doloso", "01002", "03")  # another place


def test_a_catalogue_row_attributes_an_unknown_code_without_a_reload(loaded, tmp_path,
                                                                     monkeypatch):
    raw, wh = copy_of(loaded["wh"], tmp_path)
    reference = tmp_path / "reference"
    shutil.copytree(REPO / "schemas" / "reference", reference)
    with open(reference / "municipalities.csv", "a", encoding="utf-8", newline="") as f:
        f.write("06011,06,Nuevo Municipio\n")
    monkeypatch.setattr(warehouse_reference, "REFERENCE_DIR", reference)
    use_paths(monkeypatch, raw, wh)
    prefect_api()
    intake = query(wh, "SELECT file_sha256, loaded_at FROM ops.file_intake ORDER BY 1")
    state = refresh_flow(report=False, return_state=True)
    assert state.is_completed(), state.message
    assert query(wh, "SELECT file_sha256, loaded_at FROM ops.file_intake ORDER BY 1") == intake
    (attribution,), = query(wh, "SELECT attribution FROM marts.geo WHERE geo_code = '06011'")
    assert attribution == "municipality"
    (identified, unknown, municipal), = query(wh, """
        SELECT identified, unknown, municipal_total FROM marts.state_municipal_reconciliation
        WHERE state_code = '06' AND year = 2024 AND indicator = 'delitos_total'""")
    assert unknown == 0 and identified == municipal - total(
        [r for r in loaded["rows"] if r["Clave_Ent"] == "6"], {"6901"})


def test_a_damaged_copy_of_the_same_file_is_rejected_whole(loaded, tmp_path):
    rows = [list(r.values()) for r in loaded["rows"]]
    rows[4_000][HEADER.index("Abril")] = "7x"  # a count that is not a number
    rows[5_000] = list(rows[4_999])  # a key twice: a total would double
    damaged = tmp_path / "IDM_NM_nov24_damaged.csv"
    with open(damaged, "w", encoding="latin-1", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    before = (state_marts(loaded["wh"]),
              query(loaded["wh"], "SELECT count(*) FROM core.crime_municipal_cells"))
    run = ingest_into_copy(loaded["wh"], tmp_path / "copy", [damaged])
    (outcome,) = run["outcomes"][str(damaged)]
    assert outcome.status == "rejected"
    assert "row 4,002, column Abril: '7x' is not a whole number" in outcome.message
    assert "the same key" in outcome.message
    assert (state_marts(run["wh"]),
            query(run["wh"], "SELECT count(*) FROM core.crime_municipal_cells")) == before


def test_a_gap_beyond_the_tolerance_is_warned_and_shown_by_status(state_history, tmp_path,
                                                                   monkeypatch):
    """The shipped Guanajuato slice agrees with the state file to the unit, 2020-2024; a copy
    whose León homicides of May 2024 are raised by 100 (a later revision, say) differs by
    more than the 1% homicide tolerance of schemas/reference/reconciliation_tolerance.csv."""
    rows = read_csv_rows(MUNICIPAL_SLICE, "utf-8")
    header = list(rows[0])
    (i,) = [k for k, r in enumerate(rows) if r["Cve. Municipio"] == "11020"
            and r["Año"] == "2024" and r["Modalidad"] == "Con arma de fuego"
            and r["Subtipo de delito"] == "Homicidio doloso"]
    rows[i]["Mayo"] = str(int(rows[i]["Mayo"]) + 100)
    use_paths(monkeypatch, *copy_of(state_history, tmp_path))
    prefect_api()
    path = tmp_path / "homicidios_gto_2020_2025_revised_nov2025.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    state = ingest_flow([str(path)], return_state=True)
    assert state.is_completed(), state.message
    wh = tmp_path / "warehouse" / "seguridad.duckdb"
    state_2024 = sum(int(r[m]) for r in read_csv_rows(NM_FILE, "latin-1") for m in MONTHS[:11]
                     if r["Año"] == "2024" and r["Clave_Ent"] == "11"
                     and r["Subtipo de delito"] == "Homicidio doloso")
    (gap, beyond), = query(wh, "SELECT gap, beyond_tolerance FROM "
                               "marts.state_municipal_reconciliation WHERE state_code = '11' "
                               "AND year = 2024 AND indicator = 'homicidio_doloso'")
    assert gap == -100 and beyond and state_2024 / 100 < 100
    (message,), = query(wh, "SELECT message FROM ops.data_warnings "
                            "WHERE check_name = 'state_municipal_reconciliation'")
    assert message.startswith(f"Guanajuato, homicidio_doloso, 2024 (11 month(s), cnsp_2015): "
                              f"the state file says {state_2024:,}, the municipal file sums "
                              f"to {state_2024 + 100:,}")
    status = run_cli("status")
    assert "Guanajuato Homicidio doloso 2024" in status.stdout
    assert "diferencia -100" in status.stdout and "AVISO: fuera de la tolerancia" in status.stdout
