"""Issue 21: verdicts a journalist can publish. The five cases of the issue, and every new
kind, bound and family of the claims file, true, false and misleading, in Spanish and English
claims files written here; every expected figure is computed here from the raw state crime
and victims files with the csv module, never copied from the program's output."""

from __future__ import annotations

import calendar
import json
import math
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandera.pandas as pa
import pytest

from conftest import NM_FILE, REPO, VICTIMS_FILE, read_csv_rows, run_cli
from schemas import reference

SHIPPED_CLAIMS = REPO / "claims" / "cnsp_2015-12-18.toml"
MONTHS = ["Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto",
          "Septiembre", "Octubre", "Noviembre", "Diciembre"]
# Written from the indicators' definitions, not read from the crosswalk.
def VIOLENT_ROBBERY(r) -> bool:
    return r["Tipo de delito"] == "Robo" and r["Modalidad"].endswith("Con violencia")


def FEMICIDE(r) -> bool:
    return r["Tipo de delito"] == "Feminicidio"


def HOMICIDE(r) -> bool:
    return r["Subtipo de delito"] == "Homicidio doloso"


@pytest.fixture(scope="module")
def crimes():
    return read_csv_rows(NM_FILE, "latin-1")


@pytest.fixture(scope="module")
def victims():
    return read_csv_rows(VICTIMS_FILE, "latin-1")


def monthly(rows, keep, state: str | None = None) -> dict[tuple[int, int], int]:
    """(year, month) -> the sum of the rows kept; months with an empty cell are left out
    (not published), never counted as zero."""
    out: dict[tuple[int, int], int] = {}
    empty: set[tuple[int, int]] = set()
    for r in rows:
        if keep(r) and (state is None or r["Clave_Ent"] == state):
            for m, name in enumerate(MONTHS, start=1):
                key = (int(r["Año"]), m)
                if r[name].strip():
                    out[key] = out.get(key, 0) + int(r[name])
                else:
                    empty.add(key)
    return {k: v for k, v in out.items() if k not in empty}


