"""`seguridad check-claims`: the verdicts, reproducing definitions and caveats of a statement,
against figures computed here straight from the raw files with the csv module."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import (
    NM_FILE,
    OLD_FILE,
    REPO,
    RNID_2026_FILE,
    TEST_DATA,
    national_population,
    read_csv_rows,
    run_cli,
    use_paths,
)

SHIPPED_CLAIMS = REPO / "claims" / "cnsp_2015-12-18.toml"
OLD_MONTHS = ["ENERO", "FEBRERO", "MARZO", "ABRIL", "MAYO", "JUNIO", "JULIO", "AGOSTO",
              "SEPTIEMBRE", "OCTUBRE", "NOVIEMBRE", "DICIEMBRE"]
NM_MONTHS = [m.capitalize() for m in OLD_MONTHS]
BORDER = {"2", "26", "8", "5", "19", "28"}
# Written from the indicators' definitions, not read from the crosswalk.
OLD_INDICATORS = {
    "homicidio_doloso": lambda r: r["MODALIDAD"] == "HOMICIDIOS" and r["TIPO"] == "DOLOSOS",
    "secuestro": lambda r: r["MODALIDAD"] == "PRIV. DE LA LIBERTAD (SECUESTRO)",
    "extorsion": lambda r: r["TIPO"] == "EXTORSION",
    "robo_or_highway": lambda r: r["MODALIDAD"] == "ROBO EN CARRETERAS" or (
        r["TIPO"] == "CON VIOLENCIA" and r["MODALIDAD"] in (
            "ROBO COMUN", "ROBO EN INSTITUCIONES BANCARIAS")),
}


@pytest.fixture(scope="module")
def old_rows():
    return read_csv_rows(OLD_FILE, "cp1252")


@pytest.fixture(scope="module")
def shipped_check(shipped_warehouse):
    mp = pytest.MonkeyPatch()
    use_paths(mp, shipped_warehouse.parent.parent / "raw", shipped_warehouse)
    try:
        result = run_cli("check-claims", str(SHIPPED_CLAIMS), "--format", "json", "--lang",
                         "en")
    finally:
        mp.undo()
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return {c["id"]: c for c in data["claims"]}, data


def monthly(rows, indicator: str, states=None) -> dict[tuple[int, int], int]:
    keep = OLD_INDICATORS[indicator]
    out: dict[tuple[int, int], int] = {}
    for r in rows:
        if keep(r) and (states is None or r["INEGI"] in states):
            for m, name in enumerate(OLD_MONTHS, start=1):
                key = (int(r["AÑO"]), m)
                out[key] = out.get(key, 0) + int(r[name])
    return out


def add(y: int, m: int, n: int) -> tuple[int, int]:
    y2, m2 = divmod(y * 12 + m - 1 + n, 12)
    return y2, m2 + 1


def span(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
    out, cur = [], start
    while cur <= end:
        out.append(cur)
        cur = add(*cur, 1)
    return out


def label(start, end) -> str:
    return f"{start[0]}-{start[1]:02d}:{end[0]}-{end[1]:02d}"


def count_definitions(values: dict, said=(2015, 12), base_year=2012) -> dict[tuple, float]:
    """Every count definition of the issue's families, from its own words: year to date,
    single month, 12 months to M, the monthly average since January after the baseline year
    (M from three months before the statement to its month), and the full years."""
    out = {}

    def pct(cur, base):
        return (cur - base) * 100 / base

    for back in range(3, -1, -1):
        y, m = add(*said, -back)
        cur, base = span((y, 1), (y, m)), span((base_year, 1), (base_year, m))
        out[("ytd", label(cur[0], cur[-1]), label(base[0], base[-1]))] = pct(
            sum(values[k] for k in cur), sum(values[k] for k in base))
        out[("month", label((y, m), (y, m)), label((base_year, m), (base_year, m)))] = pct(
            values[(y, m)], values[(base_year, m)])
        cur, base = span(add(y, m, -11), (y, m)), span(add(base_year, m, -11), (base_year, m))
        out[("r12", label(cur[0], cur[-1]), label(base[0], base[-1]))] = pct(
            sum(values[k] for k in cur), sum(values[k] for k in base))
        cur, base = span((base_year + 1, 1), (y, m)), span((base_year, 1), (base_year, 12))
        out[("avg_since", label(cur[0], cur[-1]), label(base[0], base[-1]))] = pct(
            sum(values[k] for k in cur) / len(cur), sum(values[k] for k in base) / 12)
    for family, year in (("full_year_before", said[0] - 1), ("full_year_of", said[0])):
        cur, base = span((year, 1), (year, 12)), span((base_year, 1), (base_year, 12))
        out[(family, label(cur[0], cur[-1]), label(base[0], base[-1]))] = pct(
            sum(values[k] for k in cur), sum(values[k] for k in base))
    return out


def about(pct: float, stated: float, decimals: int) -> bool:
    half = 0.5 * 10 ** -decimals
    return stated - half <= pct < stated + half


def published_by(month: str) -> date:
    """The day month YYYY-MM was published: around the 20th of the next month."""
    y, m = add(int(month[:4]), int(month[5:]), 1)
    return date(y, m, 20)


def by_windows(definitions: dict[tuple, float]) -> dict[tuple, float]:
    """Definitions keyed by their windows (January-December is year to date, the full year
    and the last 12 months at once: one definition)."""
    return {(cur, base): pct for (_, cur, base), pct in definitions.items()}


def counts_of_newest_cut(claim: dict) -> dict[tuple, float]:
    return {(d["current"], d["baseline"]): d["pct_change"]
            for d in claim["candidates"] if d["measure"] == "count" and d["cut"] == "2017-12"}


def matched_windows(claim: dict) -> set[tuple]:
    return {(d["current"], d["baseline"]) for d in claim["matches"]
            if d["measure"] == "count" and d["cut"] == "2017-12"}


@pytest.mark.parametrize("claim_id,indicator,states,stated,decimals", [
    ("homicidios", "homicidio_doloso", None, -22, 0),
    ("frontera_norte", "homicidio_doloso", BORDER, -44.6, 1),
    ("secuestro", "secuestro", None, -27, 0),
    ("extorsion", "extorsion", None, -30, 0),
])
def test_every_count_definition_agrees_with_the_raw_file(shipped_check, old_rows, claim_id,
                                                         indicator, states, stated, decimals):
    claims, _ = shipped_check
    claim = claims[claim_id]
    expected = by_windows(count_definitions(monthly(old_rows, indicator, states)))
    got = counts_of_newest_cut(claim)
    assert set(got) == set(expected)
    for key, pct in expected.items():
        assert got[key] == pytest.approx(round(pct, 2), abs=0.006), key
    reproducing = {k for k, v in expected.items() if about(v, stated, decimals)}
    assert matched_windows(claim) == reproducing
    # A count reproduces the figure only if its months were public on 18 December 2015
    # (month M comes out around the 20th of M+1): a count that needs November or December
    # 2015 does not confirm it (issue 21). Extortion's only reproducing count is
    # January-December 2015, so it is reproduced only as a rate, by a rate public then.
    public = {k for k in reproducing if published_by(k[0][-7:]) <= date(2015, 12, 18)}
    if public:
        assert claim["verdict"] == "reproduced"
    else:
        assert claim["verdict"] in ("reproduced_as_rate", "not_reproduced", "misleading")
        assert all(d["measure"] == "rate" for d in claim["matches"]
                   if d["published_by_said_on"])
    values = [d["pct_change"] for d in claim["candidates"]]
    assert claim["range"] == {"min": min(values), "max": max(values),
                              "candidates": len(values)}


def test_the_homicide_figure_is_january_to_november(shipped_check, old_rows):
    claims, _ = shipped_check
    h = claims["homicidios"]
    assert h["verdict"] == "reproduced"
    jan_nov = [d for d in h["matches"] if d["current"] == "2015-01:2015-11"
               and d["baseline"] == "2012-01:2012-11" and d["measure"] == "count"]
    assert len(jan_nov) == 1
    values = monthly(old_rows, "homicidio_doloso")
    cur = sum(values[(2015, m)] for m in range(1, 12))
    base = sum(values[(2012, m)] for m in range(1, 12))
    assert (jan_nov[0]["current_value"], jan_nov[0]["baseline_value"]) == (cur, base)
    assert jan_nov[0]["pct_change"] == round((cur - base) * 100 / base, 2)
    # November was published around 20 December: not yet when the statement was made
    assert jan_nov[0]["published_by_said_on"] is False
    assert h["range"]["min"] < -22 < h["range"]["max"]


def test_the_northern_border_hides_baja_california(shipped_check, old_rows):
    claims, _ = shipped_check
    b = claims["frontera_norte"]
    assert b["verdict"] == "reproduced"
    assert (b["best"]["current"], b["best"]["baseline"], b["best"]["measure"]) == (
        "2015-01:2015-10", "2012-01:2012-10", "count")
    assert b["best"]["published_by_said_on"] is True
    bc = monthly(old_rows, "homicidio_doloso", {"2"})
    bc_pct = (sum(bc[(2015, m)] for m in range(1, 11)) - sum(bc[(2012, m)] for m in range(1, 11))
              ) * 100 / sum(bc[(2012, m)] for m in range(1, 11))
    opposite = next(c for c in b["caveats"] if c["kind"] == "members_opposite")
    member = next(m for m in opposite["members"] if m["geo_code"] == "02")
    assert member["geo_name"] == "Baja California"
    assert member["pct_change"] == pytest.approx(round(bc_pct, 2), abs=0.006)
    assert "Baja California" in opposite["text"] and "Sonora" in opposite["text"]


def test_kidnapping_is_reproduced_only_as_a_rate(shipped_check, old_rows):
    claims, _ = shipped_check
    k = claims["secuestro"]
    assert k["verdict"] == "reproduced_as_rate"
    # the rate of one matching definition, re-done from the raw files
    best = k["best"]
    assert best["measure"] == "rate"
    values = monthly(old_rows, "secuestro")
    if best["population_vintage"] == "conapo_2023" and best["family"] == "ytd":
        end = int(best["current"][-2:])
        for field, year in (("current_value", 2015), ("baseline_value", 2012)):
            count = sum(values[(year, m)] for m in range(1, end + 1))
            pops = national_population([(year, m) for m in range(1, end + 1)])
            days = sum((date(*add(year, m, 1), 1) - date(year, m, 1)).days
                       for m in range(1, end + 1))
            year_days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
            expected = count * 100_000 * (year_days / days) / (sum(pops) / len(pops))
            assert best[field] == pytest.approx(expected, rel=1e-4)
    other = next(c for c in k["caveats"] if c["kind"] == "other_measure")
    assert other["measure"] == "count"


def test_summed_indicators_count_each_crime_row_once(shipped_check, old_rows):
    claims, _ = shipped_check
    r = claims["robo"]
    assert r["verdict"] == "reproduced"  # more than 24% under some count definition
    expected = by_windows(count_definitions(monthly(old_rows, "robo_or_highway")))
    got = counts_of_newest_cut(r)
    for key, pct in expected.items():
        assert got[key] == pytest.approx(round(pct, 2), abs=0.006), key
    assert matched_windows(r) == {k for k, v in expected.items() if v < -24}
    assert {c["indicator"] for c in r["caveats"] if c["kind"] == "indicator_alone"} == \
        {"robo_con_violencia", "robo_carreteras"}


def test_the_cut_of_the_day_and_sources(shipped_check):
    claims, data = shipped_check
    h = claims["homicidios"]
    # the Dec-2014 workbook was public on the day: it gives 2014 against 2012, as then
    day = [d for d in h["candidates"] if d["cut"] == "2014-12"]
    assert day and all(d["family"] == "full_year_before" and d["cut_of_the_day"] for d in day)
    newest = next(d for d in h["candidates"] if d["family"] == "full_year_before"
                  and d["measure"] == "count" and d["cut"] == "2017-12")
    assert newest["baseline_count"] != day[0]["baseline_count"]  # revised since
    shas = {s["sha256"] for s in h["sources"]}
    assert hashlib.sha256(OLD_FILE.read_bytes()).hexdigest() in shas
    assert data["statement"]["said_on"] == "2015-12-18"
    assert data["statement"]["baseline_year"] == 2012
    assert set(h) >= {"id", "verdict", "stated", "best", "matches", "range", "caveats"}
    assert set(h["best"]) >= {"indicators", "geo", "measure", "series", "current", "baseline",
                              "cut", "current_value", "baseline_value", "pct_change",
                              "published_by_said_on"}


def test_the_spending_claim_is_the_approved_budget(shipped_check):
    """'Over 7.7 billion pesos in prevention': PRONAPRED's approved budget of 2013-2015, as
    the SHCP's Cuenta Pública gives it (summed here from the raw CSVs); what was spent was
    about 11% less, and the check says so."""
    claims, _ = shipped_check
    p = claims["prevencion"]
    assert p["verdict"] == "reproduced"
    by_stage: dict[str, Decimal] = {}
    for year in (2013, 2014, 2015):
        for r in read_csv_rows(TEST_DATA / "cuenta_publica" / f"cp_{year}.csv", "utf-8"):
            ramo = r.get("SUBRAMO") or r["RAMO"]
            if r["PROGRAMA"] == "U006" and ramo == "Gobernación":
                stage = {"Aprobado": "approved", "Ejercicio": "exercised"}.get(r["PRESUPUESTO"])
                if stage:
                    by_stage[stage] = by_stage.get(stage, Decimal(0)) + Decimal(r["TOTAL"])
    assert (p["best"]["stage"], p["best"]["years"]) == ("approved", "2013:2015")
    assert Decimal(str(p["best"]["amount_pesos"])) == by_stage["approved"] > Decimal(7.7e9)
    exercised = next(c for c in p["caveats"] if c.get("stage") == "exercised")
    assert Decimal(str(exercised["amount_pesos"])) == by_stage["exercised"] < Decimal(7.7e9)
    assert all(m["amount_pesos"] > 7.7e9 for m in p["matches"])


def test_a_spending_claim_without_its_budget_says_which_file_it_needs(published, tmp_path):
    path = write_claims(tmp_path, """
