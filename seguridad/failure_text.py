"""The checks' own words in the reader's language (issue 23): a rejection's reason, one
failure of a file and a warning's rule are recorded in English (ops.raw_files, ops.quarantine,
ops.data_warnings and --format json keep them so); a reader meets them in Spanish by default
and in English with --lang en. The sentences and phrases are data
(seguridad/failure_text.toml); a text they do not know is shown as recorded."""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

from schemas.names import formats
from seguridad.i18n import WARNING_WORDS, has, language, say

_FILE = Path(__file__).with_name("failure_text.toml")


@functools.cache
def _tables() -> tuple[list[tuple[re.Pattern, str, str | None]], dict[str, str]]:
    with open(_FILE, "rb") as f:
        data = tomllib.load(f)
    sentences = [(re.compile(s["en"]), s["es"], s.get("en_words")) for s in data["sentence"]]
    return sentences, {p["en"]: p["es"] for p in data["phrase"]}


def failure_words(text: str | None, lang: str | None = None) -> str:
    """`text` (a reason, a failure's message or a rule, as recorded) for a reader of `lang`
    (default: the command line's language)."""
    if not text:
        return text or ""
    lang = lang or language()
    sentences, phrases = _tables()
    if lang == "es" and text in phrases:
        return phrases[text]
    for pattern, es, en_words in sentences:
        m = pattern.match(text)
        if m is None:
            continue
        if lang != "es" and en_words is None:
            return text
        parts = {k: _part(k, v, lang) for k, v in m.groupdict().items()}
        return (es if lang == "es" else en_words).format(**parts)
    return text


def _part(name: str, value: str | None, lang: str) -> str:
    if value is None:
        return ""
    if name in ("phrase", "reason"):
        return failure_words(value, lang)
    if name == "format":
        dataset = formats().get(value, {}).get("dataset")
        return say(f"dataset.{dataset}", lang) if dataset and has(f"dataset.{dataset}") \
            else value
    if lang == "es" and name == "value" and value == "an empty cell":
        return "una celda vacía"
    if lang == "es" and name == "where":
        return re.sub(r"^municipality (\d+)", r"municipio \1", value)
    return value


def warning_words(text: str, lang: str) -> str:
    """A warning's rule as recorded, in the reader's language."""
    if lang == "es" and text in WARNING_WORDS:
        return WARNING_WORDS[text]
    return failure_words(text, lang)
