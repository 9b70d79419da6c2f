"""Places and indicators as a person names them (issue 23): 'México' alone is both the country
and a state, so it is refused naming both; the State of Mexico answers to its common aliases
and reads 'Estado de México' in every text; the nation reads 'a nivel nacional' / 'nationally';
`seguridad indicadores` and `seguridad lugares` list what --indicator and --geo accept, and a
typo of either gets the nearest right word."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import NM_FILE, REPO, query, run_cli

COMPARE = ["report", "compare", "--indicator", "homicidio_doloso", "--preset", "yoy",
           "--end", "2024-11"]


def raw_count(state_code: str, month: str) -> int:
    """Intentional homicides of a state in a month, from the raw file with the csv module."""
    total = 0
    with open(NM_FILE, encoding="latin-1", newline="") as f:
        for row in csv.DictReader(f):
            if (row["Año"] == "2024" and row["Clave_Ent"].zfill(2) == state_code
                    and row["Tipo de delito"] == "Homicidio"
                    and row["Subtipo de delito"] == "Homicidio doloso"):
                total += int(row[month] or 0)
    return total


@pytest.mark.parametrize("alias", ["15", "Edomex", "EdoMex", "EDOMEX", "Estado de Mexico",
                                   "estado de méxico", "Edo. Méx.", "State of Mexico"])
def test_the_state_of_mexico_answers_to_its_aliases(published, alias):
    result = run_cli(*COMPARE, "--geo", alias)
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert " en el Estado de México entre noviembre de 2023 y noviembre de 2024 " in first
    assert f"→ {raw_count('15', 'Noviembre'):,} carpetas" in first


def test_english_says_the_state_of_mexico_and_nationally(published):
    state = run_cli("--lang", "en", *COMPARE, "--geo", "edomex")
    assert state.returncode == 0, state.stderr
    assert " in the State of Mexico between November 2023 and November 2024 " in state.stdout
    nation = run_cli(*COMPARE, "--geo", "national", "--lang", "en")
    assert " nationally between November 2023 and November 2024 " in nation.stdout
    assert "in Mexico" not in nation.stdout.splitlines()[0]
    spanish = run_cli(*COMPARE, "--geo", "nacional")
    assert " a nivel nacional entre noviembre de 2023 y noviembre de 2024 " in spanish.stdout


@pytest.mark.parametrize("word", ["México", "Mexico", "MEXICO"])
def test_mexico_alone_is_refused_naming_both(published, word):
    result = run_cli(*COMPARE, "--geo", word)
    assert result.returncode == 1
    line = result.stderr.strip()
    assert "el país" in line and "Estado de México" in line and "--geo nacional" in line
    assert "Traceback" not in line and len(line.splitlines()) == 1


def test_the_reference_data_names_the_state_estado_de_mexico():
    """Data, not code: states.csv writes 15 as texts must; its official INEGI name 'México'
    stays a spelling the files are matched by."""
    with open(REPO / "schemas" / "reference" / "states.csv", encoding="utf-8") as f:
        states = {r["state_code"]: r for r in csv.DictReader(f)}
    assert states["15"]["state_name"] == "Estado de México"
    assert states["15"]["name_en"] == "State of Mexico"
    with open(REPO / "schemas" / "reference" / "state_name_variants.csv",
              encoding="utf-8") as f:
        variants = {r["variant"]: r["state_code"] for r in csv.DictReader(f)}
    assert variants["México"] == "15" and variants["Edomex"] == "15"


# --- what --indicator and --geo accept ----------------------------------------------------

def test_indicadores_lists_every_indicator_of_the_reference_data(published):
    with open(REPO / "schemas" / "reference" / "indicators.csv", encoding="utf-8") as f:
        expected = {r["indicator"]: r for r in csv.DictReader(f)}
    table = run_cli("indicadores")
    assert table.returncode == 0, table.stderr
    for key, row in expected.items():
        assert any(line.split()[0] == key and row["label_es"] in line
                   for line in table.stdout.splitlines() if line.strip()), (key, table.stdout)
    english = run_cli("--lang", "en", "indicators", "--format", "json")
    listed = {r["indicator"]: r["label"] for r in json.loads(english.stdout)}
    assert listed == {k: r["label_en"] for k, r in expected.items()}


def test_lugares_lists_the_states_their_aliases_and_the_groups(published):
    result = run_cli("lugares")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    with open(REPO / "schemas" / "reference" / "states.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            assert any(line.split()[:1] == [row["state_code"]] and row["state_name"] in line
                       for line in out.splitlines()), row
    line15 = next(x for x in out.splitlines() if x.strip().startswith("15 "))
    aliases = [a.strip() for a in line15.split("  ")[-1].split(",")]
    assert "Edomex" in aliases and "México" not in aliases  # 'México' alone is not offered
    with open(REPO / "schemas" / "reference" / "geo_groups.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            assert row["group_key"] in out
    assert "11020" not in out  # municipalities only on request
    leon = run_cli("places", "León", "--format", "json")
    found = {r["code"]: r for r in json.loads(leon.stdout)}
    assert found["11020"]["level"] == "municipality"
    assert "19001" not in found  # a municipality of Nuevo León is not 'León'
    every = json.loads(run_cli("lugares", "--nivel", "municipio", "--format", "json").stdout)
    assert {r["code"] for r in every} == {c for (c,) in query(
        published, "SELECT geo_code FROM marts.geo WHERE geo_level = 'municipality'")}
    assert len(every) > 2400  # INEGI's catalogue (schemas/reference/municipalities.csv)


@pytest.mark.parametrize("args,words", [
    (["--indicator", "homicidio_dolso", "--geo", "national"],
     ["indicador desconocido 'homicidio_dolso'", "¿quiso decir homicidio_doloso?",
      "seguridad indicadores"]),
    (["--indicator", "Homicidio doloso", "--geo", "national"], ["homicidio_doloso?"]),
    (["--indicator", "homicidio_doloso", "--geo", "Jalsico"],
     ["lugar desconocido 'Jalsico'", "¿quiso decir 'Jalisco'?", "seguridad lugares"]),
    (["--indicator", "homicidio_doloso", "--geo", "frontera_nrte"],
     ["¿quiso decir 'frontera_norte'?"]),
    (["--indicator", "homicidio_doloso", "--geo", "Guanajuatto"], ["'Guanajuato'"]),
])
def test_a_typo_gets_the_nearest_right_word(published, args, words):
    result = run_cli("report", "compare", *args, "--preset", "yoy", "--end", "2024-11")
    assert result.returncode == 1
    for w in words:
        assert w in result.stderr, result.stderr


def test_a_typo_in_a_claims_file_gets_the_nearest_indicator(published, tmp_path):
    text = (REPO / "claims" / "cnsp_2015-12-18.toml").read_text(encoding="utf-8")
    assert 'indicators = ["homicidio_doloso"]' in text
    bad = tmp_path / "typo.toml"
    bad.write_text(text.replace('indicators = ["homicidio_doloso"]',
                                'indicators = ["homicidio_dolosos"]', 1), encoding="utf-8")
    result = run_cli("check-claims", str(bad))
    assert result.returncode == 1
    assert "¿quiso decir homicidio_doloso?" in result.stderr, result.stderr
