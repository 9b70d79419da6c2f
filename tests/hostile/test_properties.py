"""Properties that hold for any input, tried on inputs hypothesis makes up: a wide file and its
long form have the same totals, the order of a file's rows changes nothing, percent changes
and contributions obey their identities, and comparison windows never overlap or skip."""

from __future__ import annotations

import csv
import io
import random
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RNID_2026_FILE
from seguridad.analysis.compare import breakdown
from seguridad.analysis.windows import PRESETS, Window, add_months, preset_windows
from seguridad.config import SQL_DIR

MONTHS = ["Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto",
          "Septiembre", "Octubre", "Noviembre", "Diciembre"]


@pytest.fixture(scope="module")
def macros():
    """An empty database with the warehouse's schemas and macros."""
    con = duckdb.connect()
    con.execute((SQL_DIR / "schema" / "00_schemas.sql").read_text(encoding="utf-8"))
    con.execute((SQL_DIR / "schema" / "01_ops.sql").read_text(encoding="utf-8"))
    con.execute((SQL_DIR / "macros" / "1_values" / "10_values.sql").read_text(encoding="utf-8"))
    yield con
    con.close()


cell = st.one_of(st.none(), st.integers(min_value=0, max_value=10**6))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(2015, 2026), st.lists(cell, min_size=12, max_size=12)),
                min_size=1, max_size=40))
def test_wide_rows_and_their_long_form_have_the_same_totals(macros, rows):
    macros.execute("CREATE OR REPLACE TEMP TABLE wide (row_id INTEGER, year INTEGER, "
                   + ", ".join(f'"{m}" BIGINT' for m in MONTHS) + ")")
    macros.executemany(f"INSERT INTO wide VALUES ({', '.join('?' * 14)})",
                       [[i, y, *cells] for i, (y, cells) in enumerate(rows)])
    long = macros.execute("SELECT row_id, count(*), count(value), coalesce(sum(value), 0), "
                          "min(month), max(month) FROM staging.by_month(wide) "
                          "GROUP BY row_id ORDER BY row_id").fetchall()
    assert long == [(i, 12, sum(c is not None for c in cells), sum(c or 0 for c in cells),
                     date(y, 1, 1), date(y, 12, 1)) for i, (y, cells) in enumerate(rows)]


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 10**7), st.integers(1, 10**7))
def test_percent_change_identity(macros, current, baseline):
    (pct,), = macros.execute("SELECT marts.pct_change(?, ?)", [current, baseline]).fetchall()
    assert baseline + pct * baseline / 100 == pytest.approx(current, rel=1e-9, abs=1e-6)
    (none,), = macros.execute("SELECT marts.pct_change(?, 0)", [current]).fetchall()
    assert none is None  # no percent change from a zero baseline


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**5), st.integers(0, 10**5)), min_size=1,
                max_size=32))
def test_contributions_add_up_to_the_total_change(members):
    rows = [{"geo_level": "state", "geo_code": f"{i:02d}", "geo_name": str(i),
             "short_name": str(i), "current_value": c, "baseline_value": b,
             "abs_change": c - b, "pct_change": None, "current_rate": None,
             "baseline_rate": None, "rate_abs_change": None, "rate_pct_change": None}
            for i, (c, b) in enumerate(members, start=1)]
    base, cur = sum(b for _, b in members), sum(c for c, _ in members)
    parent = {"baseline_value": base, "current_value": cur}
    ranked = breakdown(rows, parent, per_100k=False, low_count=10)
    if base == 0:
        assert all(m["contribution_pp"] is None for m in ranked)
        return
    total_pct = (cur - base) * 100 / base
    assert sum(m["contribution_pp"] for m in ranked) == pytest.approx(total_pct, abs=1e-6)
    changes = [m["abs_change"] for m in ranked]
    assert changes == sorted(changes)  # ranked from the largest fall


months = st.builds(date, st.integers(1998, 2030), st.integers(1, 12), st.just(1))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PRESETS), months, months)
def test_preset_windows_never_overlap_or_skip(preset, end, since):
    if preset == "since" and since > end:
        return
    current, baseline = preset_windows(preset, end, since if preset == "since" else None)
    assert current.end == end and current.months == baseline.months
    assert baseline.end < current.start  # never overlapping
    months_between = (current.start.year - baseline.end.year) * 12 + \
        current.start.month - baseline.end.month
    if preset in ("mom", "r12", "since"):
        assert add_months(baseline.end, 1) == current.start  # right before: nothing skipped
    else:  # yoy, ytd: the same months a year before
        assert months_between == 13 - current.months or preset == "ytd"
        assert add_months(current.start, -12) == baseline.start
    assert len(set(current.month_list()) | set(baseline.month_list())) == 2 * current.months


@settings(max_examples=100, deadline=None)
@given(st.builds(date, st.integers(1900, 2040), st.integers(1, 12), st.just(1)),
       st.integers(0, 600))
def test_windows_parse_what_they_print(start, length):
    w = Window(start, add_months(start, length))
    assert Window.parse(str(w)) == w and w.months == length + 1


def _shuffled(seed: int, folder: Path) -> Path:
    text = RNID_2026_FILE.read_bytes().decode("latin-1")
    reader = list(csv.reader(io.StringIO(text)))
    header, rows = reader[0], reader[1:]
    random.Random(seed).shuffle(rows)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path = folder / f"shuffled_{seed}.csv"
    path.write_bytes(buf.getvalue().encode("latin-1"))
    return path


@settings(max_examples=3, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 2**32 - 1))
def test_the_order_of_the_rows_changes_nothing(tmp_path_factory, seed):
    from seguridad import config
    from seguridad.intake import ingest
    from seguridad.warehouse import build as warehouse

    root = tmp_path_factory.mktemp("shuffle")
    settings_ = config.Settings(raw_dir=root / "raw", warehouse_path=root / "w.duckdb",
                                population_vintage="conapo_2023")
    con = duckdb.connect()
    warehouse.setup(con, settings_)
    facts = []
    for path in (RNID_2026_FILE, _shuffled(seed, root)):
        outcome = ingest.ingest_file(con, path, path.name, settings_, "run")
        assert outcome.status == "loaded", outcome.message
        facts.append(con.execute("SELECT state_code, crime_id, month, value FROM "
                                 "core.crime_state_monthly WHERE file_sha256 = ? ORDER BY ALL",
                                 [outcome.sha256]).fetchall())
    assert facts[0] == facts[1] and len(facts[0]) == 3_648 * 12
    con.close()
