"""Municipal figures stored a row (a year of twelve months) per version: twelve monthly cuts
of a municipal file, each revising some past cells, give the marts and marts.revisions that
loading each cut alone and diffing gives (computed here from the files), whatever the order
they arrive in; storage grows with what the cuts change, not with the cuts; a backfill
changes nothing that was right."""

from __future__ import annotations

import csv
import random
import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import NM_FILE, query, read_csv_rows, use_paths
from flows.ingest import ingest_flow

MONTHS = ["Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto",
          "Septiembre", "Octubre", "Noviembre", "Diciembre"]
HEADER = ["Año", "Clave_Ent", "Entidad", "Cve. Municipio", "Municipio",
          "Bien jurídico afectado", "Tipo de delito", "Subtipo de delito", "Modalidad", *MONTHS]
STATE = ("6", "Colima")
COLIMA = [("6001", "Armería"), ("6002", "Colima"), ("6003", "Comala"), ("6004", "Coquimatlán"),
          ("6005", "Cuauhtémoc"), ("6006", "Ixtlahuacán"), ("6007", "Manzanillo"),
          ("6008", "Minatitlán"), ("6009", "Tecomán"), ("6010", "Villa de Álvarez")]
YEAR = 2025
CUTS = 12
# Written from the indicators' definitions, not read from the crosswalk.
INDICATORS = {"delitos_total": lambda crime: True,
              "homicidio_doloso": lambda crime: crime[2] == "Homicidio doloso"}


def catalogue() -> list[tuple[str, str, str, str]]:
    seen: dict = {}
    for r in read_csv_rows(NM_FILE, "latin-1"):
        seen.setdefault((r["Bien jurídico afectado"], r["Tipo de delito"],
                         r["Subtipo de delito"], r["Modalidad"]), None)
    return list(seen)


def cut_values(crimes) -> list[dict]:
    """values[k][(municipality, crime, month)] for cuts k = 1..12: cut k publishes January to
    month k; each cut revises ~2% of the cells the cut before it published."""
    rng = random.Random(11)
    current: dict = {}
    out = []
    for k in range(1, CUTS + 1):
        current = dict(current)
        for key in list(current):
            if rng.random() < 0.02:
                current[key] = max(0, current[key] + rng.choice([-1, 1, 2]))
        for code, _ in COLIMA:
            for crime in crimes:
                current[(code, crime, k)] = rng.randint(0, 6)
        out.append(current)
    return out


def write_cut(folder: Path, k: int, values: dict, crimes) -> Path:
    path = folder / f"Municipal-Delitos - {MONTHS[k - 1]} {YEAR} ({YEAR}-{YEAR}).csv"
    with open(path, "w", encoding="latin-1", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HEADER)
        for code, name in COLIMA:
            for crime in crimes:
                cells = [str(values[(code, crime, m)]) if m <= k else "" for m in range(1, 13)]
                w.writerow([YEAR, *STATE, code, name, *crime, *cells])
    return path


def indicator(values: dict, code: str, name: str, month: int, crimes) -> int:
    keep = INDICATORS[name]
    return sum(values[(code, c, month)] for c in crimes if keep(c))


@pytest.fixture(scope="module")
def cuts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cuts")
    crimes = catalogue()
    values = cut_values(crimes)
    paths = [write_cut(folder, k, values[k - 1], crimes) for k in range(1, CUTS + 1)]
    return {"paths": paths, "values": values, "crimes": crimes}


def load(root: Path, paths: list[Path]) -> Path:
    wh = root / "warehouse" / "seguridad.duckdb"
    mp = pytest.MonkeyPatch()
    use_paths(mp, root / "raw", wh)
    try:
        state = ingest_flow([str(p) for p in paths], return_state=True)
        assert state.is_completed(), state.message
    finally:
        mp.undo()
    return wh


@pytest.fixture(scope="module")
def in_order(cuts, tmp_path_factory):
    return load(tmp_path_factory.mktemp("in_order"), cuts["paths"])


