"""Change reports: presets checked against the raw rows, breakdowns whose contributions add
up, guards that say how to fix a refused comparison, and a self-contained HTML page looked
at in a real (headless) browser."""

from __future__ import annotations

import csv
import io
import json
import re

import duckdb
import pytest

from conftest import MONTHS, NM_FILE, OLD_FILE, REPO, SHIPPED_RAW, read_csv_rows, run_cli

SCREENSHOTS = REPO / "test-output"


@pytest.fixture(scope="module")
def nm_rows():
    return read_csv_rows(NM_FILE, "latin-1")


def month_total(rows, subtype, state, year, month):
    return sum(int(r[MONTHS[month - 1]]) for r in rows
               if r["Año"] == str(year) and r["Subtipo de delito"] == subtype
               and (state is None or r["Clave_Ent"] == state))


def window_total(rows, subtype, state, months):
    return sum(month_total(rows, subtype, state, y, m) for y, m in months)


def span(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    out, (y, m) = [], first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


PRESETS = {  # preset -> (current months, baseline months), ending at November 2024
    "mom": (span((2024, 11), (2024, 11)), span((2024, 10), (2024, 10))),
    "yoy": (span((2024, 11), (2024, 11)), span((2023, 11), (2023, 11))),
    "ytd": (span((2024, 1), (2024, 11)), span((2023, 1), (2023, 11))),
    "r12": (span((2023, 12), (2024, 11)), span((2022, 12), (2023, 11))),
}


def csv_rows(result) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("subtype,indicator,state", [
    ("Homicidio doloso", "homicidio_doloso", "19"),
    ("Feminicidio", "feminicidio", "15"),
    ("Homicidio doloso", "homicidio_doloso", None),
])
def test_presets_agree_with_the_raw_rows(published, nm_rows, preset, subtype, indicator, state):
    geo = "national" if state is None else state
    (row,) = csv_rows(run_cli("report", "compare", "--indicator", indicator, "--geo", geo,
                              "--preset", preset, "--end", "2024-11", "--format", "csv"))
    current, baseline = PRESETS[preset]
    assert int(row["current_value"]) == window_total(nm_rows, subtype, state, current)
    assert int(row["baseline_value"]) == window_total(nm_rows, subtype, state, baseline)
    assert (row["current_start"], row["current_end"]) == (
        f"{current[0][0]}-{current[0][1]:02d}", "2024-11")


def test_a_preset_ends_by_default_at_the_newest_month_it_can_compare(published):
    (mom,) = csv_rows(run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo",
                              "national", "--preset", "mom", "--format", "csv"))
    assert (mom["series"], mom["current_end"]) == ("rnid_2026", "2026-03")  # 2026 catalogue
    (r12,) = csv_rows(run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo",
                              "national", "--preset", "r12", "--format", "csv"))
    assert (r12["series"], r12["current_end"]) == ("cnsp_2015", "2024-11")  # 12+12 months


def test_since_an_administration_took_office(published):
    rows = read_csv_rows(OLD_FILE, "cp1252")
    border = {"2", "26", "8", "5", "19", "28"}
    months = ["ENERO", "FEBRERO", "MARZO", "ABRIL", "MAYO", "JUNIO", "JULIO", "AGOSTO",
              "SEPTIEMBRE", "OCTUBRE", "NOVIEMBRE", "DICIEMBRE"]

    def total(first, last):
        return sum(int(r[months[m - 1]]) for r in rows for y, m in span(first, last)
                   if r["AÑO"] == str(y) and r["INEGI"] in border
                   and r["MODALIDAD"] == "HOMICIDIOS" and r["TIPO"] == "DOLOSOS")

    out = csv_rows(run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo",
                           "frontera_norte", "--preset", "since", "--since", "2012-12",
                           "--end", "2015-11", "--by", "member", "--format", "csv"))
    total_row, members = out[0], out[1:]
    assert int(total_row["current_value"]) == total((2012, 12), (2015, 11))
    assert int(total_row["baseline_value"]) == total((2009, 12), (2012, 11))
    # The border states moved in opposite directions; the report shows each of them.
    assert len(members) == 6
    assert {m["geo_name"] for m in members if float(m["pct_change"]) > 0} >= {"Sonora"}
    assert any(float(m["pct_change"]) < -50 for m in members)
    assert sum(float(m["contribution_pp"]) for m in members) == \
        pytest.approx(float(total_row["pct_change"]), abs=0.01)