def months(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
    out, (y, m) = [], start
    while (y, m) <= end:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def total(values, start, end) -> int:
    return sum(values[k] for k in months(start, end))


def days(start, end) -> int:
    return sum(calendar.monthrange(y, m)[1] for y, m in months(start, end))


def pct(cur: float, base: float) -> float:
    return (cur - base) * 100 / base


def write_claims(tmp_path: Path, body: str, said_on: str, baseline_year: int,
                 statement: str = "") -> Path:
    path = tmp_path / "claims.toml"
    path.write_text(f"""
[statement]
title = "Claims written for issue 21"
speaker = "Una funcionaria"
said_on = {said_on}
baseline_year = {baseline_year}
{statement}
{body}""", encoding="utf-8")
    return path


def check(path: Path, *args: str) -> dict:
    result = run_cli("check-claims", str(path), "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return {c["id"]: c for c in json.loads(result.stdout)["claims"]}


def published_on(y: int, m: int) -> date:
    """The SESNSP's rule (publication_calendar.csv, re-done here): month M around the 20th
    of M+1."""
    y2, m2 = (y + 1, 1) if m == 12 else (y, m + 1)
    return date(y2, m2, 20)


# --- the five cases of "What was seen" -----------------------------------------------------

def test_almost_ten_percent_in_the_last_twelve_months_is_not_reproduced(published, crimes,
                                                                        tmp_path):
    """'Casi 10 por ciento en los últimos doce meses': the wording names its window (the 12
    months) and 'casi' is [9%, 10%) of the same sign; the 12 months give about -6%."""
    values = monthly(crimes, VIOLENT_ROBBERY)
    said = date(2024, 12, 18)
    # the 12 months to the last month published by the day (October 2024)
    r12 = pct(total(values, (2023, 11), (2024, 10)), total(values, (2022, 11), (2023, 10)))
    assert published_on(2024, 10) <= said < published_on(2024, 11)
    near = math.ceil(abs(r12))  # 'casi 6%': true when |r12| is in [5.4, 6)
    path = write_claims(tmp_path, f"""
[[claim]]
id = "robo_es"
text = "El robo con violencia bajó casi 10 por ciento en los últimos doce meses."
indicators = ["robo_con_violencia"]
change_pct = -10
bound = "almost"
family = "r12"

[[claim]]
id = "robo_en"
text = "Robbery with violence fell almost 10 percent in the last twelve months."
indicators = ["robo_con_violencia"]
change_pct = -10
bound = "almost"
family = "r12"

[[claim]]
id = "robo_casi_cierto"
text = "El robo con violencia bajó casi {near} por ciento en los últimos doce meses."
indicators = ["robo_con_violencia"]
change_pct = -{near}
bound = "almost"
family = "r12"

[[claim]]
id = "robo_subio"
text = "El robo con violencia subió casi {near} por ciento en los últimos doce meses."
indicators = ["robo_con_violencia"]
change_pct = {near}
bound = "almost"
family = "r12"

[[claim]]
id = "robo_menos_de"
text = "El robo con violencia subió menos de 10 por ciento en los últimos doce meses."
indicators = ["robo_con_violencia"]
change_pct = 10
bound = "less_than"
family = "r12"
""", "2024-12-18", 2023)
    got = check(path, "--lang", "es")
    for cid in ("robo_es", "robo_en"):
        c = got[cid]
        assert c["verdict"] == "not_reproduced", c["verdict_text"]
        assert c["matches"] == []
        # what the wording's own definition gives: the 12 months to October 2024
        assert c["wording"]["family"] == "r12"
        assert (c["wording"]["current"], c["wording"]["baseline"]) == ("2023-11:2024-10",
                                                                      "2022-11:2023-10")
        assert c["wording"]["pct_change"] == pytest.approx(round(r12, 2), abs=0.006)
        assert f"{r12:+.1f}%" in c["verdict_text"] and "12 meses" in c["verdict_text"]
        assert c["judgement"]["named"] is True
    assert got["robo_casi_cierto"]["verdict"] == (
        "reproduced" if 0.9 * near <= abs(r12) < near else "not_reproduced")
    # almost and less_than need the same sign: a fall is not 'a rise of almost 6%'
    assert r12 < 0
    assert got["robo_subio"]["verdict"] == "not_reproduced"
    assert got["robo_menos_de"]["verdict"] == "not_reproduced"


def test_a_single_low_count_month_is_misleading(published, crimes, tmp_path):
    """Nuevo León's femicides 'fell 20%': only November 2024 against November 2023 gives it,
    five cases to four, a month not yet published on 18 December, one of many readings."""
    nl = monthly(crimes, FEMICIDE, "19")
    nov = pct(nl[(2024, 11)], nl[(2023, 11)])
    assert round(nov) == -20 and nl[(2024, 11)] < 10
    assert published_on(2024, 11) > date(2024, 12, 18)
    path = write_claims(tmp_path, """
[[claim]]
id = "nl_es"
text = "En Nuevo León los feminicidios cayeron 20%."
indicators = ["feminicidio"]
geo = "Nuevo León"
change_pct = -20

[[claim]]
id = "nl_en"
text = "In Nuevo León, femicides fell 20%."
indicators = ["feminicidio"]
geo = "19"
change_pct = -20
""", "2024-12-18", 2023)
    for lang in ("es", "en"):
        got = check(path, "--lang", lang)
        for c in got.values():
            assert c["verdict"] == "misleading", c["verdict_text"]
            best = c["best"]
            assert (best["family"], best["current"], best["measure"]) == (
                "month", "2024-11:2024-11", "count")
            assert (best["current_value"], best["baseline_value"]) == (nl[(2024, 11)],
                                                                       nl[(2023, 11)])
            assert set(c["judgement"]["weaknesses"]) >= {"low_count", "not_published",
                                                         "single_month", "minority"}
            assert c["judgement"]["share"] < 0.33
            word = "Engañoso" if lang == "es" else "Misleading"
            assert c["verdict_text"].startswith(word)
            assert ("cifras bajas" if lang == "es" else "low counts") in c["verdict_text"]


def test_as_of_a_day_whose_cut_is_not_loaded_is_not_checkable(published):
    """The shipped statement --as-of 2015-12-18: the cut published by then (October 2015,
    out around 20 November) is not loaded; what the December-2014 workbook says is not what
    the data said that day: not checkable, naming the cut to load."""
    said = date(2015, 12, 18)
    cut = max((y, m) for y, m in months((2015, 1), (2015, 12)) if published_on(y, m) <= said)
    assert cut == (2015, 10)
    for lang, words in (("en", ["October 2015", f"{published_on(*cut):%Y-%m-%d}",
                                "IDEFC_NM"]),
                        ("es", ["octubre de 2015", f"{published_on(*cut):%Y-%m-%d}"])):
        got = check(SHIPPED_CLAIMS, "--as-of", "2015-12-18", "--lang", lang)
        for cid, c in got.items():
            if c["kind"] == "spending":
                assert c["verdict"] == "reproduced"  # budgets have no cut of the day
                continue
            assert c["verdict"] == "not_checkable", (cid, c["verdict_text"])
            for w in words:
                assert w in c["reason"], c["reason"]


def test_the_daily_average_of_victims_from_september_to_december(published, victims, crimes,
                                                                 tmp_path):
    """'El promedio diario de homicidios dolosos bajó 16.3% de septiembre a diciembre de
    2024': victims (the IDVFC file), per day: 2,609 in 30 days against 2,257 in 31."""
    v = monthly(victims, HOMICIDE)
    sep, dec = v[(2024, 9)] / 30, v[(2024, 12)] / 31
    per_day = pct(dec, sep)
    as_totals = pct(v[(2024, 12)], v[(2024, 9)])
    assert round(per_day, 1) == -16.3 and round(as_totals, 1) != -16.3
    path = write_claims(tmp_path, """
[[claim]]
id = "diario_es"
text = "El promedio diario de homicidios dolosos bajó 16.3% de septiembre a diciembre de 2024."
indicators = ["homicidio_doloso"]
change_pct = -16.3
per = "day"
current = "2024-12"
baseline = "2024-09"

[[claim]]
id = "daily_en"
text = "The daily average of intentional homicides fell 16.3% from September to December 2024."
indicators = ["homicidio_doloso"]
change_pct = -16.3
per = "day"
current = "2024-12"
baseline = "2024-09"
""", "2025-01-21", 2024)
    for args in ((), ("--as-of", "2025-01-21")):
        got = check(path, *args)
        for c in got.values():
            assert c["verdict"] == "reproduced", c["verdict_text"]
            best = c["best"]
            assert (best["measure"], best["per"]) == ("victims", "day")
            assert best["current_value"] == pytest.approx(dec, abs=1e-4)
            assert best["baseline_value"] == pytest.approx(sep, abs=1e-4)
            assert best["pct_change"] == pytest.approx(round(per_day, 2), abs=0.006)
            # published on the 20th of January: the cut of the day, for victims too
            assert best["published_by_said_on"] and best["cut_of_the_day"]
            assert not any(cv["kind"] == "no_cut_of_the_day" for cv in c["caveats"])
            days_differ = next(cv for cv in c["caveats"] if cv["kind"] == "days_differ")
            assert days_differ["pct_change"] == pytest.approx(round(as_totals, 2), abs=0.006)
            assert (days_differ["current_days"], days_differ["baseline_days"]) == (31, 30)
    # as of that day the state crime file's December cut was not loaded: its readings were
    # left out, and the check says which cut to load
    crime_cut = next(cv for cv in got["diario_es"]["caveats"]
                     if cv["kind"] == "cut_of_the_day_missing")
    assert crime_cut["dataset"] == "crime_state" and "2024" in crime_cut["text"]
    assert max(k for k in monthly(crimes, HOMICIDE)) == (2024, 11)


def test_victims_are_compared_as_they_stood_on_a_date(published, victims):
    """report compare --measure victims --as-of reads the victims cuts published by then,
    as it reads crimes (it used to say victims come from their newest cut)."""
    v = monthly(victims, HOMICIDE)
    args = ["report", "compare", "--indicator", "homicidio_doloso", "--geo", "national",
            "--current", "2024-12", "--baseline", "2024-09", "--measure", "victims",
            "--per", "day", "--format", "json"]
    ok = run_cli(*args, "--as-of", "2025-01-21")
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert data["pct_change"] == pytest.approx(round(pct(v[(2024, 12)] / 31,
                                                         v[(2024, 9)] / 30), 2), abs=0.006)
    assert data["cut_date"] == "2024-12"
    # on 10 January 2025 no victims cut with December 2024 had been published
    before = run_cli(*args, "--as-of", "2025-01-10")
    assert before.returncode == 1 and "Traceback" not in before.stderr
    assert "2024-12" in before.stderr


# --- the new kinds: difference, level, record ------------------------------------------------

def test_difference_level_and_record_claims(published, victims, tmp_path):
    v = monthly(victims, HOMICIDE)
    sep, dec = v[(2024, 9)] / 30, v[(2024, 12)] / 31
    decembers = {y: v[(y, 12)] / 31 for y in range(2015, 2025)}
    assert all(decembers[2024] < decembers[y] for y in range(2017, 2024))  # the data's fact
    assert decembers[2016] < decembers[2024]  # ... and 2016 was lower: 'since 2016'
    body = f"""
[[claim]]
id = "menos_diarios"
kind = "difference"
text = "De septiembre a diciembre de 2024 hay {abs(round(dec - sep))} homicidios diarios menos."
indicators = ["homicidio_doloso"]
difference = {round(dec - sep)}
per = "day"
current = "2024-12"
baseline = "2024-09"

[[claim]]
id = "fewer_a_day_false"
kind = "difference"
text = "From September to December 2024 there were 34 fewer homicides a day."
indicators = ["homicidio_doloso"]
difference = -34
per = "day"
current = "2024-12"
baseline = "2024-09"

[[claim]]
id = "nivel"
kind = "level"
text = "En diciembre de 2024 hubo {dec:.1f} homicidios al día."
indicators = ["homicidio_doloso"]
value = {dec:.1f}
per = "day"
current = "2024-12"

[[claim]]
id = "level_false"
kind = "level"
text = "In December 2024 there were {dec + 8:.1f} homicides a day."
indicators = ["homicidio_doloso"]
value = {dec + 8:.1f}
per = "day"
current = "2024-12"

[[claim]]
id = "record_2016"
kind = "record"
text = "Diciembre de 2024 fue el diciembre con menos homicidios diarios desde 2016."
indicators = ["homicidio_doloso"]
record = "lowest"
since = 2016
compare = "same_month"
per = "day"
current = "2024-12"

[[claim]]
id = "record_2015_false"
kind = "record"
text = "December 2024 was the lowest December since 2015."
indicators = ["homicidio_doloso"]
record = "lowest"
since = 2015
per = "day"
current = "2024-12"
"""
    got = check(write_claims(tmp_path, body, "2025-01-21", 2024), "--lang", "es")
    d = got["menos_diarios"]
    assert d["verdict"] == "reproduced", d["verdict_text"]
    assert d["best"]["difference"] == pytest.approx(round(dec - sep, 4), abs=1e-3)
    assert got["fewer_a_day_false"]["verdict"] == "not_reproduced"
    assert got["nivel"]["verdict"] == "reproduced"
    assert got["nivel"]["best"]["value"] == pytest.approx(round(dec, 4), abs=1e-3)
    assert got["nivel"]["best"]["count"] == v[(2024, 12)]
    assert got["level_false"]["verdict"] == "not_reproduced"
    r = got["record_2016"]
    assert r["verdict"] == "reproduced", r["verdict_text"]
    periods = {p["window"]: p["value"] for p in r["best"]["periods"]}
    assert periods == pytest.approx({f"{y}-12": decembers[y] for y in range(2017, 2024)},
                                    abs=1e-3)
    assert r["best"]["since_period"]["value"] == pytest.approx(decembers[2016], abs=1e-3)
    assert f"{decembers[2016]:.2f}" in r["verdict_text"]
    false = got["record_2015_false"]
    assert false["verdict"] == "not_reproduced"
    assert "diciembre de 2016" in false["verdict_text"]
    # said before the December victims cut was published: only fragile readings confirm them
    early = check(write_claims(tmp_path, body, "2025-01-10", 2024), "--lang", "en")
    for cid in ("menos_diarios", "nivel", "record_2016"):
        assert early[cid]["verdict"] == "misleading", early[cid]["verdict_text"]
        assert "not_published" in early[cid]["judgement"]["weaknesses"]
        assert early[cid]["verdict_text"].startswith("Misleading")


# --- the families the wording names -----------------------------------------------------------

def test_the_family_the_wording_names(published, crimes, victims, tmp_path):
    """ytd, full_year, month, avg_since (investigation files) and the new
    since_administration_month (victims per day against September 2024, the last month before
    an administration that began in October 2024)."""
    h = monthly(crimes, HOMICIDE)
    v = monthly(victims, HOMICIDE)
    expected = {
        # the latest reading published by 18 December 2024: M = October 2024
        "ytd": pct(total(h, (2024, 1), (2024, 10)), total(h, (2023, 1), (2023, 10))),
        "month": pct(h[(2024, 10)], h[(2023, 10)]),
        "avg_since": pct(total(h, (2024, 1), (2024, 10)) / 10,
                         total(h, (2023, 1), (2023, 12)) / 12),
    }
    body = "".join(f"""
[[claim]]
id = "{family}"
text = "Los homicidios dolosos bajaron {abs(value):.2f}% ({family})."
indicators = ["homicidio_doloso"]
change_pct = {value:.2f}
family = "{family}"
measure = "count"

[[claim]]
id = "{family}_false"
text = "Homicides fell {abs(value) + 15:.2f}% ({family})."
indicators = ["homicidio_doloso"]
change_pct = {value - 15:.2f}
family = "{family}"
measure = "count"
""" for family, value in expected.items())
    got = check(write_claims(tmp_path, body, "2024-12-18", 2023))
    for family, value in expected.items():
        c = got[family]
        assert c["verdict"] == "reproduced", (family, c["verdict_text"])
        assert c["best"]["family"] == family and c["best"]["current"].endswith("2024-10")
        assert c["best"]["pct_change"] == pytest.approx(round(value, 2), abs=0.006)
        assert got[f"{family}_false"]["verdict"] == "not_reproduced"
        assert got[f"{family}_false"]["wording"]["family"] == family
    # full years: 2023 against the baseline year 2022
    full = pct(total(h, (2023, 1), (2023, 12)), total(h, (2022, 1), (2022, 12)))
    got = check(write_claims(tmp_path, f"""
[[claim]]
id = "full_year"
text = "En el año completo los homicidios bajaron {abs(full):.1f}%."
indicators = ["homicidio_doloso"]
change_pct = {full:.1f}
family = "full_year"
measure = "count"
""", "2024-12-18", 2022))
    assert got["full_year"]["verdict"] == "reproduced"
    assert got["full_year"]["best"]["family"] == "full_year_before"
    # since the last month of the previous administration (September 2024), per day
    dec = pct(v[(2024, 12)] / 31, v[(2024, 9)] / 30)
    nov = pct(v[(2024, 11)] / 30, v[(2024, 9)] / 30)
    body = f"""
[[claim]]
id = "desde_septiembre"
text = "Respecto a septiembre de 2024, el promedio diario de víctimas bajó {abs(dec):.1f}%."
indicators = ["homicidio_doloso"]
change_pct = {dec:.1f}
family = "since_administration_month"
per = "day"
measure = "victims"

[[claim]]
id = "since_september_unpublished"
text = "Since September 2024 the daily average fell {abs(dec):.1f}%."
indicators = ["homicidio_doloso"]
change_pct = {dec:.1f}
family = "since_administration_month"
per = "day"
measure = "victims"
"""
    statement = 'administration_start = "2024-10"'
    got = check(write_claims(tmp_path, body, "2025-01-21", 2024, statement))
    c = got["desde_septiembre"]
    assert c["verdict"] == "reproduced", c["verdict_text"]
    assert (c["best"]["family"], c["best"]["current"], c["best"]["baseline"]) == (
        "since_administration_month", "2024-12:2024-12", "2024-09:2024-09")
    assert c["best"]["pct_change"] == pytest.approx(round(dec, 2), abs=0.006)
    assert round(nov, 1) != round(dec, 1)
    # said on 10 January, December was not yet public: the same figure is misleading
    early = check(write_claims(tmp_path, body, "2025-01-10", 2024, statement))
    assert early["desde_septiembre"]["verdict"] == "misleading"


def test_a_monthly_average_over_windows_of_different_lengths(published, crimes, tmp_path):
    """per = "month": January-October 2024's monthly average against 2023's."""
    h = monthly(crimes, HOMICIDE)
    expected = pct(total(h, (2024, 1), (2024, 10)) / 10, total(h, (2023, 1), (2023, 12)) / 12)
    got = check(write_claims(tmp_path, f"""
[[claim]]
id = "mensual"
text = "El promedio mensual de homicidios dolosos bajó {abs(expected):.1f}%."
indicators = ["homicidio_doloso"]
change_pct = {expected:.1f}
per = "month"
measure = "count"
current = "2024-01:2024-10"
baseline = "2023-01:2023-12"
""", "2024-12-18", 2023))
    c = got["mensual"]
    assert c["verdict"] == "reproduced"
    assert c["best"]["per"] == "month" and c["best"]["monthly_average"] is True
    assert c["best"]["current_value"] == pytest.approx(total(h, (2024, 1), (2024, 10)) / 10,
                                                       abs=1e-3)


# --- the shipped statement, the rules as data, and the outputs ----------------------------

def test_the_rules_are_data_read_from_the_warehouse(workspace):
    """The thresholds are core.verdict_rule (from verdict_rules.csv): demand that nearly
    every reading agree, and the shipped homicide figure is no longer confirmed."""
    before = check(SHIPPED_CLAIMS)["homicidios"]
    assert before["verdict"] == "reproduced"
    assert before["judgement"]["share"] < 0.99
    con = duckdb.connect(str(workspace / "warehouse" / "seguridad.duckdb"))
    try:
        con.execute("UPDATE core.verdict_rule SET value = '0.99' "
                    "WHERE rule = 'min_agreeing_share'")
    finally:
        con.close()
    after = check(SHIPPED_CLAIMS)["homicidios"]
    assert after["verdict"] == "misleading"
    assert after["judgement"]["weaknesses"] == ["minority"]


@pytest.mark.parametrize("row,words", [
    ("low_count,diez,x", ["does not fit the rule"]),
    ("min_agreeing_share,1.5,x", ["does not fit the rule"]),
    ("almost_from,0.9,again", ["unique"]),
    ("strictness,3,x", ["rule"]),
])
def test_a_bad_verdict_rule_is_refused(tmp_path, row, words):
    from seguridad.errors import FileRejected
    from seguridad.warehouse import build as warehouse

    ref = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, ref)
    with open(ref / "verdict_rules.csv", "a", encoding="utf-8") as f:
        f.write(row + "\n")
    with pytest.raises(pa.errors.SchemaErrors):
        reference.VerdictRules.validate(reference.read("verdict_rules", ref), lazy=True)
    with pytest.raises(FileRejected) as e:
        warehouse.validate_reference(ref)
    message = str(e.value)
    assert "verdict_rules.csv" in message
    for w in words:
        assert w in message, message


def test_the_same_reference_data_is_validated_once_a_process(tmp_path, monkeypatch):
    """A process that builds several warehouses validates the same reference bytes once; a
    changed file is validated again (and refused here)."""
    from seguridad.errors import FileRejected
    from seguridad.intake import validate
    from seguridad.warehouse import build as warehouse
    from seguridad.warehouse import reference as warehouse_reference

    monkeypatch.setattr(warehouse_reference, "_PASSED", set())
    checked = []
    real = validate.validate
    monkeypatch.setattr(validate, "validate",
                        lambda model, df: (checked.append(model), real(model, df))[1])
    ref = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, ref)
    warehouse.validate_reference(ref)
    warehouse.validate_reference(ref)
    assert checked == list(reference.REFERENCE_MODELS.values())
    with open(ref / "verdict_rules.csv", "a", encoding="utf-8") as f:
        f.write("low_count,diez,x\n")
    with pytest.raises(FileRejected, match="verdict_rules.csv"):
        warehouse.validate_reference(ref)


