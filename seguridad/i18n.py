"""The text layer: every word a reader sees, in Spanish (the default, for Mexican readers) and
English. The words are data, in three catalogues beside this module: the reports'
(seguridad/report_text.toml, read by `t`), the command line's (seguridad/cli_text.toml, read
by `say`) and the checks' (seguridad/failure_text.toml, seguridad/failure_text.py)."""

from __future__ import annotations

import tomllib
from pathlib import Path

with open(Path(__file__).with_name("report_text.toml"), "rb") as _f:
    _REPORT = tomllib.load(_f)
# key -> {"es": ..., "en": ...}: the words of the reports (seguridad/report_text.toml)
TEXT: dict[str, dict[str, str]] = _REPORT["text"]
# recorded warning -> its Spanish words
WARNING_WORDS: dict[str, str] = _REPORT["warning_words"]


def years_words(years: tuple[int, int], lang: str) -> str:
    """Fiscal years in words: 'en 2013' for one, 'de 2013 a 2015' for a run."""
    first, last = years[0], years[1]
    if first == last:
        return t("fiscal_year_one", lang, year=first)
    return t("fiscal_years_run", lang, first=first, last=last)


def warning_words(text: str, lang: str) -> str:
    """The rules above in Spanish (seguridad.failure_text.warning_words says every rule)."""
    return WARNING_WORDS.get(text, text) if lang == "es" else text


def t(key: str, lang: str, **params: object) -> str:
    text = TEXT[key]["es" if lang == "es" else "en"]
    return text.format(**params) if params else text


def vintage_words(vintage: str | None, lang: str) -> str:
    """'conapo_2023' -> 'proyecciones de población de CONAPO 2023' (never the key)."""
    if not vintage:
        return "CONAPO"
    if vintage == "conapo_municipal":
        return t("vintage_municipal", lang)
    return t("vintage_state", lang, year=vintage.rsplit("_", 1)[-1])


# --- issue 23a: the command line's own words and the language it speaks -------------------
# The words of the command line (usage errors, run lines, status, notes, errors) are kept in
# seguridad/cli_text.toml, one entry per key with its Spanish and English text; a text given
# as a list is [singular, plural], chosen by the parameter `n`. The language is the global
# `--lang` of the command line, else the environment variable SEGURIDAD_LANG, else Spanish.

LANGUAGES = ("es", "en")
LANGUAGE_VARIABLE = "SEGURIDAD_LANG"
_chosen: str | None = None


def set_language(lang: str | None) -> None:
    """The language the command line was asked for (`--lang`); None: the environment's."""
    global _chosen
    _chosen = lang


def language() -> str:
    """The language of the messages now: `--lang`, else SEGURIDAD_LANG, else es. An unknown
    value in the environment falls back to Spanish here; `check_language` says it is wrong."""
    import os

    if _chosen in LANGUAGES:
        return _chosen
    wanted = (os.environ.get(LANGUAGE_VARIABLE) or "es").strip().lower()
    return wanted if wanted in LANGUAGES else "es"


def asked_language() -> str | None:
    """The language asked for (`--lang` or SEGURIDAD_LANG), None when nobody asked: a claims
    file or a speech then speaks its own."""
    import os

    if _chosen in LANGUAGES:
        return _chosen
    wanted = (os.environ.get(LANGUAGE_VARIABLE) or "").strip().lower()
    return wanted if wanted in LANGUAGES else None


def unknown_language() -> str | None:
    """The value of SEGURIDAD_LANG when it names no language seguridad speaks."""
    import os

    wanted = (os.environ.get(LANGUAGE_VARIABLE) or "").strip().lower()
    return os.environ[LANGUAGE_VARIABLE] if wanted and wanted not in LANGUAGES else None


def _catalogue() -> dict:
    global _CATALOGUE
    if _CATALOGUE is None:
        import tomllib
        from pathlib import Path

        with open(Path(__file__).with_name("cli_text.toml"), "rb") as f:
            _CATALOGUE = _flatten(tomllib.load(f))
    return _CATALOGUE


_CATALOGUE: dict | None = None


def _flatten(table: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in table.items():
        if isinstance(value, dict) and "es" not in value:
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


def say(key: str, lang: str | None = None, **params: object) -> str:
    """A text of the command line (seguridad/cli_text.toml) in `lang`, by default the
    language asked for (see `language`)."""
    entry = _catalogue()[key]
    text = entry["es" if (lang or language()) == "es" else "en"]
    if isinstance(text, list):
        text = text[0] if params.get("n") == 1 else text[1]
    return text.format(**params) if params else text


def has(key: str) -> bool:
    return key in _catalogue()


def entry(key: str) -> dict | None:
    """A catalogue entry with whatever languages it has (the help has Spanish only: the
    English is the command modules' own (seguridad/cli/))."""
    return _catalogue().get(key)
