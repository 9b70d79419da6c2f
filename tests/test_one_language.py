"""Issue 23, what remained: every command a reader runs speaks Spanish by default and English
with --lang en, with no word of the other language and no internal key (keys only in --format
json and in SQL). One word scan for all of them (tests/wordscan.py): check-claims, report
compare and its refusals, the errors of claims files, drafts, spending, the lake and the
downloads, and the run's lines with a rejection and a warning."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from wordscan import foreign, visible

from conftest import REPO, RNID_2026_FILE, run_cli

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


# --- 3. a rejection and a file's warnings, as ingest, status and a report say them ----------

def _damaged_copies(folder: Path) -> tuple[Path, Path]:
    """The real March-2026 state file with one cell not a number (rejected), and with a
    negative count and a thousands separator (loaded, warned about)."""
    with open(RNID_2026_FILE, encoding="latin-1", newline="") as f:
        reader = csv.reader(f)
        header, rows = next(reader), list(reader)
    march = header.index("Marzo")

    def write(name: str, cells: dict[int, str]) -> Path:
        copy = [list(r) for r in rows]
        for row, value in cells.items():  # numbered as a spreadsheet shows it (header = 1)
            copy[row - 2][march] = value
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([header, *copy])
        (folder / name).write_bytes(buf.getvalue().encode("latin-1"))
        return folder / name

    return write("marzo_danado.csv", {3112: "12a"}), write("marzo_raro.csv",
                                                             {20: "-3", 30: "1,136"})


def test_rejections_and_warnings_speak_one_language(small_workspace):
    bad, odd = _damaged_copies(small_workspace)
    es = run_cli("ingest", bad.name, odd.name, cwd=small_workspace)
    assert es.returncode == 1
    assert "fila 3,112, columna Marzo: '12a' no es un número entero" in es.stderr, es.stderr
    assert "por las comprobaciones de incidencia delictiva estatal" in es.stderr
    assert "advertencias: conteo escrito con separador de miles; valor inverosímil; valor " \
        "negativo" in es.stdout, es.stdout
    en = run_cli("--lang", "en", "ingest", bad.name, cwd=small_workspace)
    assert "row 3,112, column Marzo: '12a' is not a whole number" in en.stderr, en.stderr
    assert "found by the checks of state crime counts" in en.stderr
    texts = {"es": [es.stdout, es.stderr], "en": [en.stdout, en.stderr]}
    for lang in ("es", "en"):
        status = run_cli("--lang", lang, "status")
        assert status.returncode == 0, status.stderr
        report = run_cli("--lang", lang, "report", "compare", "--indicator", "delitos_total",
                         "--geo", "national", "--current", "2026-03:2026-03", "--baseline",
                         "2026-02:2026-02", "--per", "day")
        assert report.returncode == 0, report.stderr
        texts[lang] += [status.stdout, report.stdout]
    assert "valor negativo" in texts["es"][2] and "is negative" in texts["en"][2]
    assert "conteo escrito con separador de miles" in texts["es"][3], texts["es"][3]
    found = {lang: [foreign(t, lang) for t in texts[lang]] for lang in texts}
    assert found == {"es": [[]] * 4, "en": [[]] * 4}, (found, texts)


# --- 4. a claims file's mistakes -----------------------------------------------------------

BAD_CLAIMS = {
    "no stated figure": '[[claim]]\nid = "a"\ntext = "x"\nindicators = ["secuestro"]\n',
    "not a number": '[[claim]]\nid = "a"\ntext = "x"\nindicators = ["secuestro"]\n'
                    'change_pct = "veinte"\n',
    "a bound not known": '[[claim]]\nid = "a"\ntext = "x"\nindicators = ["secuestro"]\n'
                         'change_pct = -22\nbound = "around"\n',
    "an unknown field": '[[claim]]\nid = "a"\ntext = "x"\nindicators = ["secuestro"]\n'
                        'change_pct = -22\nspeaker = "me"\n',
    "per with a rate": '[[claim]]\nid = "a"\ntext = "x"\nindicators = ["secuestro"]\n'
                       'change_pct = -22\nper = "day"\nmeasure = "rate"\n',
    "a window": '[[claim]]\nid = "a"\ntext = "x"\nindicators = ["secuestro"]\n'
                'change_pct = -22\ncurrent = "2015"\nbaseline = "2014-01:2014-12"\n',
}
# The claims file's own keys and values, as the analyst wrote them: syntax, in any language.
CLAIM_SYNTAX = re.compile(r"\b(change_pct|per|measure|current|baseline|bound|speaker|kind|"
                          r"indicators|family|value|record|since|compare|program)\b( = "
                          r"\"[^\"]*\"| = \S+)?|'(about|more_than|less_than|almost|around|"
                          r"day|month|veinte|me|2015)'|\"(count|victims)\"")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_claims_file_mistakes_speak_one_language(published, tmp_path, lang):
    found = {}
    for name, body in BAD_CLAIMS.items():
        path = tmp_path / "claims.toml"
        path.write_text('[statement]\ntitle = "t"\nsaid_on = 2015-12-18\nbaseline_year = 2012\n'
                        + body, encoding="utf-8")
        result = run_cli("--lang", lang, "check-claims", str(path))
        assert result.returncode == 1, name
        assert ("afirmación 'a'" if lang == "es" else "claim 'a'") in result.stderr, \
            result.stderr
        bad = foreign(CLAIM_SYNTAX.sub(" ", result.stderr), lang)
        if bad:
            found[name] = (bad, result.stderr)
    missing = run_cli("--lang", lang, "check-claims", str(tmp_path / "nada.toml"))
    if foreign(missing.stderr, lang):
        found["no such file"] = missing.stderr
    assert found == {}


# --- 5. the main commands on the small warehouse, in each language -------------------------

MAIN_COMMANDS = {
    "status": ["status"],
    "compare": ["report", "compare", "--indicator", "homicidio_doloso", "--geo", "national",
                "--current", "2026-02:2026-02", "--baseline", "2026-01:2026-01"],
    "compare md": ["report", "compare", "--indicator", "homicidio_doloso", "--geo", "jalisco",
                   "--current", "2026-02:2026-02", "--baseline", "2026-01:2026-01", "--format",
                   "md"],
    "compare refused": ["report", "compare", "--indicator", "homicidio_doloso", "--geo",
                        "national", "--current", "2025-02:2025-02", "--baseline",
                        "2025-01:2025-01"],
    "ranking": ["report", "ranking", "--indicator", "homicidio_doloso", "--current",
                "2026-01:2026-03"],
    "ranking refused": ["report", "ranking", "--indicator", "homicidio_doloso", "--current",
                        "2030-01:2030-03"],
    "usage error": ["report", "compare", "--indicador", "homicidio_doloso"],
    "map": ["report", "map", "--indicator", "homicidio_doloso", "--current",
            "2026-01:2026-03", "--output", "{tmp}/mapa.svg"],
    "map refused": ["report", "map", "--indicator", "homicidio_doloso", "--output",
                    "{tmp}/mapa.pdf"],
}
# What a reader types (the keys --indicator and --geo accept, the aliases of a place) is
# syntax in both languages: `indicadores` and `lugares` list it on purpose.
LISTINGS = {"indicadores": ["indicadores"], "lugares": ["lugares"]}
ALIASES = re.compile(r"Mexico State|State of Mexico")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_main_commands_speak_one_language(small_workspace, tmp_path, lang):
    found, out = {}, {}
    for name, args in {**MAIN_COMMANDS, **LISTINGS}.items():
        args = [a.replace("{tmp}", str(tmp_path)) for a in args]
        result = run_cli("--lang", lang, *args)
        assert result.returncode == (2 if name == "usage error" else 1 if "refused" in name
                                     else 0), (name, result.stderr)
        text = ALIASES.sub(" ", result.stdout + "\n" + result.stderr)
        out[name] = text
        bad = foreign(text, lang, keys=name not in LISTINGS)
        if bad:
            found[name] = (bad, text)
    assert found == {}
    written = "escrito: " if lang == "es" else "written: "
    assert out["map"].strip() == written + str(tmp_path / "mapa.svg")
    assert ("un mapa se escribe como .svg o .png" if lang == "es"
            else "a map is written as .svg or .png") in out["map refused"]


def test_the_help_says_uso_in_spanish(small_workspace):
    es = run_cli("report", "compare", "--help").stdout
    assert "Uso: seguridad report compare [OPCIONES]" in es and "Usage:" not in es
    assert "Uso: seguridad [OPCIONES] ORDEN [ARGUMENTOS]..." in run_cli("--help").stdout
    en = run_cli("--lang", "en", "report", "compare", "--help").stdout
    assert "Usage: seguridad report compare [OPTIONS]" in en and "Uso:" not in en


# --- 6. the errors of the other commands --------------------------------------------------

@pytest.mark.parametrize("lang", ["es", "en"])
def test_errors_of_spending_export_and_drafts_speak_one_language(published, tmp_path, lang):
    empty = tmp_path / "discurso.txt"
    empty.write_text("# solo una nota\n", encoding="utf-8")
    runs = {
        "spending": run_cli("--lang", lang, "report", "spending", "--program", "pronapred",
                            "--years", "2012:2015"),
        "spending years": run_cli("--lang", lang, "report", "spending", "--program",
                                  "pronapred", "--years", "2015:2012"),
        "export": run_cli("--lang", lang, "export", "--to", str(tmp_path / "lago"), "--tables",
                          "marts.nada"),
        "draft": run_cli("--lang", lang, "draft-claims", str(empty), "--said-on",
                         "2015-12-18", "--baseline-year", "2012"),
        "draft encoding": run_cli("--lang", lang, "draft-claims", str(empty), "--said-on",
                                  "2015-12-18", "--baseline-year", "2012", "--encoding",
                                  "klingon"),
    }
    found = {}
    for name, result in runs.items():
        assert result.returncode == 1, (name, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        # export's --tables takes tables' names: there they are the syntax to type
        bad = foreign(result.stderr, lang, keys=name != "export")
        if bad:
            found[name] = (bad, result.stderr)
    assert found == {}
    assert ("no hay Cuenta Pública cargada de 2012" if lang == "es"
            else "no Cuenta Pública is loaded for 2012") in runs["spending"].stderr


def test_a_refused_download_is_said_in_the_readers_language():
    from seguridad.runtext import download_line

    record = {"status": "refused", "source": "sesnsp", "file_name": None,
              "message": "https://example.org/a.csv: the server sent an empty body"}
    from seguridad.i18n import set_language

    try:
        set_language("es")
        assert download_line(record)[0].endswith("el servidor envió una respuesta vacía")
        set_language("en")
        assert download_line(record)[0].endswith("the server sent an empty body")
    finally:
        set_language(None)


def test_the_checks_catalogue_is_spanish_and_matches_what_the_checks_write():
    """Every Spanish text of seguridad/failure_text.toml is Spanish, and each sentence reads
    a message as the checks write it (one example per shape, as checking.py writes them)."""
    import tomllib

    from seguridad.failure_text import failure_words

    with open(REPO / "seguridad" / "failure_text.toml", "rb") as f:
        data = tomllib.load(f)
    texts = [p["es"] for p in data["phrase"]] + [
        re.sub(r"\{\w+\}", " ", s["es"]) for s in data["sentence"]]
    assert [(t, foreign(t, "es", keys=False)) for t in texts
            if foreign(t, "es", keys=False)] == []
    written = {
        "the file is empty (0 bytes)": "el archivo está vacío (0 bytes)",
        "row 5, column Marzo: an empty cell is empty although other rows of the same year "
        "have a count for this month": "fila 5, columna Marzo: una celda vacía está vacía "
                                       "aunque otras filas del mismo año tienen un conteo "
                                       "para este mes",
        "row 7: the same key appears in another row (Clave_Ent '01')":
            "fila 7: la misma clave aparece en otra fila (Clave_Ent '01')",
        "column 'Mes' is missing": "falta la columna 'Mes'",
        "an English text no sentence knows": "an English text no sentence knows",
    }
    assert {en: failure_words(en, "es") for en in written} == written
    assert all(failure_words(en, "en") == en for en in written)