def test_spanish_words_in_every_human_format(published, tmp_path):
    table = run_cli("check-claims", str(SHIPPED_CLAIMS), "--lang", "es").stdout
    assert "rango:" in table and "en 51 definiciones" in table
    assert "over 51 definitions" not in table and "range:" not in table
    md = run_cli("check-claims", str(SHIPPED_CLAIMS), "--format", "md", "--lang", "es").stdout
    assert "Se reproduce solo como tasa" in md and "Sensibilidad" in md
    page = tmp_path / "check.html"
    run_cli("check-claims", str(SHIPPED_CLAIMS), "--format", "html", "--lang", "es",
            "--output", str(page))
    html = page.read_text(encoding="utf-8")
    assert "Veredicto" in html and "Cada punto es una definición" in html
    assert "Verdict" not in html and "Each dot" not in html
    english = run_cli("check-claims", str(SHIPPED_CLAIMS), "--lang", "en").stdout
    assert "over 51 definitions" in english


def test_claimreview_json_ld(published, monkeypatch, tmp_path):
    """One schema.org ClaimReview per claim, as Google's fact-check markup asks: claimReviewed,
    itemReviewed (a Claim with its author and date), reviewRating with a Spanish
    alternateName, the reviewing organisation from SEGURIDAD_REVIEWER."""
    missing = run_cli("check-claims", str(SHIPPED_CLAIMS), "--format", "claimreview")
    assert missing.returncode == 1 and "SEGURIDAD_REVIEWER" in missing.stderr
    assert "Traceback" not in missing.stderr
    monkeypatch.setenv("SEGURIDAD_REVIEWER", "Verificado de prueba")
    monkeypatch.setenv("SEGURIDAD_REVIEWER_URL", "https://example.org/verificacion")
    result = run_cli("check-claims", str(SHIPPED_CLAIMS), "--format", "claimreview")
    assert result.returncode == 0, result.stderr
    reviews = json.loads(result.stdout)
    verdicts = {c["id"]: c["verdict"] for c in check(SHIPPED_CLAIMS).values()}
    statement = read_statement(SHIPPED_CLAIMS)
    assert len(reviews) == len(verdicts)
    words = {"reproduced": "Verdadero", "reproduced_as_rate": "Verdadero",
             "misleading": "Engañoso", "not_reproduced": "Falso",
             "not_checkable": "No verificable"}
    for review, (cid, verdict) in zip(reviews, verdicts.items(), strict=True):
        assert review["@context"] == "https://schema.org"
        assert review["@type"] == "ClaimReview"
        assert review["url"] == f"https://example.org/verificacion#{cid}"
        assert review["claimReviewed"] == statement["claims"][cid]
        assert date.fromisoformat(review["datePublished"])
        assert review["author"] == {"@type": "Organization", "name": "Verificado de prueba",
                                    "url": "https://example.org/verificacion"}
        item = review["itemReviewed"]
        assert item["@type"] == "Claim" and item["datePublished"] == "2015-12-18"
        assert item["author"] == {"@type": "Person", "name": statement["speaker"]}
        rating = review["reviewRating"]
        assert rating["@type"] == "Rating"
        assert rating["alternateName"] == words[verdict]
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert rating["ratingExplanation"]
    not_checkable = json.loads(run_cli("check-claims", str(SHIPPED_CLAIMS), "--format",
                                       "claimreview", "--as-of", "2015-12-18").stdout)
    rating = not_checkable[0]["reviewRating"]
    assert rating["alternateName"] == "No verificable" and "ratingValue" not in rating