[[claim]]
id = "fortaseg"
kind = "spending"
text = "FORTASEG received 5 billion in 2010."
program = "fortaseg"
amount_pesos = 5e9
years = [2010, 2010]
""")
    c = check(path)["fortaseg"]
    assert c["verdict"] == "not_checkable" and c["reason"]


# --- claims files written here ------------------------------------------------------------

def write_claims(tmp_path: Path, claims: str, said_on: str = "2015-12-18",
                 baseline_year: int = 2012) -> Path:
    path = tmp_path / "claims.toml"
    path.write_text(f"""
[statement]
title = "A statement written for the tests"
speaker = "Nobody"
said_on = {said_on}
baseline_year = {baseline_year}
{claims}""", encoding="utf-8")
    return path


def check(path: Path, *args: str) -> dict:
    result = run_cli("check-claims", str(path), "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return {c["id"]: c for c in json.loads(result.stdout)["claims"]}


def test_true_false_and_bound_claims(published, old_rows, tmp_path):
    values = monthly(old_rows, "homicidio_doloso")
    cur = sum(values[(2015, m)] for m in range(1, 12))
    base = sum(values[(2012, m)] for m in range(1, 12))
    exact = round((cur - base) * 100 / base, 1)
    definitions = by_windows(count_definitions(values))
    far = min(definitions.values()) - 20  # a fall no definition comes near
    smallest_fall = max(definitions.values())
    path = write_claims(tmp_path, f"""
