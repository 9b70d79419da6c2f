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