def read_statement(path: Path) -> dict:
    import tomllib

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {"speaker": data["statement"]["speaker"],
            "claims": {c["id"]: c["text"] for c in data["claim"]}}


@pytest.mark.parametrize("body,words", [
    ("kind = \"level\"\nindicators = [\"homicidio_doloso\"]\nvalue = 72.8\n",
     ["claim 'a'", "current"]),
    ("kind = \"record\"\nindicators = [\"homicidio_doloso\"]\nrecord = \"lowest\"\n"
     "current = \"2024-12\"\n", ["claim 'a'", "since"]),
    ("kind = \"difference\"\nindicators = [\"homicidio_doloso\"]\nchange_pct = -10\n",
     ["claim 'a'", "change_pct", "difference"]),
    ("indicators = [\"homicidio_doloso\"]\nchange_pct = -10\nper = \"week\"\n",
     ["claim 'a'", "per", "week"]),
    ("indicators = [\"homicidio_doloso\"]\nchange_pct = -10\nfamily = \"r12\"\n"
     "current = \"2024-12\"\nbaseline = \"2024-09\"\n", ["claim 'a'", "family", "not both"]),
    ("indicators = [\"homicidio_doloso\"]\nchange_pct = -10\nbound = \"casi\"\n",
     ["claim 'a'", "bound", "casi"]),
    ("indicators = [\"homicidio_doloso\"]\nchange_pct = -10\nper = \"day\"\n"
     "measure = \"rate\"\n", ["claim 'a'", "per", "annualised"]),
    ("kind = \"record\"\nindicators = [\"homicidio_doloso\"]\nrecord = \"lowest\"\n"
     "since = 2016\ncompare = \"year\"\ncurrent = \"2024-12\"\n", ["claim 'a'", "whole year"]),
])
def test_bad_new_fields_are_refused_with_the_claim_and_field(published, tmp_path, body, words):
    path = write_claims(tmp_path, f'[[claim]]\nid = "a"\ntext = "x"\n{body}', "2025-01-21",
                        2024)
    result = run_cli("--lang", "en", "check-claims", str(path))
    assert result.returncode == 1
    for w in words:
        assert w in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