@pytest.fixture(scope="module")
def shuffled(cuts, tmp_path_factory):
    order = list(cuts["paths"])
    random.Random(5).shuffle(order)
    assert order != cuts["paths"]
    return load(tmp_path_factory.mktemp("shuffled"), order)


def expected_marts(cuts) -> set[tuple]:
    newest = cuts["values"][-1]
    return {(f"{int(code):05d}", ind, date(YEAR, m, 1), indicator(newest, code, ind, m,
                                                                  cuts["crimes"]))
            for code, _ in COLIMA for ind in INDICATORS for m in range(1, 13)}


def expected_revisions(cuts) -> set[tuple]:
    """Each consecutive pair of cuts, diffed: what loading each cut alone would show."""
    out = set()
    for k in range(2, CUTS + 1):
        before, after = cuts["values"][k - 2], cuts["values"][k - 1]
        for code, _ in COLIMA:
            for ind in INDICATORS:
                for m in range(1, k):
                    old = indicator(before, code, ind, m, cuts["crimes"])
                    new = indicator(after, code, ind, m, cuts["crimes"])
                    if old != new:
                        out.add((f"{int(code):05d}", ind, date(YEAR, m, 1),
                                 date(YEAR, k - 1, 1), date(YEAR, k, 1), old, new))
    return out


def marts(wh: Path) -> set[tuple]:
    return set(query(wh, "SELECT geo_code, indicator, month, value FROM marts.indicator_monthly "
                         "WHERE geo_level = 'municipality' AND indicator IN "
                         "('delitos_total', 'homicidio_doloso')"))


def revisions(wh: Path) -> set[tuple]:
    return set(query(wh, "SELECT geo_code, indicator, month, previous_cut, revised_cut, "
                         "old_value, new_value FROM marts.revisions WHERE geo_level = "
                         "'municipality' AND indicator IN ('delitos_total', 'homicidio_doloso')"))


def test_the_marts_are_the_newest_cut(cuts, in_order):
    assert marts(in_order) == expected_marts(cuts)
    assert query(in_order, "SELECT DISTINCT cut_date FROM marts.indicator_monthly "
                           "WHERE geo_level = 'municipality'") == [(date(YEAR, CUTS, 1),)]


def test_revisions_are_the_diffs_of_consecutive_cuts(cuts, in_order):
    expected = expected_revisions(cuts)
    assert expected and revisions(in_order) == expected


def test_any_arrival_order_gives_the_same(cuts, shuffled):
    assert marts(shuffled) == expected_marts(cuts)
    assert revisions(shuffled) == expected_revisions(cuts)


def test_storage_grows_with_what_the_cuts_change(cuts, in_order):
    """One row per value a cut published that the cut before it did not: the first cut's
    cells, then each cut's new month and its revisions."""
    values = cuts["values"]
    changes = len(values[0])
    for before, after in zip(values, values[1:], strict=False):
        changes += sum(1 for key, v in after.items() if before.get(key) != v)
    (stored,), = query(in_order, "SELECT count(*) FROM core.crime_municipal_cells")
    assert stored == changes
    every_cut_whole = sum(len(v) for v in values)
    assert stored < every_cut_whole / 5  # twelve cuts kept whole would be ~6.5x the newest


def test_a_row_is_stored_again_only_when_a_cut_revises_it(cuts, in_order):
    """Stored at the grain the file publishes (a municipality x crime row x year with its
    twelve months): the first cut's rows, then one more version of each row a later cut
    revises (a month both publish, another value); a cut's new month adds no row."""
    values = cuts["values"]
    versions = len({(code, crime) for code, crime, _ in values[0]})
    for before, after in zip(values, values[1:], strict=False):
        versions += len({(code, crime) for (code, crime, month), v in after.items()
                         if (code, crime, month) in before and before[(code, crime, month)] != v})
    assert query(in_order, "SELECT count(*), count(*) FILTER (WHERE is_newest) "
                           "FROM core.crime_municipal_rows") == [
        (versions, len({(code, crime) for code, crime, _ in values[-1]}))]


