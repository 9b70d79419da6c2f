"""`seguridad draft-claims` and the drafting behind it: the December 2015 statement in both
languages, drafted and then checked as it is; speeches written here, sentence by sentence
(numbers in words, decimal commas, ranges, bounds, places, programs, what is kept as a
comment); and the command's errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from datetime import date

import pandas as pd
import pandera.pandas as pa
import pytest

from conftest import REPO, run_cli
from schemas import reference
from seguridad import claims, drafting
from seguridad.cli import run

SHIPPED = REPO / "claims" / "cnsp_2015-12-18.toml"
SPEECHES = {"es": REPO / "claims" / "cnsp_2015-12-18.es.txt",
            "en": REPO / "claims" / "cnsp_2015-12-18.en.txt"}
SAID = ["--said-on", "2015-12-18", "--baseline-year", "2012"]


def drafted(text: str, lang: str | None = None) -> drafting.Draft:
    return drafting.draft(text, date(2015, 12, 18), 2012, lang)


def one_claim(text: str, lang: str) -> drafting.Drafted:
    d = drafted(text, lang)
    assert len(d.claims) == 1, [s.reason for s in d.skipped]
    return d.claims[0]


def draft_command(capsys, *args: str) -> tuple[int, str, str]:
    code = run(["draft-claims", *args])
    out, err = capsys.readouterr()
    return code, out, err


# --- the December 2015 statement ----------------------------------------------------------

@pytest.fixture(scope="module")
def shipped_claims():
    return claims.load(SHIPPED)


@pytest.fixture(scope="module")
def december_drafts():
    return {lang: drafted(path.read_text(encoding="utf-8")) for lang, path in SPEECHES.items()}


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("n", range(7))
def test_the_december_2015_statement_drafts_each_of_its_seven_figures(
        december_drafts, shipped_claims, lang, n):
    d = december_drafts[lang]
    assert d.lang == lang  # told from the text
    assert len(d.claims) == 7
    want, have = shipped_claims.claims[n], d.claims[n]
    f = have.fields
    assert f["kind"] == want.kind and f["bound"] == want.bound
    assert have.written.replace("_", "") == shipped_claims.raw_numbers[want.id]
    if want.kind == "change":
        assert (f["indicators"], f["geo"], f["change_pct"]) == (
            want.indicators, want.geo, want.change_pct)
    else:
        assert (f["program"], f["amount_pesos"]) == (want.program, want.amount_pesos)
    assert have.matched and all(" -> " in m or "previous sentence" in m for m in have.matched)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_council_meetings_are_kept_as_a_comment(december_drafts, lang):
    d = december_drafts[lang]
    assert [s for s in d.skipped if "66" in s.sentence and "no percent change" in s.reason]
    assert "# Not drafted: a number (66)" in drafting.render(d)
    assert "claims/cnsp_2015-12-18.toml" in "\n".join(d.notes)  # its provenance, kept


def test_the_spanish_border_figure_continues_the_homicide_sentence(december_drafts):
    border = december_drafts["es"].claims[2]
    assert border.fields["text"] == "En la frontera norte, la disminución es de 44.6 por ciento."
    assert border.matched == [
        "indicator from the previous sentence: homicidio_doloso",
        "frontera norte -> frontera_norte",
        "44.6 por ciento -> -44.6",
        "disminución -> fall",
        "no bound word -> about",
    ]
    assert border.fields["id"] == "homicidio_doloso_frontera_norte"


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_speech_files_say_they_are_reconstructions(lang):
    first = SPEECHES[lang].read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#")
    assert ("Reconstrucción" if lang == "es" else "reconstruction") in first


def test_the_draft_checks_as_it_is_like_the_hand_written_file(published, tmp_path):
    """The README's two commands: draft, then check; the verdicts are the hand-written
    file's."""
    out = tmp_path / "dic2015.toml"
    result = run_cli("draft-claims", str(SPEECHES["es"]), *SAID, "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "7 afirmaciones redactadas; comentarios con la razón: 1" in result.stderr
    loaded = claims.load(out)  # unchanged
    assert loaded.raw_numbers["homicidio_doloso_frontera_norte"] == "-44.6"
    checked = run_cli("check-claims", str(out), "--format", "json")
    assert checked.returncode == 0, checked.stderr
    shipped = run_cli("check-claims", str(SHIPPED), "--format", "json")
    got = [(c["verdict"], c["best"] and c["best"].get("pct_change"))
           for c in json.loads(checked.stdout)["claims"]]
    want = [(c["verdict"], c["best"] and c["best"].get("pct_change"))
            for c in json.loads(shipped.stdout)["claims"]]
    assert got == want
    assert got[1][0] == "reproduced"  # homicides, -22


# --- speeches written here ------------------------------------------------------------------

@pytest.mark.parametrize("lang,text,indicators,geo,written,bound", [
    ("es", "Los homicidios dolosos bajaron veintidós por ciento.",
     ["homicidio_doloso"], "national", "-22", "about"),
    ("es", "El secuestro disminuyó en 44,6%.", ["secuestro"], "national", "-44.6", "about"),
    ("es", "La extorsión cayó casi 30%.", ["extorsion"], "national", "-30", "almost"),
    ("es", "Los homicidios bajaron cuarenta y cuatro punto seis por ciento en Nuevo Leon.",
     ["homicidio_doloso"], "Nuevo León", "-44.6", "about"),
    ("es", "Los secuestros disminuyeron menos de 5 por ciento en NUEVO LEÓN.",
     ["secuestro"], "Nuevo León", "-5", "less_than"),
    ("es", "El robo de vehículos aumentó 7,50% en Baja California Sur.",
     ["robo_vehiculo"], "Baja California Sur", "7.50", "about"),
    ("es", "Hay 22% menos homicidios en el Estado de México que en 2012.",
     ["homicidio_doloso"], "Estado de México", "-22", "about"),
    ("es", "En México, el feminicidio aumentó 5.0 por ciento.",
     ["feminicidio"], "national", "5.0", "about"),
    ("es", "El robo con violencia y el robo en carreteras disminuyeron más del 24%.",
     ["robo_con_violencia", "robo_carreteras"], "national", "-24", "more_than"),
    ("es", "Los homicidios en León, Guanajuato, bajaron treinta y cinco por ciento.",
     ["homicidio_doloso"], "11020", "-35", "about"),
    ("es", "La incidencia delictiva bajó 12% en la frontera norte del país.",
     ["delitos_total"], "frontera_norte", "-12", "about"),
    ("es", "Los delitos del fuero común se redujeron por lo menos 10% en la región noroeste.",
     ["delitos_total"], "noroeste", "-10", "more_than"),
    ("es", "Los homicidios dolosos bajaron 24% o más.",
     ["homicidio_doloso"], "national", "-24", "more_than"),
    ("es", "Los delitos, y sobre todo la extorsión, disminuyeron noventa y nueve por ciento.",
     ["extorsion"], "national", "-99", "about"),
    ("en", "Intentional homicides have dropped by twenty-seven percent.",
     ["homicidio_doloso"], "national", "-27", "about"),
    ("en", "Abductions fell almost 30% in Mexico City.",
     ["secuestro"], "Ciudad de México", "-30", "almost"),
    ("en", "Kidnapping has fallen by more than 24 percent in the State of Mexico.",
     ["secuestro"], "Estado de México", "-24", "more_than"),
    ("en", "Extortion rose 3.5% in Sonora.", ["extorsion"], "Sonora", "3.5", "about"),
    ("en", "There were 22% fewer murders on the northern border.",
     ["homicidio_doloso"], "frontera_norte", "-22", "about"),
    ("en", "Vehicle theft dropped forty-four point six percent.",
     ["robo_vehiculo"], "national", "-44.6", "about"),
    ("en", "Highway robbery is down nearly 40% in Tijuana, Baja California.",
     ["robo_carreteras"], "02004", "-40", "almost"),
    ("en", "Femicides increased by one hundred percent in Colima.",
     ["feminicidio"], "Colima", "100", "about"),
])
def test_a_change_sentence(lang, text, indicators, geo, written, bound):
    c = one_claim(text, lang)
    f = c.fields
    assert (f["indicators"], f["geo"], c.written, f["bound"]) == (indicators, geo, written,
                                                                  bound)
    assert f["text"] == text and f["change_pct"] == float(written)


@pytest.mark.parametrize("lang,text,program,written,bound", [
    ("es", "Invertimos más de 7,700 millones de pesos en prevención del delito.",
     "pronapred", "7_700_000_000", "more_than"),
    ("es", "Se han invertido más de 7 mil 700 millones de pesos en el PRONAPRED.",
     "pronapred", "7_700_000_000", "more_than"),
    ("es", "Se invirtieron siete mil setecientos millones de pesos en prevención social de la "
     "violencia.", "pronapred", "7_700_000_000", "about"),
    ("es", "El Fondo de Aportaciones para la Seguridad Pública recibió casi 8 mil millones de "
     "pesos.", "fasp", "8_000_000_000", "almost"),
    ("es", "El SUBSEMUN entregó $4,500 millones a los municipios.",
     "subsemun", "4_500_000_000", "about"),
    ("es", "Al FORTASEG se destinaron 1,200 mdp.", "fortaseg", "1_200_000_000", "about"),
    ("en", "Over 7.7 billion pesos went to crime prevention.",
     "pronapred", "7_700_000_000", "more_than"),
    ("en", "FASP received almost 8 billion pesos.", "fasp", "8_000_000_000", "almost"),
])
def test_a_spending_sentence(lang, text, program, written, bound):
    c = one_claim(text, lang)
    f = c.fields
    assert (f["kind"], f["program"], c.written, f["bound"]) == ("spending", program, written,
                                                                bound)
    assert f["amount_pesos"] == float(written.replace("_", ""))


def test_pesos_are_assumed_only_for_a_named_program_and_said_so():
    c = one_claim("Se destinaron 1,200 millones al FORTASEG.", "es")
    assert "no currency named -> pesos (assumed)" in c.matched
    assert drafted("Se destinaron 1,200 millones a los estados.", "es").claims == []


@pytest.mark.parametrize("lang,text,lower,upper", [
    ("es", "Los homicidios bajaron entre 20 y 25 por ciento.", "-20", "-25"),
    ("es", "El secuestro bajó entre veinte y veinticinco por ciento.", "-20", "-25"),
    ("es", "La extorsión disminuyó entre treinta y cinco y cuarenta por ciento.", "-35", "-40"),
    ("es", "El robo con violencia bajó de 20 a 25%.", "-20", "-25"),
    ("en", "Homicides fell between 20% and 25%.", "-20", "-25"),
    ("en", "Extortion rose 20-25% in Sonora.", "20", "25"),
])
def test_a_range_is_drafted_as_more_than_its_lower_figure(lang, text, lower, upper):
    c = one_claim(text, lang)
    assert (c.written, c.fields["bound"]) == (lower, "more_than")
    assert any(f"upper figure {upper} is not checked" in m for m in c.matched)
    assert f"({upper}) is not checked" in c.comment
    assert f"change_pct = {lower}   # a range" in drafting.render(drafted(text, lang))


def test_two_levels_are_not_a_range():
    d = drafted("La tasa de homicidios pasó de 25 a 20 por ciento.", "es")
    assert d.claims == [] and "two levels" in d.skipped[0].reason


def test_a_sentence_with_several_figures_gives_one_claim_each():
    d = drafted("Los homicidios bajaron 22% a nivel nacional y 44.6% en la frontera norte.",
                "es")
    assert [(c.fields["id"], c.fields["geo"], c.written) for c in d.claims] == [
        ("homicidio_doloso", "national", "-22"),
        ("homicidio_doloso_frontera_norte", "frontera_norte", "-44.6")]
    assert "homicidios (earlier in the sentence) -> homicidio_doloso" in d.claims[1].matched
    d = drafted("In Sonora, homicides fell 10% and kidnappings 20%.", "en")
    assert [(c.fields["indicators"], c.fields["geo"], c.written) for c in d.claims] == [
        (["homicidio_doloso"], "Sonora", "-10"), (["secuestro"], "Sonora", "-20")]
    d = drafted("Homicides fell 22%, while kidnappings rose 5%.", "en")
    assert [c.written for c in d.claims] == ["-22", "5"]


def test_a_place_alone_continues_the_sentence_before_it_only():
    d = drafted("Intentional homicides fell 22%. On the northern border, the decrease was "
                "44.6%.", "en")
    border = d.claims[1]
    assert (border.fields["indicators"], border.fields["geo"]) == (["homicidio_doloso"],
                                                                   "frontera_norte")
    assert "indicator from the previous sentence: homicidio_doloso" in border.matched
    d = drafted("The Council met 66 times. On the northern border, the decrease was 44.6%.",
                "en")
    assert d.claims == [] and "no known indicator" in d.skipped[1].reason


def test_claim_ids_are_unique_slugs():
    d = drafted("Los homicidios bajaron 22%. Los homicidios bajaron 21.8% entre enero y "
                "noviembre. En Baja California Sur los homicidios subieron 5%.", "es")
    assert [c.fields["id"] for c in d.claims] == [
        "homicidio_doloso", "homicidio_doloso_2", "homicidio_doloso_baja_california_sur"]


@pytest.mark.parametrize("lang,text,words", [
    ("es", "El Consejo se ha reunido en 66 ocasiones.", ["(66)", "no percent change"]),
    ("en", "The Council has met on sixty-six occasions.", ["(sixty-six)"]),
    ("es", "El 80% de los homicidios ocurre en 50 municipios.", ["80%", "no fall or rise"]),
    ("es", "La tasa de homicidios bajó 3 puntos porcentuales.", ["percentage points"]),
    ("en", "The homicide rate fell 3 percentage points.", ["percentage points"]),
    ("es", "Invertimos 2,500 millones de dólares en prevención.", ["dollars"]),
    ("es", "Se invirtieron 500 millones de pesos en obras.", ["no known program"]),
    ("es", "Los delitos de alto impacto bajaron 15%.", ["alto impacto", "name the crimes"]),
    ("es", "El robo bajó 10%.", ["robo", "not every robbery"]),
    ("en", "Homicides fell 8% on the southern border.", ["southern border"]),
    ("es", "En Sonora y Chihuahua los homicidios bajaron 20%.", ["several places",
                                                                  "Sonora, Chihuahua"]),
    ("es", "La participación ciudadana creció 30%.", ["no known indicator",
                                                      "claim_aliases.csv"]),
    ("es", "El presupuesto del FORTASEG aumentó 10%.", ["program", "FORTASEG"]),
])
def test_what_is_kept_as_a_comment_says_why(lang, text, words):
    d = drafted(text, lang)
    assert d.claims == []
    (s,) = d.skipped
    assert s.sentence == text
    for w in words:
        assert w in s.reason, s.reason
    page = drafting.render(d)
    assert f"#   «{text}»" in page and "[[claim]]" not in page


def test_sentences_split_at_full_stops_not_at_abbreviations_or_decimals():
    notes, sentences = drafting.split_text(
        "# bajaron 99% (a note, not a sentence)\n"
        "El Sr. Presidente dijo que el secuestro bajó 35.5%. Los homicidios\n"
        "bajaron 22%.\n\nNueva línea sin punto\nque sigue")
    assert notes == ["bajaron 99% (a note, not a sentence)"]
    assert sentences == ["El Sr. Presidente dijo que el secuestro bajó 35.5%.",
                         "Los homicidios bajaron 22%.", "Nueva línea sin punto que sigue"]


def test_the_language_is_told_from_the_text():
    assert drafted("Los homicidios dolosos han bajado 22 por ciento.").lang == "es"
    assert drafted("The number of homicides has dropped by 22%.").lang == "en"


def test_the_toml_keeps_the_stated_decimals_and_loads(tmp_path):
    d = drafted("El secuestro disminuyó 44,60%. La extorsión aumentó 5.0%.", "es")
    path = tmp_path / "draft.toml"
    path.write_text(drafting.render(d), encoding="utf-8")
    loaded = claims.load(path)
    assert loaded.raw_numbers == {"secuestro": "-44.60", "extorsion": "5.0"}
    assert loaded.claims[0].matched[-1] == "no bound word -> about"
    assert loaded.statement.lang == "es" and loaded.statement.said_on == date(2015, 12, 18)
    assert drafting.render(drafted("El secuestro disminuyó 44,60%. La extorsión aumentó 5.0%.",
                                   "es")) == path.read_text(encoding="utf-8")  # deterministic


# --- the words are data ---------------------------------------------------------------------

def test_every_alias_names_a_known_indicator_place_or_group():
    aliases = reference.load("claim_aliases")
    assert set(aliases.loc[aliases["kind"] == "indicator", "key"]) <= set(
        reference.load("indicators")["indicator"])
    groups = set(reference.load("geo_groups")["group_key"]) | set(
        reference.load("municipal_groups")["group_key"])
    states = set(reference.load("states")["state_code"])
    for key in aliases.loc[aliases["kind"] == "geo", "key"]:
        assert key == "national" or key in groups or key in states or (
            len(key) == 5 and key[:2] in states), key
    state_words = {drafting.fold(n) for n in reference.load("states")["short_name"]}
    assert not state_words & {drafting.fold(a) for a in aliases["alias"]} - {"mexico"}, \
        "state names belong in states.csv / state_name_variants.csv"


def test_a_new_alias_is_a_row(tmp_path, monkeypatch):
    ref = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, ref)
    with open(ref / "claim_aliases.csv", "a", encoding="utf-8") as f:
        f.write("levantones,es,indicator,secuestro,Colloquial for abductions.\n")
    text = "Los levantones bajaron 30%."
    assert drafted(text, "es").claims == []
    monkeypatch.setattr(reference, "REFERENCE_DIR", ref)
    reference.load.cache_clear()
    drafting.lexicon.cache_clear()
    try:
        c = one_claim(text, "es")
        assert c.fields["indicators"] == ["secuestro"] and "levantones -> secuestro" in c.matched
    finally:
        monkeypatch.undo()
        reference.load.cache_clear()
        drafting.lexicon.cache_clear()