@pytest.mark.parametrize("indicator", ["homicidio_doloso", "robo_con_violencia", "secuestro"])
def test_state_contributions_add_up_to_the_national_change(published, indicator):
    out = csv_rows(run_cli("report", "compare", "--indicator", indicator, "--geo", "national",
                           "--preset", "r12", "--by", "state", "--format", "csv"))
    total, states = out[0], out[1:]
    assert len(states) == 32
    assert sum(int(s["current_value"]) for s in states) == int(total["current_value"])
    assert sum(float(s["contribution_pp"]) for s in states) == \
        pytest.approx(float(total["pct_change"]), abs=0.01)
    changes = [int(s["abs_change"]) for s in states]
    assert changes == sorted(changes)  # ranked from the largest fall to the largest rise


def test_marts_standard_changes_is_the_same_engine(published, nm_rows):
    con = duckdb.connect(str(published), read_only=True)
    rows = con.execute("""
        SELECT preset, current_value, baseline_value, contribution_pp FROM
        marts.standard_changes WHERE series = 'cnsp_2015' AND indicator = 'homicidio_doloso'
          AND geo_code = '19' ORDER BY preset""").fetchall()
    con.close()
    for preset, current, baseline, contribution in rows:
        cur_months, base_months = PRESETS[preset]
        assert current == window_total(nm_rows, "Homicidio doloso", "19", cur_months)
        assert baseline == window_total(nm_rows, "Homicidio doloso", "19", base_months)
        national = window_total(nm_rows, "Homicidio doloso", None, base_months)
        assert contribution == pytest.approx((current - baseline) * 100 / national)
    assert [r[0] for r in rows] == ["mom", "r12", "yoy", "ytd"]


@pytest.mark.parametrize("args,words", [
    (["--preset", "r12", "--end", "2024-12"],
     ["sin publicar: 2024-12", "publica hasta 2024-11", "--end 2024-11",
      "Ninguna serie del almacén publica 2024-12"]),
    (["--preset", "since", "--since", "1997-06", "--end", "1998-01"],
     ["Ninguna serie del almacén publica 1996-10..1996-12",
      "Metodología anterior (CIEISP) empieza en 1997-01"]),
    (["--current", "2026-01:2026-02", "--baseline", "2024-10:2024-11"],
     ["lo publica la serie catálogo 2026 (RNID) y el periodo base, la serie metodología 2015",
      "--allow-break"]),
    (["--preset", "since"], ["necesita --since"]),
    (["--preset", "yoy", "--end", "2024-11", "--measure", "victims", "--sex", "X"],
     ["--sex desconocido 'X'", "'Mujer'"]),
    (["--preset", "yoy", "--end", "2024-11", "--geo", "Nowhere"], ["lugar desconocido"]),
    (["--preset", "r12", "--current", "2016-01:2016-12"], ["no ambos"]),
    (["--preset", "r12", "--by", "state", "--geo", "09"], ["úselo con el país o con un grupo"]),
])
def test_refusals_say_why_and_how_to_proceed(published, args, words):
    geo = [] if "--geo" in args else ["--geo", "national"]
    result = run_cli("report", "compare", "--indicator", "homicidio_doloso", *geo, *args)
    assert result.returncode == 1
    for w in words:
        assert w in result.stderr, result.stderr


