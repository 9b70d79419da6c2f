"""Issue 23b, the reports as a reader meets them: the front page leads with the newest months
(the 2026 catalogue on a warehouse that holds it), Spanish outputs carry no English word or
internal key (and English ones no Spanish word), charts read at round values with a legend
and low counts flagged, maps and per-capita rankings whose figures come from the raw files,
spreadsheet CSV and datapackage.json. Golden figures are computed here from the raw bytes."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path

import duckdb
import pytest

from conftest import (
    MUNICIPAL_SLICE,
    NM_FILE,
    REPO,
    RNID_2026_FILE,
    read_csv_rows,
    run_cli,
)

MONTHS = ["Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto",
          "Septiembre", "Octubre", "Noviembre", "Diciembre"]
REFERENCE = REPO / "schemas" / "reference"


@pytest.fixture(scope="module")
def rnid_rows():
    return read_csv_rows(RNID_2026_FILE, "latin-1")


@pytest.fixture(scope="module")
def nm_rows():
    return read_csv_rows(NM_FILE, "latin-1")


@pytest.fixture(scope="module")
def report_folder(shipped_warehouse) -> Path:
    (folder,) = (shipped_warehouse.parent / "reports").iterdir()
    return folder


def homicides(rows, year: int, month: int, state: str | None = None) -> int:
    """Consummated intentional homicides, as the crosswalk defines them for both catalogues
    (the 2026 attempt subtype 'Tentativa de homicidio doloso' apart)."""
    return sum(int(r[MONTHS[month - 1]] or 0) for r in rows
               if r["Año"] == str(year) and r["Subtipo de delito"] == "Homicidio doloso"
               and (state is None or r["Clave_Ent"].zfill(2) == state))


def low_threshold() -> int:
    with open(REFERENCE / "report_thresholds.csv", encoding="utf-8", newline="") as f:
        return next(int(r["value"]) for r in csv.DictReader(f) if r["setting"] == "low_count")


def visible(page: str) -> str:
    """What a reader sees of a page: the text, without tags, attributes or style."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


# --- 1. the front page leads with the newest data -----------------------------------------

def test_the_front_page_leads_with_the_newest_months_of_each_series(report_folder, rnid_rows,
                                                                    nm_rows):
    index = (report_folder / "index.html").read_text(encoding="utf-8")
    seen = visible(index)
    assert "Incidencia delictiva: datos hasta marzo de 2026" in seen
    assert "corte de noviembre de 2024" in seen and "corte de marzo de 2026" in seen
    newest = seen.index("Lo más reciente: enero-marzo de 2026")
    assert newest < seen.index("Últimos 12 meses")  # the newest months come first
    # January, February and March 2026, nationally, as the 2026 file gives them
    for month in (1, 2, 3):
        assert f"{homicides(rnid_rows, 2026, month):,}" in seen[newest:]
    # the 2026 catalogue against the old one, where series_breaks.csv allows it
    with open(REFERENCE / "series_breaks.csv", encoding="utf-8", newline="") as f:
        breaks = {r["indicator"]: r for r in csv.DictReader(f)
                  if (r["from_series"], r["to_series"]) == ("cnsp_2015", "rnid_2026")}
    assert breaks["delitos_total"]["comparability"] == "not_comparable"
    assert f"no comparable: {breaks['delitos_total']['note_es']}" in seen
    assert breaks["homicidio_doloso"]["comparability"] == "comparable"
    before = sum(homicides(nm_rows, 2024, m) for m in (1, 2, 3))
    after = sum(homicides(rnid_rows, 2026, m) for m in (1, 2, 3))
    assert (f"{(after - before) * 100 / before:+.1f}% frente a enero-marzo de 2024 "
            f"({before:,} → {after:,}); comparable") in seen
    assert "parcialmente comparable" in seen  # secuestro, extorsión: said, not hidden
    assert index.count("class='chart map'") == 1
    # every number traceable: the 2026 file is among the sources the page lists
    sources = seen[seen.rindex("Fuentes"):]
    assert __import__("hashlib").sha256(RNID_2026_FILE.read_bytes()).hexdigest() in sources