[[claim]]
id = "stated_windows"
text = "Homicides fell {exact}% between January-November 2012 and 2015."
indicators = ["homicidio_doloso"]
change_pct = {exact}
current = "2015-01:2015-11"
baseline = "2012-01:2012-11"
measure = "count"

[[claim]]
id = "false"
text = "Homicides fell by half."
indicators = ["homicidio_doloso"]
change_pct = {far:.0f}
measure = "count"

[[claim]]
id = "more_than"
text = "Homicides fell by more than {abs(smallest_fall) - 1:.0f}%."
indicators = ["homicidio_doloso"]
change_pct = {smallest_fall + 1:.0f}
bound = "more_than"
measure = "count"

[[claim]]
id = "less_than"
text = "Homicides fell by less than 5%."
indicators = ["homicidio_doloso"]
change_pct = -5
bound = "less_than"
measure = "count"

[[claim]]
id = "baja_california"
text = "Homicides rose by more than 30% in Baja California."
indicators = ["homicidio_doloso"]
geo = "Baja California"
change_pct = 30
bound = "more_than"
measure = "count"
""")
    got = check(path)
    # January-November 2015 reproduces it, but November was not public on 18 December: the
    # stated windows rest on a month not yet published, which confirms nothing (issue 21)
    assert got["stated_windows"]["verdict"] == "misleading"
    assert got["stated_windows"]["judgement"]["weaknesses"] == ["not_published"]
    assert got["stated_windows"]["range"]["candidates"] == 1
    assert (got["stated_windows"]["best"]["current_value"],
            got["stated_windows"]["best"]["baseline_value"]) == (cur, base)
    false = got["false"]
    assert false["verdict"] == "not_reproduced" and false["matches"] == []
    # the closest of all the definitions is named
    closest = min(false["candidates"], key=lambda d: abs(d["pct_change"] - round(far)))
    assert false["best"]["pct_change"] == closest["pct_change"]
    newest = min(definitions.values(), key=lambda v: abs(v - round(far)))
    assert abs(closest["pct_change"] - round(far)) <= abs(newest - round(far)) + 0.01
    # every count definition fell by more than the smallest fall minus a point
    assert got["more_than"]["verdict"] == "reproduced"
    assert len([d for d in got["more_than"]["matches"] if d["cut"] == "2017-12"]) == sum(
        1 for v in definitions.values() if v < round(smallest_fall + 1))
    assert got["less_than"]["verdict"] == "not_reproduced"
    bc = by_windows(count_definitions(monthly(old_rows, "homicidio_doloso", {"2"})))
    assert got["baja_california"]["verdict"] == (
        "reproduced" if any(v > 30 for v in bc.values()) else "not_reproduced")
    assert len([d for d in got["baja_california"]["matches"] if d["cut"] == "2017-12"]) == \
        sum(1 for v in bc.values() if v > 30)


def test_a_group_claim(published, old_rows, tmp_path):
    values = monthly(old_rows, "extorsion", BORDER)
    definitions = by_windows(count_definitions(values))
    target = definitions[("2015-01:2015-10", "2012-01:2012-10")]
    path = write_claims(tmp_path, f"""
