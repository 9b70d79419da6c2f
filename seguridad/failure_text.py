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

from seguridad.i18n import language

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
        from seguridad.runtext import dataset_words

        words = dataset_words(None, value)
        return value if words is None else _in_language(words, value, lang)
    if lang == "es" and name == "value" and value == "an empty cell":
        return "una celda vacía"
    if lang == "es" and name == "where":
        return re.sub(r"^municipality (\d+)", r"municipio \1", value)
    return value


def _in_language(words: str, fmt: str, lang: str) -> str:
    from schemas.names import formats
    from seguridad.i18n import has, say

    dataset = formats().get(fmt, {}).get("dataset")
    return say(f"dataset.{dataset}", lang) if dataset and has(f"dataset.{dataset}") else words
