"""`seguridad report compare` against sums computed straight from the raw files, and the
guards that refuse misleading comparisons."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest

from conftest import (
    CONAPO_2023,
    NM_FILE,
    OLD_FILE,
    RNID_2026_FILE,
    VICTIMS_FILE,
    national_population,
    read_csv_rows,
    run_cli,
)

MONTHS = ["ENERO", "FEBRERO", "MARZO", "ABRIL", "MAYO", "JUNIO", "JULIO", "AGOSTO",
          "SEPTIEMBRE", "OCTUBRE", "NOVIEMBRE", "DICIEMBRE"]
BORDER = {"2", "26", "8", "5", "19", "28"}

# Independent definitions, written from the words, not read from the crosswalk file.
OLD_INDICATORS = {
    "homicidio_doloso": lambda r: r["MODALIDAD"] == "HOMICIDIOS" and r["TIPO"] == "DOLOSOS",
    "robo_con_violencia": lambda r: r["MODALIDAD"] in (
        "ROBO COMUN", "ROBO EN CARRETERAS", "ROBO EN INSTITUCIONES BANCARIAS")
    and r["TIPO"] == "CON VIOLENCIA",
    "secuestro": lambda r: r["MODALIDAD"] == "PRIV. DE LA LIBERTAD (SECUESTRO)",
    "extorsion": lambda r: r["TIPO"] == "EXTORSION",
    "delitos_total": lambda r: True,
}
NM_INDICATORS = {
    "homicidio_doloso": lambda r: r["Subtipo de delito"] == "Homicidio doloso",
    "feminicidio": lambda r: r["Tipo de delito"] == "Feminicidio",
    "robo_con_violencia": lambda r: r["Tipo de delito"] == "Robo"
    and r["Modalidad"].endswith("Con violencia"),
}


@pytest.fixture(scope="module")
def old_rows():
    return read_csv_rows(OLD_FILE, "cp1252")


@pytest.fixture(scope="module")
def nm_rows():
    return read_csv_rows(NM_FILE, "latin-1")


def old_sum(rows, indicator, states, year, months):
    keep = OLD_INDICATORS[indicator]
    return sum(int(r[MONTHS[m - 1]]) for r in rows for m in months
               if r["AÑO"] == str(year) and (states is None or r["INEGI"] in states) and keep(r))


def nm_sum(rows, indicator, states, year, months):
    keep = NM_INDICATORS[indicator]
    month_names = [m.capitalize() for m in MONTHS]
    return sum(int(r[month_names[m - 1]]) for r in rows for m in months
               if r["Año"] == str(year) and (states is None or r["Clave_Ent"] in states)
               and keep(r))


def compare_csv(*args: str) -> dict:
    result = run_cli("report", "compare", *args, "--format", "csv")
    assert result.returncode == 0, result.stderr
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    return row


def expected_pct(current: int, baseline: int) -> str:
    return f"{round((current - baseline) * 100 / baseline, 2)}"


@pytest.mark.parametrize("indicator,geo,states", [
    ("homicidio_doloso", "national", None),
    ("homicidio_doloso", "frontera_norte", BORDER),
    ("robo_con_violencia", "19", {"19"}),
    ("secuestro", "frontera_norte", BORDER),
    ("extorsion", "09", {"9"}),
    ("delitos_total", "national", None),
])
def test_old_methodology_claims_match_the_raw_file(published, old_rows, indicator, geo, states):
    row = compare_csv("--indicator", indicator, "--geo", geo, "--current", "2015-01:2015-11",
                      "--baseline", "2012-01:2012-11")
    current = old_sum(old_rows, indicator, states, 2015, range(1, 12))
    baseline = old_sum(old_rows, indicator, states, 2012, range(1, 12))
    assert (int(row["current_value"]), int(row["baseline_value"])) == (current, baseline)
    assert row["pct_change"] == expected_pct(current, baseline)
    assert row["series"] == "cieisp_1997"  # the only series that covers 2012
    assert row["source_sha256"] == hashlib.sha256(OLD_FILE.read_bytes()).hexdigest()
    assert row["cut_date"] == "2017-12"


@pytest.mark.parametrize("indicator,geo,states", [
    ("homicidio_doloso", "national", None),
    ("feminicidio", "8", {"8"}),
    ("robo_con_violencia", "frontera_norte", BORDER),
])
def test_new_methodology_year_to_date(published, nm_rows, indicator, geo, states):
    row = compare_csv("--indicator", indicator, "--geo", geo, "--current", "2024-01:2024-11",
                      "--baseline", "2023-01:2023-11")
    current = nm_sum(nm_rows, indicator, states, 2024, range(1, 12))
    baseline = nm_sum(nm_rows, indicator, states, 2023, range(1, 12))
    assert (int(row["current_value"]), int(row["baseline_value"])) == (current, baseline)
    assert row["series"] == "cnsp_2015"


def test_state_code_with_or_without_zero_is_the_same_geography(published):
    assert compare_csv("--indicator", "extorsion", "--geo", "2", "--current", "2016-01:2016-12",
                       "--baseline", "2015-01:2015-12") == \
        compare_csv("--indicator", "extorsion", "--geo", "02", "--current", "2016-01:2016-12",
                    "--baseline", "2015-01:2015-12")


def test_newest_series_is_the_default_where_both_cover_the_windows(published):
    row = compare_csv("--indicator", "homicidio_doloso", "--geo", "national",
                      "--current", "2016-01:2016-12", "--baseline", "2015-01:2015-12")
    assert row["series"] == "cnsp_2015"
    old = compare_csv("--indicator", "homicidio_doloso", "--geo", "national",
                      "--current", "2016-01:2016-12", "--baseline", "2015-01:2015-12",
                      "--series", "cieisp_1997")
    assert old["series"] == "cieisp_1997" and old["current_value"] != row["current_value"]


def test_rate_per_100k_for_calendar_years(published, nm_rows):
    row = compare_csv("--indicator", "homicidio_doloso", "--geo", "national", "--measure",
                      "rate", "--current", "2016-01:2016-12", "--baseline", "2015-01:2015-12")
    for year, column in ((2016, "current_value"), (2015, "baseline_value")):
        count = nm_sum(nm_rows, "homicidio_doloso", None, year, range(1, 13))
        pops = national_population([(year, m) for m in range(1, 13)])
        expected = count / (sum(pops) / 12) * 100_000
        assert float(row[column]) == pytest.approx(expected, rel=1e-5)
    assert row["population_vintage"] == "conapo_2023"


def test_population_vintage_changes_the_rate_and_says_so(published):
    new = compare_csv("--indicator", "homicidio_doloso", "--geo", "1", "--measure", "rate",
                      "--current", "2016-01:2016-12", "--baseline", "2015-01:2015-12")
    old = compare_csv("--indicator", "homicidio_doloso", "--geo", "1", "--measure", "rate",
                      "--current", "2016-01:2016-12", "--baseline", "2015-01:2015-12",
                      "--population-vintage", "conapo_2010")
    assert old["population_vintage"] == "conapo_2010"
    assert new["current_count"] == old["current_count"]
    assert float(old["current_value"]) > float(new["current_value"])  # 2010 vintage: fewer people


@pytest.mark.parametrize("args,words", [
    (["--current", "2024-01:2024-12", "--baseline", "2023-01:2023-12"],
     ["sin publicar: 2024-12", "Nunca se mezclan metodologías"]),
    (["--current", "2016-01:2016-12", "--baseline", "2015-01:2015-11"],
     ["distinta duración", "12 meses"]),
    (["--current", "2026-01:2026-03", "--baseline", "2016-01:2016-03"],
     ["ninguna serie publica todos los meses"]),
    (["--current", "2020-01:2020-12", "--baseline", "2019-01:2019-12", "--series",
      "cieisp_1997"], ["la serie metodología anterior (CIEISP) no publica todos los meses",
                        "no son ceros"]),
    (["--current", "2015-13:2015-14", "--baseline", "2014-01:2014-02"], ["no es un mes"]),
])
def test_misleading_comparisons_are_refused(published, args, words):
    result = run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo", "national",
                     *args)
    assert result.returncode == 1
    for w in words:
        assert w in result.stderr, result.stderr


def test_unknown_geography_and_indicator_say_what_exists(published):
    result = run_cli("report", "compare", "--indicator", "homicidios", "--geo", "national",
                     "--current", "2016-01", "--baseline", "2015-01")
    assert result.returncode == 1 and "homicidio_doloso" in result.stderr
    result = run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo", "norte",
                     "--current", "2016-01", "--baseline", "2015-01")
    assert result.returncode == 1 and "frontera_norte" in result.stderr


def test_json_and_markdown_carry_headline_and_provenance(published, old_rows):
    args = ["--indicator", "homicidio_doloso", "--geo", "frontera_norte", "--current",
            "2015-01:2015-11", "--baseline", "2012-01:2012-11"]
    out = run_cli("report", "compare", *args, "--format", "json", "--lang", "en")
    data = json.loads(out.stdout)
    assert data["headline"].startswith("Intentional homicide fell")
    assert data["sources"][0]["sha256"] == hashlib.sha256(OLD_FILE.read_bytes()).hexdigest()
    md = run_cli("report", "compare", *args, "--format", "md").stdout
    assert "Homicidio doloso bajó" in md and "Frontera norte" in md
    assert data["sources"][0]["sha256"] in md and "corte 2017-12" in md


def test_standard_report_of_the_refresh(shipped_warehouse, nm_rows):
    (folder,) = (shipped_warehouse.parent / "reports").iterdir()
    with open(folder / "cambios.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    r12 = next(r for r in rows if r["preset"] == "r12" and r["indicator"] == "homicidio_doloso"
               and r["geo_code"] == "00")
    current = nm_sum(nm_rows, "homicidio_doloso", None, 2024, range(1, 12)) + \
        nm_sum(nm_rows, "homicidio_doloso", None, 2023, [12])
    baseline = nm_sum(nm_rows, "homicidio_doloso", None, 2023, range(1, 12)) + \
        nm_sum(nm_rows, "homicidio_doloso", None, 2022, [12])
    assert (r12["current_start"], r12["current_end"]) == ("2023-12-01", "2024-11-01")
    assert (int(r12["current_value"]), int(r12["baseline_value"])) == (current, baseline)
    md = (folder / "cambios.md").read_text(encoding="utf-8")
    assert hashlib.sha256(NM_FILE.read_bytes()).hexdigest() in md
    assert "Metodología 2015 (CNSP/38/15)" in md and "CONAPO 2023" in md
    words = md.replace("cnsp_2015-12-18", "")  # a claims file's name, not a key
    assert "cnsp_2015" not in words and "conapo_2023" not in words  # words, not keys
    states = {r["geo_code"] for r in rows if r["geo_level"] == "state"}
    assert len(states) == 32
    # the cut of the state files, not the newer one of the municipal slice behind zm_leon
    assert "Corte de publicación: 2024-11 (Zona metropolitana de León: 2025-11)" in md
    chihuahua = next(r for r in rows if r["preset"] == "r12" and r["geo_code"] == "08"
                     and r["indicator"] == "homicidio_doloso")
    section = md[md.index("## Metodología 2015"):]  # the 2026 catalogue's months come first
    line = next(x for x in section.splitlines() if x.startswith("| Chihuahua |"))  # r12 first
    assert f"{float(chihuahua['pct_change']):+.1f}%" in line


def test_comparisons_across_the_2026_break_need_allow_break_and_are_flagged(published):
    args = ["--indicator", "homicidio_doloso", "--geo", "national", "--current",
            "2026-01:2026-03", "--baseline", "2024-01:2024-03"]
    refused = run_cli("report", "compare", *args)
    assert refused.returncode == 1 and "--allow-break" in refused.stderr
    row = compare_csv(*args, "--allow-break")
    assert (row["current_series"], row["baseline_series"]) == ("rnid_2026", "cnsp_2015")
    assert row["methodology_break"] == "cnsp_2015->rnid_2026 (comparable)"
    assert "RUPTURA METODOLÓGICA" in row["notes"]
    table = run_cli("report", "compare", *args, "--allow-break").stdout
    assert table.startswith("[RUPTURA METODOLÓGICA]") and "ruptura metodológica:" in table
    data = json.loads(run_cli("report", "compare", *args, "--allow-break", "--format",
                              "json").stdout)
    assert data["methodology_break"] and {s["series"] for s in data["sources"]} == \
        {"cnsp_2015", "rnid_2026"}


def test_attempts_only_when_asked(published):
    rows = read_csv_rows(RNID_2026_FILE, "latin-1")
    months = ["Enero", "Febrero", "Marzo"]
    tried = sum(int(r[m]) for r in rows for m in months
                if r["Subtipo de delito"] == "Tentativa de homicidio doloso")
    args = ["--indicator", "homicidio_doloso", "--geo", "national", "--current",
            "2026-01:2026-03", "--baseline", "2024-01:2024-03", "--allow-break"]
    plain = compare_csv(*args)
    with_attempts = compare_csv(*args, "--include-attempts")
    assert int(with_attempts["current_value"]) - int(plain["current_value"]) == tried
    assert plain["baseline_value"] == with_attempts["baseline_value"]


@pytest.fixture(scope="module")
def victim_rows():
    return read_csv_rows(VICTIMS_FILE, "latin-1")


def victims_sum(rows, subtype, year, states=None, sex=None, age=None):
    month_names = [m.capitalize() for m in MONTHS]
    return sum(int(r[m]) for r in rows for m in month_names
               if r["Año"] == str(year) and r["Subtipo de delito"] == subtype
               and (states is None or r["Clave_Ent"] in states)
               and (sex is None or r["Sexo"] == sex) and (age is None or r["Rango de edad"] == age))


@pytest.mark.parametrize("indicator,subtype,geo,states,sex,age", [
    ("homicidio_doloso", "Homicidio doloso", "national", None, None, None),
    ("feminicidio", "Feminicidio", "15", {"15"}, "Mujer", None),
    ("secuestro", "Secuestro", "frontera_norte", BORDER, None, None),
    ("homicidio_doloso", "Homicidio doloso", "national", None, None, "Menores de edad (0-17)"),
    ("extorsion", "Extorsión", "09", {"9"}, "Hombre", "Adultos (18 y más)"),
])
def test_victims_match_the_raw_file(published, victim_rows, indicator, subtype, geo, states,
                                    sex, age):
    args = ["--indicator", indicator, "--geo", geo, "--measure", "victims", "--current",
            "2024-01:2024-12", "--baseline", "2023-01:2023-12"]
    args += ["--sex", sex] if sex else []
    args += ["--age-group", age] if age else []
    row = compare_csv(*args)
    assert int(row["current_value"]) == victims_sum(victim_rows, subtype, 2024, states, sex, age)
    assert int(row["baseline_value"]) == victims_sum(victim_rows, subtype, 2023, states, sex, age)
    assert row["cut_date"] == "2024-12"  # the victims file publishes December 2024


def test_victim_rates_divide_by_the_population_of_the_victims_sex(published, victim_rows):
    women = compare_csv("--indicator", "homicidio_doloso", "--geo", "national", "--measure",
                        "victims_rate", "--sex", "Mujer", "--current", "2024-01:2024-12",
                        "--baseline", "2023-01:2023-12")
    everyone = compare_csv("--indicator", "homicidio_doloso", "--geo", "national", "--measure",
                           "victims_rate", "--current", "2024-01:2024-12",
                           "--baseline", "2023-01:2023-12")
    mid = {int(r["n_year"]): (int(r["pob_mid_year"]), r["genero"])
           for r in read_csv_rows(CONAPO_2023, "utf-8")
           if r["cve_ent"] == "00" and r["genero"] == "Mujeres"}
    killed = victims_sum(victim_rows, "Homicidio doloso", 2024, sex="Mujer")
    # A calendar year's rate is count / mean monthly population; mid-year is within 0.1%.
    assert float(women["current_value"]) == pytest.approx(killed / mid[2024][0] * 1e5, rel=1e-3)
    assert float(everyone["current_value"]) > float(women["current_value"])
    refused = run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo",
                      "national", "--measure", "victims_rate", "--age-group",
                      "Menores de edad (0-17)", "--current", "2024-01:2024-12",
                      "--baseline", "2023-01:2023-12")
    assert refused.returncode == 1 and "no se divide por grupo de edad" in refused.stderr