[[claim]]
id = "border_extortion"
text = "Extortion changed {target:.1f}% on the northern border."
indicators = ["extorsion"]
geo = "frontera_norte"
change_pct = {target:.1f}
measure = "count"
""")
    c = check(path)["border_extortion"]
    assert c["verdict"] == "reproduced"
    assert matched_windows(c) == {k for k, v in definitions.items()
                                  if about(v, round(target, 1), 1)}
    assert {m["geo_code"] for m in c["members"]} == {"02", "05", "08", "19", "26", "28"}


def nm_monthly(path: Path, subtype: str) -> dict[tuple[int, int], int]:
    out: dict[tuple[int, int], int] = {}
    for r in read_csv_rows(path, "latin-1"):
        if r["Subtipo de delito"] == subtype:
            for m, name in enumerate(NM_MONTHS, start=1):
                if r[name].strip():
                    key = (int(r["Año"]), m)
                    out[key] = out.get(key, 0) + int(r[name])
    return out


def test_a_claim_across_the_2026_break(published, tmp_path):
    """Homicides are recorded as comparable across the 2026 catalogue change: the 2026
    windows come from the new catalogue and the 2024 ones from the 2015 one, flagged."""
    new = nm_monthly(RNID_2026_FILE, "Homicidio doloso")
    old = nm_monthly(NM_FILE, "Homicidio doloso")
    cur = sum(new[(2026, m)] for m in (1, 2, 3))
    base = sum(old[(2024, m)] for m in (1, 2, 3))
    pct = (cur - base) * 100 / base
    path = write_claims(tmp_path, f"""