# --- report compare --per: the same per-day arithmetic (marts.per_unit) ----------------------

def test_report_compare_says_when_the_days_differ_and_compares_per_day(published):
    """'Subió 15.9% entre febrero y marzo de 2026': 28 days against 31. The report says so
    and gives the change per day; --per day reports it per day (the definition check-claims
    uses too)."""
    from conftest import RNID_2026_FILE

    h = monthly(read_csv_rows(RNID_2026_FILE, "latin-1"), HOMICIDE)
    feb, mar = h[(2026, 2)], h[(2026, 3)]
    totals, per_day = pct(mar, feb), pct(mar / 31, feb / 28)
    args = ["report", "compare", "--indicator", "homicidio_doloso", "--geo", "national",
            "--current", "2026-03", "--baseline", "2026-02"]
    plain = run_cli(*args, "--format", "json", "--lang", "en")
    assert plain.returncode == 0, plain.stderr
    data = json.loads(plain.stdout)
    assert data["pct_change"] == pytest.approx(round(totals, 2), abs=0.006)
    assert data["per"] is None
    assert "28" in data["notes"] and "31" in data["notes"]
    assert f"{per_day:+.1f}%" in data["notes"] and "--per day" in data["notes"]
    daily = json.loads(run_cli(*args, "--format", "json", "--per", "day").stdout)
    assert daily["per"] == "day"
    assert daily["pct_change"] == pytest.approx(round(per_day, 2), abs=0.006)
    assert daily["current_value"] == pytest.approx(round(mar / 31, 4), abs=1e-4)
    assert daily["current_count"] == mar and daily["baseline_count"] == feb
    table = run_cli(*args, "--per", "day").stdout
    assert "al día" in table and f"{abs(per_day):.1f}%" in table
    # windows of different lengths: refused as totals, compared per month
    old = monthly(read_csv_rows(NM_FILE, "latin-1"), HOMICIDE)
    uneven = ["report", "compare", "--indicator", "homicidio_doloso", "--geo", "national",
              "--current", "2024-01:2024-10", "--baseline", "2023-01:2023-12"]
    refused = run_cli(*uneven)
    assert refused.returncode == 1 and "--per day" in refused.stderr
    monthly_avg = run_cli(*uneven, "--per", "month", "--format", "json")
    assert monthly_avg.returncode == 0, monthly_avg.stderr
    assert json.loads(monthly_avg.stdout)["pct_change"] == pytest.approx(round(pct(
        total(old, (2024, 1), (2024, 10)) / 10, total(old, (2023, 1), (2023, 12)) / 12), 2),
        abs=0.006)
    rate = run_cli(*args, "--per", "day", "--measure", "rate")
    assert rate.returncode == 1 and "ya es anual" in rate.stderr