def test_english_and_spanish(published):
    """The statement's homicide figure (2012 and 2015, January-November, the old catalogue:
    the only one that covers 2012), worded in each language with the raw file's sums."""
    old = read_csv_rows(OLD_FILE, "cp1252")
    months = [m.upper() for m in MONTHS[:11]]

    def homicides(year):
        return sum(int(r[m]) for r in old for m in months if r["AÑO"] == str(year)
                   and r["MODALIDAD"] == "HOMICIDIOS" and r["TIPO"] == "DOLOSOS")

    base, cur = homicides(2012), homicides(2015)
    pct = (cur - base) * 100 / base
    assert pct < 0
    args = ["report", "compare", "--indicator", "homicidio_doloso", "--geo", "national",
            "--current", "2015-01:2015-11", "--baseline", "2012-01:2012-11"]
    es = run_cli(*args).stdout
    en = run_cli(*args, "--lang", "en").stdout
    assert es.startswith(f"Homicidio doloso bajó {-pct:.1f}% a nivel nacional entre "
                         "enero-noviembre de 2012 y enero-noviembre de 2015 "
                         f"({base:,} → {cur:,} carpetas de investigación).")
    assert en.startswith(f"Intentional homicide fell {-pct:.1f}% nationally ")
    assert "between January-November 2012 and January-November 2015" in en.splitlines()[0]
    data = json.loads(run_cli(*args, "--format", "json", "--lang", "en").stdout)
    assert data["pct_change"] == round(pct, 2) and data["headline"] in en


def test_html_report_is_self_contained(published, tmp_path):
    out = tmp_path / "report.html"
    result = run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo",
                     "national", "--current", "2015-01:2015-11", "--baseline",
                     "2012-01:2012-11", "--by", "state", "--format", "html", "--output",
                     str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.count("<polyline class='series'") == 1
    assert page.count("class='bar'") == 32
    assert "9dad5890c055561f0b248475164f278b22aea6ec7f9c3fb92328377eeaa680a9" in page
    # Nothing to fetch: no scripts, style sheets, fonts or images from anywhere.
    links = re.findall(r"""(?:src|href)\s*=\s*['"]([^'"]+)""", page)
    assert links == []
    assert not re.search(r"<script|@import|url\(|<link", page, re.I)


@pytest.mark.slow  # a browser
@pytest.mark.skipif(not __import__("browser").CHROMIUM,
                    reason="Chromium is not installed here (.ci/run installs Debian's "
                           "chromium); the page was still checked as text above")
def test_html_report_renders_in_headless_chromium(published, tmp_path):
    from browser import inspect_page

    out = tmp_path / "report.html"
    run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo", "frontera_norte",
            "--preset", "since", "--since", "2012-12", "--end", "2015-11", "--by", "member",
            "--format", "html", "--output", str(out))
    screenshot = SCREENSHOTS / "report_frontera_norte.png"
    seen = inspect_page(out, screenshot)
    assert all(u.startswith(("file:", "data:")) for u in seen["requests"]), seen["requests"]
    charts = seen["charts"]
    assert charts["lines"] and all(w > 300 for w in charts["lines"])  # drawn, across the page
    assert charts["windows"] == 2
    assert len(charts["bars"]) == 6 and all(h > 5 for h in charts["bars"])
    assert screenshot.stat().st_size > 20_000
    print(f"screenshot: {screenshot}")