@pytest.mark.parametrize("row,words", [
    ("Más de,es,bound,more_than,", ["same alias twice"]),
    ("casi,es,bound,nearly,", ["key does not fit the kind"]),
    ("casi,fr,bound,less_than,", ["lang"]),
    ("robos,es,crime,robo,", ["kind"]),
])
def test_a_bad_alias_row_is_refused(tmp_path, monkeypatch, row, words):
    ref = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, ref)
    with open(ref / "claim_aliases.csv", "a", encoding="utf-8") as f:
        f.write(row + "\n")
    monkeypatch.setattr(reference, "REFERENCE_DIR", ref)
    reference.load.cache_clear()
    drafting.lexicon.cache_clear()
    try:
        with pytest.raises(pa.errors.SchemaErrors):
            reference.ClaimAliases.validate(
                pd.read_csv(ref / "claim_aliases.csv", dtype="str",
                                      keep_default_na=False, na_values=[""]), lazy=True)
        with pytest.raises(drafting.DraftError) as e:
            drafted("El secuestro bajó 30%.", "es")
        assert "claim_aliases.csv" in str(e.value)
        for w in words:
            assert w in str(e.value), str(e.value)
    finally:
        monkeypatch.undo()
        reference.load.cache_clear()
        drafting.lexicon.cache_clear()