def test_cambios_csv_carries_the_2026_months(report_folder, rnid_rows):
    with open(report_folder / "cambios.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    march = next(r for r in rows if r["series"] == "rnid_2026" and r["preset"] == "mom"
                 and r["indicator"] == "homicidio_doloso" and r["geo_code"] == "00")
    assert (march["current_start"], march["baseline_start"]) == ("2026-03-01", "2026-02-01")
    assert int(march["current_value"]) == homicides(rnid_rows, 2026, 3)
    assert int(march["baseline_value"]) == homicides(rnid_rows, 2026, 2)
    md = (report_folder / "cambios.md").read_text(encoding="utf-8")
    assert md.index("## Catálogo 2026 (RNID)") < md.index("## Metodología 2015 (CNSP/38/15)")


# --- 2. one language at a time, no internal names -----------------------------------------

KEYS = re.compile(r"\b(cnsp_2015|rnid_2026|cieisp_1997|conapo_2023|conapo_2010|"
                  r"conapo_municipal|homicidio_doloso|approved_pesos|exercised_pesos|"
                  r"amount_mxn|marts\.\w+|core\.\w+|ops\.\w+|\w+_\w+_\w+)\b")
ENGLISH = re.compile(r"\b(series|source|cut|note|population|national|approved|exercised|"
                     r"year|amount|basis|rate|between|fell|rose|methodology|change|window|"
                     r"current|baseline|files|see|interpolated|comparable with|n/a)\b", re.I)
SPANISH = re.compile(r"\b(fuente|corte|serie|nota|población|entre|bajó|subió|carpetas|"
                     r"periodo|tasa|millones|aprobado|ejercido|año|metodología|nacional|"
                     r"cifra|frente|meses|s/d|véase)\b", re.I)
# Words both languages write the same way, or names (files, hashes, proper nouns).
NOT_WORDS = re.compile(r"raw/\S+|[0-9a-f]{64}|\S+\.(csv|xls|xlsx|md|html|json|svg|png)\b|"
                       r"Cuenta Pública|CONAPO|SESNSP|INEGI|INPC|SHCP|CNSP/38/15|RNID|CIEISP|"
                       r"Cuna de la Independencia Nacional|"
                       r"Marco Geoestadístico|seguridad status|--\w[\w-]*")


def words_of(text: str) -> str:
    return NOT_WORDS.sub(" ", text)


def outputs(lang: str, tmp_path: Path) -> dict[str, str]:
    """Every report a reader reads, in one language."""
    compare = ["report", "compare", "--indicator", "homicidio_doloso", "--geo", "national",
               "--preset", "r12", "--by", "state", "--lang", lang]
    break_ = ["report", "compare", "--indicator", "homicidio_doloso", "--geo",
              "frontera_norte", "--current", "2026-01:2026-03", "--baseline",
              "2024-01:2024-03", "--allow-break", "--lang", lang]
    html_out = tmp_path / f"compare-{lang}.html"
    run_cli(*compare, "--format", "html", "--output", str(html_out))
    ranking_out = tmp_path / f"ranking-{lang}.html"
    run_cli("report", "ranking", "--indicator", "feminicidio", "--current", "2026-01:2026-03",
            "--format", "html", "--output", str(ranking_out), "--lang", lang)
    out = {
        "compare table": run_cli(*compare).stdout,
        "compare md": run_cli(*compare, "--format", "md").stdout,
        "compare across the break": run_cli(*break_).stdout,
        "compare html": visible(html_out.read_text(encoding="utf-8")),
        "spending fasp": run_cli("report", "spending", "--program", "fasp", "--lang",
                                 lang).stdout,
        "spending pronapred": run_cli("report", "spending", "--program", "pronapred",
                                      "--lang", lang).stdout,
        "ranking table": run_cli("report", "ranking", "--indicator", "homicidio_doloso",
                                 "--lang", lang).stdout,
        "ranking municipal md": run_cli("report", "ranking", "--indicator",
                                        "homicidio_doloso", "--level", "municipality",
                                        "--format", "md", "--lang", lang).stdout,
        "ranking html": visible(ranking_out.read_text(encoding="utf-8")),
    }
    assert all(out.values()), [k for k, v in out.items() if not v]
    return out


