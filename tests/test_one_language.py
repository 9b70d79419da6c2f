"""Issue 23, what remained: every command a reader runs speaks Spanish by default and English
with --lang en, with no word of the other language and no internal key (keys only in --format
json and in SQL). One word scan for all of them (tests/wordscan.py): check-claims, report
compare and its refusals, the errors of claims files, drafts, spending, the lake and the
downloads, and the run's lines with a rejection and a warning."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from wordscan import foreign, visible

from conftest import REPO, run_cli

SHIPPED_CLAIMS = REPO / "claims" / "cnsp_2015-12-18.toml"
# The statement's own words (its title, speaker and source, as the claims file writes them)
# are the speaker's: kept as written, whatever the reader's language.
STATEMENT = re.compile(r"Address to the 39th session of the National Public Security Council|"
                       r"Enrique Peña Nieto, President of Mexico|"
                       r"Presidencia de la República[^<\n]*|A statement written for the tests|"
                       r"Nobody")


def scan(text: str, lang: str) -> list[str]:
    return foreign(STATEMENT.sub(" ", text), lang)


# --- 1. check-claims ---------------------------------------------------------------------

def check_claims(path: Path, lang: str, fmt: str, tmp_path: Path) -> str:
    args = ["check-claims", str(path), "--format", fmt]
    if lang == "en":
        args = ["--lang", "en", *args]
    if fmt == "html":
        out = tmp_path / f"check-{lang}.html"
        result = run_cli(*args, "--output", str(out))
        assert result.returncode == 0, result.stderr
        return visible(out.read_text(encoding="utf-8"))
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("fmt", ["table", "md", "html"])
def test_check_claims_speaks_one_language(published, tmp_path, lang, fmt):
    text = check_claims(SHIPPED_CLAIMS, lang, fmt, tmp_path)
    assert "«The number of intentional homicides has dropped by 22%.»" in text  # as said
    assert scan(text, lang) == []
    # no verdict keys as tags, no vintage keys, claims named in words
    assert not re.search(r"\[(reproduced|misleading|not_\w+)", text)
    assert "conapo_20" not in text
    assert "frontera_norte" not in text and "prevencion" not in text
    word = "Afirmación" if lang == "es" else "Claim"
    if fmt != "md":
        assert f"{word} 3" in text
    assert ("fuente: " if lang == "es" else "source: ") in text


def test_check_claims_links_by_anchor_not_by_id(published, tmp_path):
    out = tmp_path / "check.html"
    assert run_cli("check-claims", str(SHIPPED_CLAIMS), "--format", "html", "--output",
                   str(out)).returncode == 0
    page = out.read_text(encoding="utf-8")
    assert "<a href='#frontera_norte'>Afirmación 3</a>" in page
    assert "<h2 id='frontera_norte'>3. «On the northern border" in page


def test_a_one_year_spending_claim_reads_in_that_year(published, tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text("""
[statement]
title = "A statement written for the tests"
speaker = "Nobody"
said_on = 2015-12-18
baseline_year = 2012

[[claim]]
id = "prevencion_2013"
kind = "spending"
text = "2.5 billion pesos for prevention in 2013."
program = "pronapred"
amount_pesos = 2.5e9
years = [2013, 2013]
""", encoding="utf-8")
    es = run_cli("check-claims", str(path)).stdout
    assert "aprobado en 2013: 2,500.0 millones de pesos" in es, es
    assert "2013-2013" not in es
    en = run_cli("--lang", "en", "check-claims", str(path)).stdout
    assert "approved in 2013: 2,500.0 million pesos" in en, en


# --- 2. report compare's (and ranking's) refusals ------------------------------------------

REFUSALS = {
    "no single series": ["--geo", "national", "--current", "2026-01:2026-03", "--baseline",
                         "2025-01:2025-03"],
    "across the break": ["--geo", "national", "--current", "2026-01:2026-03", "--baseline",
                         "2024-01:2024-03"],
    "a series that misses": ["--geo", "national", "--current", "2026-01:2026-03",
                             "--baseline", "2024-01:2024-03", "--series", "cnsp_2015"],
    "before the first month": ["--geo", "national", "--preset", "since", "--since", "1997-06",
                               "--end", "1998-01"],
    "by a state": ["--geo", "jalisco", "--preset", "r12", "--by", "state"],
    "sex of crimes": ["--geo", "national", "--preset", "r12", "--sex", "Mujer"],
    "unknown sex": ["--geo", "national", "--preset", "yoy", "--end", "2024-11", "--measure",
                    "victims", "--sex", "Mujeres"],
    "unequal windows": ["--geo", "national", "--current", "2016-01:2016-12", "--baseline",
                        "2015-01:2015-11"],
    "per with a rate": ["--geo", "national", "--preset", "r12", "--measure", "rate", "--per",
                        "day"],
    "no population by age": ["--geo", "national", "--measure", "victims_rate", "--age-group",
                             "Menores de edad (0-17)", "--current", "2024-01:2024-12",
                             "--baseline", "2023-01:2023-12"],
    "as of a day without its cut": ["--geo", "frontera_norte", "--current", "2015-01:2015-10",
                                    "--baseline", "2012-01:2012-10", "--as-of", "2015-12-18"],
}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_compare_refusals_speak_one_language(published, lang):
    found = {}
    for name, args in REFUSALS.items():
        result = run_cli("--lang", lang, "report", "compare", "--indicator",
                         "homicidio_doloso", *args)
        assert result.returncode == 1, (name, result.stdout)
        bad = foreign(result.stderr.replace("'Menores de edad (0-17)'", ""), lang)
        if bad:
            found[name] = (bad, result.stderr)
    ranking = run_cli("--lang", lang, "report", "ranking", "--indicator", "homicidio_doloso",
                      "--current", "2030-01:2030-03")
    assert ranking.returncode == 1
    if foreign(ranking.stderr, lang):
        found["ranking"] = (foreign(ranking.stderr, lang), ranking.stderr)
    assert found == {}


def test_a_refusal_names_series_in_words(published):
    result = run_cli("report", "compare", "--indicator", "homicidio_doloso", "--geo",
                     "national", *REFUSALS["across the break"][2:])
    assert "Catálogo 2026 (RNID): publica 2026-01..2026-03; sin publicar: 2024-01..2024-03" \
        in result.stderr, result.stderr
    assert "de homicidio doloso (carpetas de investigación) a nivel nacional" in result.stderr
    assert "rnid_2026" not in result.stderr and "homicidio_doloso" not in result.stderr


def test_as_of_without_the_cut_of_the_day_says_which_cut_to_load(published):
    """As check-claims says it: the cut published by that day is not loaded (the newest
    loaded then is December 2014's), and which one to load; not a list of series."""
    result = run_cli("report", "compare", "--indicator", "homicidio_doloso",
                     *REFUSALS["as of a day without its cut"])
    assert result.returncode == 1
    assert "es el publicado al 2015-12-18" in result.stderr, result.stderr
    assert "el más reciente cargado entonces: corte de diciembre de 2014" in result.stderr
    assert re.search(r"carga el corte de \w+ de 2015", result.stderr)
    assert "publica 1997-01" not in result.stderr  # no list of series