# --- the command ------------------------------------------------------------------------------

def test_without_output_the_draft_is_printed(capsys):
    code, out, err = draft_command(capsys, str(SPEECHES["en"]), *SAID)
    assert code == 0, err
    data = tomllib.loads(out)
    assert len(data["claim"]) == 7 and data["statement"]["lang"] == "en"
    assert data["statement"]["source"] == str(SPEECHES["en"])
    assert "7 afirmaciones redactadas" in err


def test_it_needs_no_warehouse_and_no_prefect(tmp_path):
    out = tmp_path / "draft.toml"
    code = ("import sys; from seguridad.cli import run; "
            f"code = run(['draft-claims', {str(SPEECHES['es'])!r}, '--said-on', '2015-12-18', "
            f"'--baseline-year', '2012', '--output', {str(out)!r}]); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'prefect')); "
            "sys.exit(code)")
    env = os.environ | {"SEGURIDAD_WAREHOUSE": str(tmp_path / "none" / "seguridad.duckdb")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert claims.load(out).claims[0].id == "delitos_total"


def test_a_speech_in_windows_1252_says_which_encoding_to_use(capsys, tmp_path):
    speech = tmp_path / "discurso.txt"
    speech.write_bytes("El secuestro bajó 27 por ciento.\n".encode("cp1252"))
    code, out, err = draft_command(capsys, str(speech), *SAID)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "no es texto UTF-8" in err and "--encoding cp1252" in err
    code, out, err = draft_command(capsys, str(speech), *SAID, "--encoding", "cp1252")
    assert code == 0, err
    assert tomllib.loads(out)["claim"][0]["text"] == "El secuestro bajó 27 por ciento."


@pytest.mark.parametrize("make,args,words", [
    (None, ["--said-on", "2015-12-18", "--baseline-year", "2012"], ["no existe el archivo"]),
    ("dir", ["--said-on", "2015-12-18", "--baseline-year", "2012"], ["es una carpeta"]),
    ("utf16", ["--said-on", "2015-12-18", "--baseline-year", "2012"], ["--encoding utf-16"]),
    ("speech", ["--said-on", "18/12/2015", "--baseline-year", "2012"], ["--said-on",
                                                                        "AAAA-MM-DD"]),
    ("speech", ["--said-on", "2015-02-30", "--baseline-year", "2012"], ["no es una fecha"]),
    ("speech", ["--said-on", "2015-12-18", "--baseline-year", "doce"], ["--baseline-year"]),
    ("speech", ["--said-on", "2015-12-18", "--baseline-year", "2016"], ["baseline_year",
                                                                        "anterior"]),
    ("speech", ["--said-on", "2015-12-18", "--baseline-year", "2012", "--lang", "fr"],
     ["es o en"]),
    ("speech", ["--said-on", "2015-12-18", "--baseline-year", "2012", "--encoding", "klingon"],
     ["codificación desconocida"]),
    ("empty", ["--said-on", "2015-12-18", "--baseline-year", "2012"], ["no hay texto"]),
])
def test_errors_are_one_line(capsys, tmp_path, make, args, words):
    path = tmp_path / "speech.txt"
    if make == "dir":
        path.mkdir()
    elif make == "utf16":
        path.write_bytes("El secuestro bajó 27%.".encode("utf-16"))
    elif make == "speech":
        path.write_text("El secuestro bajó 27%.", encoding="utf-8")
    elif make == "empty":
        path.write_text("# only a note\n\n", encoding="utf-8")
    code, out, err = draft_command(capsys, str(path), *args)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for w in words:
        assert w in err, err


def test_a_speech_without_a_checkable_figure_is_drafted_and_refused(capsys, tmp_path):
    speech = tmp_path / "speech.txt"
    speech.write_text("El Consejo se ha reunido en 66 ocasiones. Gracias.", encoding="utf-8")
    out = tmp_path / "draft.toml"
    code, _, err = draft_command(capsys, str(speech), *SAID, "--output", str(out))
    assert code == 1 and "ninguna oración da una cifra" in err
    assert "# Not drafted: a number (66)" in out.read_text(encoding="utf-8")


# --- issue 21: the forms officials use since 2024 ------------------------------------------

def drafted_on(text: str, said_on: date, baseline_year: int, lang: str) -> drafting.Draft:
    return drafting.draft(text, said_on, baseline_year, lang)


@pytest.mark.parametrize("lang,text", [
    ("en", "The National Program for the Social Prevention of Violence and Crime has been "
           "launched. An investment of over 7.7 billion pesos has been made."),
    ("es", "Se puso en marcha el Programa Nacional para la Prevención Social de la Violencia y "
           "la Delincuencia. Se ha hecho una inversión de más de 7 mil 700 millones de pesos."),
])
def test_a_program_named_in_the_sentence_before(lang, text):
    """The seed's own pair: the program is named in one sentence, the amount in the next."""
    c = one_claim(text, lang)
    assert (c.fields["kind"], c.fields["program"], c.fields["amount_pesos"],
            c.fields["bound"]) == ("spending", "pronapred", 7.7e9, "more_than")
    assert any(m.startswith("program from the previous sentence") for m in c.matched)
    # only the sentence just before, in the same paragraph
    apart = text.replace(". ", ".\n\n", 1)
    d = drafted(apart, lang)
    assert d.claims == [] and "no known program" in d.skipped[0].reason


@pytest.mark.parametrize("lang,text,fields", [
    ("es", "El robo con violencia bajó casi 10 por ciento en los últimos doce meses.",
     {"family": "r12", "bound": "almost", "change_pct": -10}),
    ("en", "Violent robbery fell almost 10 percent in the last twelve months.",
     {"family": "r12", "bound": "almost", "change_pct": -10}),
    ("es", "La extorsión bajó 5% en lo que va del año.", {"family": "ytd"}),
    ("en", "Extortion fell 5% so far this year.", {"family": "ytd"}),
    ("es", "El secuestro subió 3% respecto al mismo mes del año pasado.",
     {"family": "month", "baseline_year": 2024, "change_pct": 3}),
    ("en", "Kidnapping rose 3% compared with the same month last year.",
     {"family": "month", "baseline_year": 2024}),
    ("es", "El promedio diario de homicidios dolosos bajó 16.3% de septiembre a diciembre de "
           "2024.", {"per": "day", "current": "2024-12", "baseline": "2024-09",
                     "change_pct": -16.3}),
    ("en", "The daily average of intentional homicides fell 16.3% from September to December "
           "2024.", {"per": "day", "current": "2024-12", "baseline": "2024-09"}),
    ("es", "De septiembre de 2024 a diciembre de 2024 hay 14 homicidios diarios menos.",
     {"kind": "difference", "difference": -14, "per": "day", "current": "2024-12",
      "baseline": "2024-09"}),
    ("en", "There are 14 fewer homicides a day from September to December 2024.",
     {"kind": "difference", "difference": -14, "per": "day", "current": "2024-12"}),
    ("es", "En diciembre de 2024 hubo 72.8 homicidios al día.",
     {"kind": "level", "value": 72.8, "per": "day", "current": "2024-12"}),
    ("en", "In December 2024 there were 72.8 homicides a day.",
     {"kind": "level", "value": 72.8, "per": "day", "current": "2024-12"}),
    ("es", "Las víctimas de homicidio doloso bajaron 10% de septiembre a diciembre de 2024.",
     {"measure": "victims", "current": "2024-12"}),
])
def test_the_forms_of_today(lang, text, fields):
    d = drafted_on(text, date(2025, 1, 21), 2024, lang)
    assert len(d.claims) == 1, [s.reason for s in d.skipped]
    c = d.claims[0]
    for key, value in fields.items():
        assert c.fields.get(key) == value, (key, c.fields, c.matched)
    claims.Claim.model_validate(c.fields | {"matched": c.matched})


@pytest.mark.parametrize("lang,text,compare", [
    ("es", "En diciembre de 2024 hubo 72.8 homicidios al día, el número más bajo desde 2016.",
     "same_month"),
    ("en", "In December 2024 there were 72.8 homicides a day, the lowest December since 2016.",
     "same_month"),
    ("es", "Diciembre de 2024 fue el mes más bajo desde 2016 en homicidios.", "any_month"),
])
def test_the_lowest_since(lang, text, compare):
    d = drafted_on(text, date(2025, 1, 21), 2024, lang)
    record = next(c for c in d.claims if c.fields["kind"] == "record")
    assert (record.fields["record"], record.fields["since"], record.fields["compare"],
            record.fields["current"], record.fields["indicators"]) == (
        "lowest", 2016, compare, "2024-12", ["homicidio_doloso"])
    assert not d.skipped  # the year 2016 is not 'a number without a percent'


def test_a_difference_takes_the_windows_of_the_sentence_before():
    d = drafted_on("Los homicidios dolosos bajaron 16.3% de septiembre a diciembre de 2024. "
                   "Son 14 homicidios diarios menos.", date(2025, 1, 21), 2024, "es")
    diff = d.claims[1]
    assert (diff.fields["kind"], diff.fields["current"], diff.fields["baseline"]) == (
        "difference", "2024-12", "2024-09")


def test_the_forms_write_a_claims_file_check_claims_reads(tmp_path):
    text = ("El promedio diario de homicidios dolosos bajó 16.3% de septiembre a diciembre de "
            "2024. Son 14 homicidios diarios menos. En diciembre de 2024 hubo 72.8 homicidios "
            "al día, el número más bajo desde 2016.")
    path = tmp_path / "d.toml"
    path.write_text(drafting.render(drafted_on(text, date(2025, 1, 21), 2024, "es")),
                    encoding="utf-8")
    loaded = claims.load(path)
    assert [c.kind for c in loaded.claims] == ["change", "difference", "level", "record"]
    assert loaded.raw_numbers[loaded.claims[2].id] == "72.8"
