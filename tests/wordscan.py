"""One scan for "no word of the other language and no internal key" (issue 23): the reports
(tests/test_pages.py), a run's lines (tests/test_progress.py), the command line, rejections
and warnings (tests/test_one_language.py, the hostile corpus) all read text through it.

A word list per language of words the other language never writes, and what is neither
(file names, hashes, proper nouns, options) taken out before looking."""

from __future__ import annotations

import re

# Internal names a reader must not meet outside JSON and SQL.
KEYS = re.compile(r"\b(cnsp_2015|rnid_2026|cieisp_1997|conapo_2023|conapo_2010|"
                  r"conapo_municipal|homicidio_doloso|approved_pesos|exercised_pesos|"
                  r"amount_mxn|reproduced_as_rate|not_checkable|not_reproduced|"
                  r"marts\.\w+|core\.\w+|ops\.\w+|\w+_\w+_\w+)\b")
ENGLISH = re.compile(r"\b(series|source|cut|note|population|national|approved|exercised|"
                     r"year|amount|basis|rate|between|fell|rose|methodology|change|window|"
                     r"current|baseline|files|see|interpolated|comparable with|n/a|"
                     # the command line, checks and errors
                     r"the|of|is|are|not|no such|rows?|column|loaded|rejected|refused|"
                     r"warnings?|unknown|known|publishes|published|must|cannot|claim|"
                     r"months?|empty|value|whole number|negative|implausible|give|"
                     r"only|with|which|load|ingest|would|missing|does|has|have|there|"
                     r"usage|options|commands?|arguments?)\b", re.I)
SPANISH = re.compile(r"\b(fuente|corte|serie|nota|población|entre|bajó|subió|carpetas|"
                     r"periodo|tasa|millones|aprobado|ejercido|año|metodología|nacional|"
                     r"cifra|frente|meses|s/d|véase|"
                     r"los|las|del|filas?|columna|cargados?|rechazados?|advertencias?|"
                     r"publica|publicados?|archivos?|afirmación|debe|vacía|valor|número|"
                     r"ningún|ninguna|ninguno|carga|desconocid[oa]s?|uso|opciones|"
                     r"órdenes|argumentos)\b", re.I)
# Words both languages write the same way, or names (files, hashes, proper nouns, options,
# what the speaker said and the publisher wrote: a claim's «text», a crime row, a file's
# own header).
NOT_WORDS = re.compile(r"raw/\S+|/\S+|[0-9a-f]{64}|[0-9a-f]{12}\.\.\.|"
                       r"\S+\.(csv|xls|xlsx|md|html|json|svg|png|toml|txt|zip|duckdb)\b|"
                       r"«[^»]*»|IncidenciaDelictiva_\w+|"
                       r"Cuenta Pública|CONAPO|SESNSP|INEGI|INPC|SHCP|CNSP/38/15|RNID|CIEISP|"
                       r"Cuna de la Independencia Nacional|"
                       r"Marco Geoestadístico|seguridad status|"
                       # an SQL statement to run is SQL: its table names are its words
                       r"`seguridad sql [^`]*`|"
                       # an environment variable's name (SEGURIDAD_PREFECT_SERVER) is syntax
                       r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|"
                       # a command's name in status's list of runs (what the user typed);
                       # 'series' is Spanish too, after a Spanish word
                       r"(?<=s  )(?:ingest|refresh|backfill|rollback|fetch)\b|"
                       r"\b(?:[Yy]|[Ll]as|cada|sus|otras|dos) series\b|"
                       # an option with the value it takes is syntax, in any language
                       r"--(?:per|measure|by|level|preset|format|lang) \w+|--\w[\w-]*")


def words_of(text: str) -> str:
    return NOT_WORDS.sub(" ", text)


def foreign(text: str, lang: str, keys: bool = True) -> list[str]:
    """The words of the other language in `text` written in `lang` (and, with `keys`, the
    internal names), sorted: empty when it speaks one language."""
    words = words_of(text)
    other = ENGLISH if lang == "es" else SPANISH
    found = {m.group(0).lower() for m in other.finditer(words)}
    if keys:
        found |= {m.group(0) for m in KEYS.finditer(words)}
    return sorted(found)


def visible(page: str) -> str:
    """What a reader sees of a page: the text, without tags, attributes or style."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<title>.*?</title>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)