@pytest.mark.parametrize("lang,other", [("es", ENGLISH), ("en", SPANISH)])
def test_reports_speak_one_language_without_internal_names(published, tmp_path, lang, other):
    found = {}
    for name, text in outputs(lang, tmp_path).items():
        words = words_of(text)
        keys = sorted({m.group(0) for m in KEYS.finditer(words)})
        foreign = sorted({m.group(0).lower() for m in other.finditer(words)})
        if keys or foreign:
            found[name] = keys + foreign
    assert found == {}


def test_the_nightly_set_speaks_spanish_without_internal_names(report_folder):
    texts = {"cambios.md": (report_folder / "cambios.md").read_text(encoding="utf-8")}
    for page in ["index.html", "homicidio_doloso.html", "feminicidio.html"]:
        texts[page] = visible((report_folder / page).read_text(encoding="utf-8"))
    with open(report_folder / "cambios-excel.csv", encoding="utf-8-sig", newline="") as f:
        texts["cambios-excel.csv"] = f.read()
    found = {}
    for name, text in texts.items():
        if "Verificación de declaraciones" in text:  # the fact checks' words are issue 21's
            text = text[:text.find("Verificación de declaraciones")]
        words = words_of(text)
        bad = sorted({m.group(0) for m in KEYS.finditer(words)}
                     | {m.group(0).lower() for m in ENGLISH.finditer(words)})
        if bad:
            found[name] = bad
    assert found == {}


# --- 3. charts -----------------------------------------------------------------------------

def round_steps(ticks: list[float]) -> bool:
    """Equally spaced from 0, by 1, 2, 2.5 or 5 times a power of ten (not vmax / 4)."""
    steps = {round(b - a, 6) for a, b in zip(ticks, ticks[1:], strict=False)}
    if len(steps) != 1 or ticks[0] != 0:
        return False
    step = steps.pop()
    mantissa = step / 10 ** math.floor(math.log10(step))
    return round(mantissa, 6) in (1, 2, 2.5, 5)


def test_charts_read_at_round_values_with_a_legend_and_flag_low_counts(published, tmp_path,
                                                                      rnid_rows):
    out = tmp_path / "page.html"
    result = run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo",
                     "national", "--preset", "mom", "--end", "2026-03", "--by", "state",
                     "--format", "html",
                     "--output", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    ticks = [float(v.replace(",", "")) for v in re.findall(r"<text class='tick'[^>]*>([\d,.]+)<",
                                                             page)]
    assert len(ticks) >= 3 and round_steps(ticks), ticks
    assert not round_steps([0, 54530, 109060, 163590, 218120])  # what the issue saw
    # the shaded windows say what they are
    assert page.count("class='legend'") == 2
    assert "Periodo base: febrero de 2026" in page and "Periodo actual: marzo de 2026" in page
    # states under the threshold in either month, from the raw file, and only they
    n = low_threshold()
    states = sorted({r["Clave_Ent"] for r in rnid_rows})
    month = {(s, m): homicides(rnid_rows, 2026, m, s) for s in states for m in (2, 3)}
    low = {s for s in states if min(month[s, 2], month[s, 3]) < n}
    assert low and len(low) < len(states)
    bars = re.findall(r"<rect class='bar( low-count)?'", page)
    drawn = [s for s in states if month[s, 2] > 0]  # a zero baseline has no % change
    assert len(bars) == len(drawn)
    assert sum(1 for b in bars if b) == len([s for s in drawn if s in low])
    assert f"menos de {n} casos en un periodo" in page