def test_the_nightly_report_set(shipped_warehouse):
    (folder,) = (shipped_warehouse.parent / "reports").iterdir()
    names = {p.name for p in folder.iterdir()}
    assert {"cambios.md", "cambios.csv", "index.html", "homicidio_doloso.html"} <= names
    with open(folder / "cambios.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["preset"] for r in rows} == {"mom", "yoy", "ytd", "r12"}
    # every series still current: the 2015 methodology, and the 2026 catalogue's months
    assert {r["series"] for r in rows} == {"cnsp_2015", "rnid_2026"}
    assert {r["series"] for r in rows if r["preset"] == "r12"} == {"cnsp_2015"}
    page = (folder / "homicidio_doloso.html").read_text(encoding="utf-8")
    assert page.count("class='bar'") == 32


def test_sql_for_a_quick_look(published):
    result = run_cli("sql", "SELECT geo_code, value FROM marts.indicator_monthly WHERE "
                            "indicator = 'homicidio_doloso' AND series = 'cnsp_2015' AND "
                            "geo_level = 'national' AND month = DATE '2024-11-01'",
                     "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    nm = read_csv_rows(NM_FILE, "latin-1")
    assert rows == [{"geo_code": "00",
                     "value": str(month_total(nm, "Homicidio doloso", None, 2024, 11))}]
    table = run_cli("sql", "SELECT 2015 AS year, 'Sonora' AS entidad, 1234567 AS total").stdout
    assert table.splitlines()[2].split() == ["2015", "Sonora", "1234567"]  # no 2,015


def test_data_dictionary_in_the_repository_is_current(published, tmp_path):
    out = tmp_path / "dictionary.md"
    result = run_cli("dictionary", "--output", str(out))
    assert result.returncode == 0, result.stderr
    committed = (REPO / "warehouse" / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == committed, \
        "regenerate it: seguridad dictionary --output warehouse/DATA_DICTIONARY.md"
    assert "## marts.indicator_monthly" in committed and "rate_per_100k" in committed


def test_the_nightly_report_checks_the_claims_and_reads_as_words(shipped_warehouse):
    (folder,) = (shipped_warehouse.parent / "reports").iterdir()
    data = json.loads((folder / "claims" / "cnsp_2015-12-18.json").read_text(encoding="utf-8"))
    verdicts = {c["id"]: c["verdict"] for c in data["claims"]}
    assert verdicts["frontera_norte"] == "reproduced"
    assert {"cnsp_2015-12-18.md", "cnsp_2015-12-18.html"} <= {
        p.name for p in (folder / "claims").iterdir()}
    index = (folder / "index.html").read_text(encoding="utf-8")
    # one small chart per indicator of the newest series, the fact checks, words not keys
    assert index.count("class='chart line-chart'") == len(
        [p for p in folder.glob("*.html") if p.name != "index.html"])
    assert "metodología 2015 (CNSP/38/15), corte de noviembre de 2024" in index
    visible = re.sub(r"<[^>]+>", " ", index)  # what a reader sees, not data attributes
    assert "cnsp_2015" not in visible.replace("cnsp_2015-12-18", "")
    assert "a nivel nacional" in index and "en Nacional" not in index
    assert index.count("class='badge verdict-") == len(verdicts)
    assert "claims/cnsp_2015-12-18.html" in index
    assert "Verificación de declaraciones" in (folder / "cambios.md").read_text(
        encoding="utf-8")


def test_a_verdict_that_changed_overnight_is_said(shipped_warehouse, tmp_path):
    """Yesterday's report said otherwise: tonight's says what changed and since when."""
    from seguridad import nightly

    (folder,) = (shipped_warehouse.parent / "reports").iterdir()
    yesterday = tmp_path / "reports" / "2000-01-01" / "claims"
    yesterday.mkdir(parents=True)
    old = json.loads((folder / "claims" / "cnsp_2015-12-18.json").read_text(encoding="utf-8"))
    for c in old["claims"]:
        if c["id"] == "secuestro":
            c["verdict"] = "reproduced"
    (yesterday / "cnsp_2015-12-18.json").write_text(json.dumps(old), encoding="utf-8")
    (tmp_path / "reports" / "1999-12-31" / "claims").mkdir(parents=True)
    (tmp_path / "reports" / "1999-12-31" / "claims" / "cnsp_2015-12-18.json").write_text(
        "{damaged", encoding="utf-8")
    con = duckdb.connect(str(shipped_warehouse), read_only=True)
    try:
        report = nightly.write_all(con, tmp_path / "reports" / "2000-01-02", REPO / "claims")
    finally:
        con.close()
    (entry,) = report["claims"]
    assert entry["changes"] == [{"id": "secuestro", "before": "reproduced",
                                 "after": "reproduced_as_rate", "since": "2000-01-01"}]
    index = (tmp_path / "reports" / "2000-01-02" / "index.html").read_text(encoding="utf-8")
    assert "cambió" in index


def test_the_quick_start_refresh_says_what_it_did(shipped_warehouse):
    """`seguridad refresh`, the installed command the Quick start runs (the shipped warehouse
    of these tests is built by it): every shipped data file loaded, a line each, then where
    the warehouse and the report are."""
    out = (shipped_warehouse.parent.parent / "refresh.out").read_text(encoding="utf-8")
    shipped = [p for p in SHIPPED_RAW.rglob("*") if p.is_file() and p.name != "README.md"
               and p.relative_to(SHIPPED_RAW).parts[0] != "geo"]  # boundaries: not data
    loaded = [line for line in out.splitlines() if line.startswith("cargado ")]
    assert {line.split()[1].split("/")[-1].rstrip(":") for line in loaded} == {
        p.name for p in shipped}
    assert f"{len(shipped)} cargados." in out
    assert f"almacén: {shipped_warehouse}" in out and "cambios.md" in out