[[claim]]
id = "homicidios_2026"
text = "Homicides changed {pct:.1f}% in the first quarter."
indicators = ["homicidio_doloso"]
change_pct = {pct:.1f}
current = "2026-01:2026-03"
baseline = "2024-01:2024-03"
measure = "count"

[[claim]]
id = "secuestro_2026"
text = "Kidnapping fell."
indicators = ["secuestro"]
change_pct = -10
current = "2026-01:2026-03"
baseline = "2024-01:2024-03"
measure = "count"
""", said_on="2026-04-25", baseline_year=2024)
    got = check(path)
    h = got["homicidios_2026"]
    assert h["verdict"] == "reproduced"
    assert (h["best"]["current_value"], h["best"]["baseline_value"]) == (cur, base)
    assert (h["best"]["series"], h["best"]["baseline_series"]) == ("rnid_2026", "cnsp_2015")
    assert any(c["kind"] == "methodology_break" for c in h["caveats"])
    s = got["secuestro_2026"]  # only partly comparable: not one number
    assert s["verdict"] == "not_checkable"
    assert "parcialmente comparable" in s["reason"]  # in words, not the key


@pytest.mark.parametrize("body,words", [
    ("[[claim]]\nid = \"a\"\ntext = \"x\"\nindicators = [\"homicidio_doloso\"]\n",
     ["claim 'a'", "change_pct"]),
    ("[[claim]]\nid = \"a\"\ntext = \"x\"\nindicators = [\"homicidios\"]\nchange_pct = -22\n",
     ["claim 'a'", "field indicators", "'homicidios'", "homicidio_doloso"]),
    ("[[claim]]\nid = \"a\"\ntext = \"x\"\nindicators = [\"homicidio_doloso\"]\n"
     "change_pct = \"veintidós\"\n", ["claim 'a'", "change_pct", "veintidós"]),
    ("[[claim]]\nid = \"a\"\ntext = \"x\"\nindicators = [\"homicidio_doloso\"]\n"
     "change_pct = -22\nbound = \"around\"\n", ["claim 'a'", "bound", "around"]),
    ("[[claim]]\nid = \"a\"\ntext = \"x\"\nindicators = [\"homicidio_doloso\"]\n"
     "change_pct = -22\ngeo = \"Atlantis\"\n", ["claim 'a'", "field geo", "Atlantis"]),
    ("[[claim]]\nid = \"a\"\ntext = \"x\"\nindicators = [\"homicidio_doloso\"]\n"
     "change_pct = -22\n[[claim]]\nid = \"a\"\ntext = \"y\"\n"
     "indicators = [\"secuestro\"]\nchange_pct = -27\n", ["'a'", "twice"]),
    ("[[claim]]\nid = \"a\"\ntext = \"x\"\nindicators = [\"homicidio_doloso\"]\n"
     "change_pct = -22\ncurrent = \"2015\"\nbaseline = \"2012\"\n", ["claim 'a'", "current",
                                                                     "YYYY-MM"]),
    ("[[claim]]\nid = \"p\"\nkind = \"spending\"\ntext = \"x\"\nprogram = \"pronapred\"\n",
     ["claim 'p'", "amount_pesos"]),
    ("[[claim]]\nid = \"a\"\ntext = \"x\"\nindicators = [\"homicidio_doloso\"]\n"
     "change_pct = -22\nspeaker = \"me\"\n", ["claim 'a'", "speaker"]),
])
def test_bad_claims_files_are_refused_with_the_claim_and_field(published, tmp_path, body, words):
    path = write_claims(tmp_path, body)
    result = run_cli("--lang", "en", "check-claims", str(path))
    assert result.returncode == 1
    assert str(path) in result.stderr
    for w in words:
        assert w in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content,words", [
    (b"[statement\ntitle = 'x'", ["not valid TOML"]),
    (b"", ["statement"]),
    ("[statement]\ntitle = 'Año'\n".encode("latin-1"), ["not UTF-8"]),
    (b"[statement]\ntitle = 'x'\nsaid_on = 2015-12-18\nbaseline_year = 2016\n"
     b"[[claim]]\nid='a'\ntext='x'\nindicators=['secuestro']\nchange_pct=-1\n",
     ["baseline_year", "before"]),
])
def test_damaged_claims_files(published, tmp_path, content, words):
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    result = run_cli("--lang", "en", "check-claims", str(path))
    assert result.returncode == 1
    for w in words:
        assert w in result.stderr, result.stderr
    missing = run_cli("check-claims", str(tmp_path / "nope.toml"))
    assert missing.returncode == 1 and "no existe el archivo" in missing.stderr


def test_markdown_and_html_read_like_a_fact_check(published, tmp_path):
    md = run_cli("check-claims", str(SHIPPED_CLAIMS), "--format", "md").stdout
    assert "«The number of intentional homicides has dropped by 22%.»" in md
    assert "Se reproduce" in md and "Lo que no dijo" in md
    assert hashlib.sha256(OLD_FILE.read_bytes()).hexdigest() in md
    out = tmp_path / "check.html"
    result = run_cli("check-claims", str(SHIPPED_CLAIMS), "--format", "html", "--lang", "en",
                     "--output", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.count("class='chart sensitivity'") == 6  # one per change claim
    assert "Baja California" in page and "Reproduced only as a rate" in page
    assert "<script" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*['"]https?:""", page)
    table = run_cli("check-claims", str(SHIPPED_CLAIMS), "--lang", "en").stdout
    assert "Claim 5: «Kidnapping has fallen by 27%.»" in table
    assert "Reproduced only as a rate: -27.0%" in table