# --- 4. maps -------------------------------------------------------------------------------

def test_the_shipped_boundaries_are_small_and_inegi_coded():
    from seguridad.reports import maps

    sizes = {level: path.stat().st_size for level, path in maps.GEOMETRY.items()}
    assert sum(sizes.values()) < 3_000_000, sizes
    states = maps.shapes("state")
    assert sorted(states) == [f"{i:02d}" for i in range(1, 33)]
    municipalities = maps.shapes("municipality")
    with open(REFERENCE / "municipalities.csv", encoding="utf-8", newline="") as f:
        known = {r["municipality_code"] for r in csv.DictReader(f)}
    assert len(municipalities) >= 2469 and set(municipalities) <= known
    readme = (REPO / "raw" / "README.md").read_text(encoding="utf-8")
    for name, path in maps.GEOMETRY.items():
        assert f"`geo/{path.name}`" in readme, name
    assert "diegovalle/mxmaps" in readme and "BSD-3-Clause" in readme


def test_maps_as_files_mark_low_counts_from_the_raw_file(published, tmp_path, rnid_rows):
    svg_path, png_path = tmp_path / "fem.svg", tmp_path / "fem.png"
    for path in (svg_path, png_path):
        result = run_cli("report", "map", "--indicator", "feminicidio", "--current",
                         "2026-01:2026-03", "--output", str(path))
        assert result.returncode == 0, result.stderr
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png_path.stat().st_size > 50_000
    text = svg_path.read_text(encoding="utf-8")
    shapes = dict(re.findall(r'<g id="geo-(\d{2})">\s*<path [^>]*style="([^"]*)"', text))
    assert len(shapes) == 32
    counts = {}
    for r in rnid_rows:
        if r["Tipo de delito"] == "Feminicidio" and not r["Subtipo de delito"].startswith(
                "Tentativa"):
            counts[r["Clave_Ent"]] = counts.get(r["Clave_Ent"], 0) + sum(
                int(r[m] or 0) for m in MONTHS[:3])
    low = {s for s, c in counts.items() if c < low_threshold()}
    hatched = {s for s, style in shapes.items() if "url(#" in style}
    assert hatched == low
    assert "cifra baja (menos de 10 casos)" in text and "Marco Geoestadístico 2020" in text
    assert not re.search(r"(?:href|src)=['\"](?!#)", text)  # nothing fetched


def test_a_place_without_population_is_grey_and_said(published):
    from seguridad.reports import maps, ranking

    con = duckdb.connect(str(published), read_only=True)
    try:
        r = ranking.build(con, "homicidio_doloso", "municipality")
    finally:
        con.close()
    r.apart.append({**r.rows.pop(0), "rate_per_100k": None, "unknown_population": True,
                    "rank": None})
    text = maps.svg(r)
    code = r.apart[0]["geo_code"]
    style = re.search(rf'<g id="geo-{code}">\s*<path [^>]*style="([^"]*)"', text).group(1)
    assert "url(#" in style and maps.NO_POPULATION.lstrip("#") in text.lower()
    assert "sin población" in text


def test_the_lake_holds_the_boundaries_as_geoparquet(shipped_warehouse, tmp_path):
    from seguridad.warehouse import lake

    con = duckdb.connect(str(shipped_warehouse), read_only=True)
    try:
        shapes = lake.export_geometry(con, tmp_path)
    finally:
        con.close()
    assert {s["table"]: s["rows"] for s in shapes} == {"geo/states": 32,
                                                        "geo/municipalities": 2469}
    reader = duckdb.connect()
    path = str(tmp_path / "geo" / "states" / "data_0.parquet")
    kv = dict(reader.execute("SELECT decode(key), decode(value) FROM parquet_kv_metadata(?)",
                             [path]).fetchall())
    geo = json.loads(kv["geo"])
    assert geo["primary_column"] == "geometry" and geo["columns"]["geometry"]["encoding"] == \
        "WKB"
    name, text = reader.execute(f"SELECT geo_name, ST_AsText(geometry) FROM read_parquet('{path}') "
                                "WHERE geo_code = '14'").fetchone()
    assert name == "Jalisco" and text.startswith("MULTIPOLYGON (((-10")