def cut_as_stored(wh: Path, k: int) -> dict:
    """Cut k as core.crime_municipal_monthly rebuilds it from the stored versions."""
    ids = dict(query(wh, "SELECT crime_id, bien_juridico || '|' || tipo || '|' || subtipo "
                         "|| '|' || modalidad FROM core.crime_catalogue "
                         "WHERE series = 'cnsp_2015'"))
    rows = query(wh, """
        SELECT m.municipality_code, m.crime_id, m.month, m.value
        FROM core.crime_municipal_monthly AS m JOIN ops.raw_files AS rf USING (file_sha256)
        WHERE rf.cut_date = ? AND rf.dataset = 'crime_municipal'""", [date(YEAR, k, 1)])
    return {(code, tuple(ids[crime_id].split("|")), month.month): value
            for code, crime_id, month, value in rows}


@pytest.mark.parametrize("order", ["in_order", "shuffled"])
def test_what_each_cut_said_is_kept(cuts, order, request):
    """Every cut, rebuilt from the values stored once, is the file that was loaded: each
    municipality x crime row x published month with the value that cut gave."""
    wh = request.getfixturevalue(order)
    for k in range(1, CUTS + 1):
        expected = {(f"{int(code):05d}", crime, month): value
                    for (code, crime, month), value in cuts["values"][k - 1].items()}
        assert cut_as_stored(wh, k) == expected, f"cut {k}"


def test_a_backfill_changes_nothing_that_was_right(cuts, in_order, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(in_order.parent.parent, root)
    wh = root / "warehouse" / "seguridad.duckdb"
    before_marts, before_revisions = marts(wh), revisions(wh)
    (cells,), = query(wh, "SELECT count(*) FROM core.crime_municipal_cells")
    from flows.backfill import backfill_flow

    mp = pytest.MonkeyPatch()
    use_paths(mp, root / "raw", wh)
    try:
        state = backfill_flow(from_month="2025-03", to_month="2025-07", return_state=True)
        assert state.is_completed(), state.message
    finally:
        mp.undo()
    assert marts(wh) == before_marts and revisions(wh) == before_revisions
    assert query(wh, "SELECT count(*) FROM core.crime_municipal_cells") == [(cells,)]


def test_as_of_a_date_uses_the_cut_published_by_then(cuts, in_order, monkeypatch):
    """Cut k (month k) comes out on the 20th of month k + 1: on 25 April the newest public cut
    was March's, and its figures are the ones compared, revised since or not."""
    import csv as csv_module
    import io

    from conftest import run_cli

    use_paths(monkeypatch, in_order.parent.parent / "raw", in_order)
    args = ["report", "compare", "--indicator", "delitos_total", "--geo", "06002", "--current",
            "2025-02:2025-03", "--baseline", "2025-01:2025-02", "--format", "csv"]
    for as_of, k in (("2025-04-25", 3), ("2025-04-19", 2), ("2026-01-25", 12)):
        if k < 3:  # March was not public yet: the windows are not covered
            result = run_cli(*args, "--as-of", as_of)
            assert result.returncode == 1 and "marzo de 2025 aún no se había publicado" \
                in result.stderr, result.stderr
            continue
        result = run_cli(*args, "--as-of", as_of)
        assert result.returncode == 0, result.stderr
        (row,) = [r for r in csv_module.DictReader(io.StringIO(result.stdout))
                  if r["role"] == "total"]
        values = cuts["values"][k - 1]
        expected = [sum(indicator(values, "6002", "delitos_total", m, cuts["crimes"])
                        for m in months) for months in ((2, 3), (1, 2))]
        assert [int(row["current_value"]), int(row["baseline_value"])] == expected
        assert row["cut_date"] == f"2025-{k:02d}"