# --- 5. per-capita rankings ------------------------------------------------------------------

def test_the_state_ranking_by_rate_counts_what_the_raw_file_says(published, nm_rows):
    result = run_cli("report", "ranking", "--indicator", "homicidio_doloso", "--per-capita",
                     "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 32 and {(r["window_start"], r["window_end"]) for r in rows} == \
        {("2023-12", "2024-11")}
    months = [(2023, 12)] + [(2024, m) for m in range(1, 12)]
    for r in rows:
        assert int(r["count"]) == sum(homicides(nm_rows, y, m, r["geo_code"])
                                      for y, m in months), r["geo_name"]
        assert r["low_count"] == str(int(r["count"]) < low_threshold())
    rates = [float(r["rate_per_100k"]) for r in rows]
    assert rates == sorted(rates, reverse=True)
    assert [r["rank"] for r in rows] == [str(i) for i in range(1, 33)]


def test_the_municipal_ranking_flags_or_sets_apart_low_counts(published):
    rows = read_csv_rows(MUNICIPAL_SLICE, "utf-8")
    flagged = run_cli("report", "ranking", "--indicator", "homicidio_doloso", "--level",
                      "municipality", "--format", "json")
    data = json.loads(flagged.stdout)
    places = data["places"]
    assert len(places) == 46 and (data["window_start"], data["window_end"]) == \
        ("2024-12", "2025-11")

    window = [("2024", "Diciembre")] + [("2025", m) for m in MONTHS[:11]]

    def total(code):
        return sum(int(float(r[m] or 0)) for r in rows for y, m in window
                   if r["Año"] == y and r["Cve. Municipio"].zfill(5) == code
                   and r["Subtipo de delito"] == "Homicidio doloso")
    for p in places[:5] + places[-5:]:
        assert p["count"] == total(p["geo_code"]), p["geo_name"]
    low = [p for p in places if p["count"] < low_threshold()]
    assert low and all(p["low_count"] for p in low)
    apart = json.loads(run_cli("report", "ranking", "--indicator", "homicidio_doloso",
                               "--level", "municipality", "--suppress-low", "--format",
                               "json").stdout)["places"]
    assert sorted(p["geo_code"] for p in apart if p["rank"] is None) == \
        sorted(p["geo_code"] for p in low)
    assert max(p["rank"] for p in apart if p["rank"]) == 46 - len(low)


def test_the_nightly_set_has_the_rankings_and_their_maps(report_folder):
    names = {p.name for p in report_folder.iterdir()}
    assert {"tasas-estados.csv", "tasas-municipios.csv", "datapackage.json"} <= names
    maps_folder = {p.name for p in (report_folder / "mapas").iterdir()}
    assert {"homicidio_doloso_estados.svg", "homicidio_doloso_estados.png",
            "homicidio_doloso_municipios.svg", "homicidio_doloso_municipios.png"} <= maps_folder
    page = (report_folder / "homicidio_doloso.html").read_text(encoding="utf-8")
    assert page.count("class='chart map'") == 1 and "class='ranking'" in page


# --- 6. spreadsheet CSV and datapackage.json --------------------------------------------------

def test_the_spreadsheet_copy_and_the_data_package(report_folder):
    raw = (report_folder / "cambios-excel.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:3] == ["Comparación", "Serie (metodología)", "Indicador"]
    pct = header.index("Cambio %")
    assert all(re.fullmatch(r"-?\d+\.\d", r[pct]) for r in rows[1:] if r[pct])
    package = json.loads((report_folder / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert {"cambios", "cambios-excel", "tasas-estados", "tasas-municipios"} <= set(resources)
    with open(report_folder / "cambios.csv", encoding="utf-8", newline="") as f:
        machine_header = next(csv.reader(f))
    fields = resources["cambios"]["schema"]["fields"]
    assert [f["name"] for f in fields] == machine_header
    with open(REPO / "warehouse" / "docs" / "columns.csv", encoding="utf-8") as f:
        docs = {r["column_name"]: r["description"] for r in csv.DictReader(f)}
    assert all(f["description"] == docs[f["name"]] for f in fields)
    types = {f["name"]: f["type"] for f in fields}
    assert (types["current_value"], types["pct_change"], types["geo_code"]) == \
        ("integer", "number", "string")
    assert resources["cambios-excel"]["encoding"] == "utf-8-sig"
    assert {s["sha256"] for s in package["sources"]} >= {
        __import__("hashlib").sha256(NM_FILE.read_bytes()).hexdigest()}


def test_a_csv_export_gets_its_datapackage_beside_it(published, tmp_path):
    out = tmp_path / "export" / "comparacion.csv"
    result = run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo",
                     "national", "--preset", "r12", "--format", "csv", "--output", str(out))
    assert result.returncode == 0, result.stderr
    package = json.loads((out.parent / "datapackage.json").read_text(encoding="utf-8"))
    (resource,) = package["resources"]
    assert resource["path"] == "comparacion.csv"
    with open(out, encoding="utf-8", newline="") as f:
        assert [x["name"] for x in resource["schema"]["fields"]] == next(csv.reader(f))


# --- 7. the pages in a real browser, and the screenshots of docs/img/ ----------------------

SHOTS = ("front_page", "comparison", "map", "check_claims")


@pytest.mark.slow
@pytest.mark.skipif(not __import__("browser").CHROMIUM,
                    reason="Chromium is not installed here (.ci/run installs Debian's "
                           "chromium)")
def test_the_pages_in_chromium_and_their_screenshots(published, report_folder, tmp_path):
    """Each page loads nothing from the network and draws its charts and maps. The
    screenshots go to test-output/; with SEGURIDAD_SCREENSHOTS=docs/img they replace the
    ones committed there (and linked from the README)."""
    import os

    from browser import inspect_page

    comparison = tmp_path / "comparacion.html"
    run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo", "national",
            "--preset", "r12", "--by", "state", "--format", "html", "--output", str(comparison))
    map_page = tmp_path / "mapa.html"
    run_cli("report", "ranking", "--indicator", "homicidio_doloso", "--level", "municipality",
            "--format", "html", "--output", str(map_page))
    claims_page = tmp_path / "declaracion.html"
    run_cli("check-claims", str(REPO / "claims" / "cnsp_2015-12-18.toml"), "--format", "html",
            "--output", str(claims_page))
    pages = dict(zip(SHOTS, [report_folder / "index.html", comparison, map_page, claims_page],
                     strict=True))
    folder = REPO / os.environ.get("SEGURIDAD_SCREENSHOTS", "test-output")
    for name, page in pages.items():
        shot = folder / f"{name}.png"
        seen = inspect_page(page, shot, full_page=False, height=1300)
        assert all(u.startswith(("file:", "data:")) for u in seen["requests"]), seen["requests"]
        assert shot.stat().st_size > 20_000
        charts = seen["charts"]
        if name in ("front_page", "comparison"):
            assert charts["lines"] and all(w > 300 for w in charts["lines"])
        if name in ("front_page", "map"):
            assert charts["maps"] and all(w > 500 for w in charts["maps"])
        if name == "comparison":
            assert len(charts["bars"]) == 32
