"""draft-claims' input: a speech file's bytes decoded (saying which encoding to pass when
it is not UTF-8), its text cut into paragraphs and sentences, and its language guessed."""

from __future__ import annotations

import re
import unicodedata

from seguridad.factcheck.lexicon import DraftError, fold, words
from seguridad.i18n import say

ABBREVIATIONS = {"sr", "sra", "srta", "dr", "dra", "lic", "ing", "mtro", "mtra", "gral", "num",
                 "edo", "prof", "arq", "mr", "mrs", "ms", "st", "vs", "ej"}
LANG_WORDS = {"es": {"el", "la", "los", "las", "de", "del", "que", "y", "se", "ha", "han",
                     "con", "para", "por", "es"},
              "en": {"the", "of", "and", "has", "have", "in", "by", "to", "is", "was", "were",
                     "with", "for", "that"}}


def split_text(text: str) -> tuple[list[str], list[str]]:
    """(the '#' lines, the sentences). A sentence ends at . ! ? followed by a capital, or at
    a blank line; a line break inside a paragraph is a space."""
    notes, paragraphs = split_paragraphs(text)
    return notes, [s for p in paragraphs for s in p]


def split_paragraphs(text: str) -> tuple[list[str], list[list[str]]]:
    """(the '#' lines, the sentences of each paragraph): split_text, paragraph by paragraph
    (a program named in one sentence holds for the next one of the same paragraph only)."""
    notes, paragraphs, current = [], [], []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            notes.append(line.lstrip().lstrip("#").strip())
            continue
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    out = []
    for p in paragraphs:
        sentences: list[str] = []
        out.append(sentences)
        p = "".join(" " if unicodedata.category(c) == "Cc" else c for c in p)
        start = 0
        for m in re.finditer(r"[.!?…]+[\"»”’)]*\s+", p):
            nxt = p[m.end():m.end() + 1]
            if not (nxt.isupper() or nxt.isdigit() or nxt in "¿¡\"«“(—-"):
                continue
            before = re.search(r"(\w+)[.!?…]*[\"»”’)]*\s+$", p[start:m.end()])
            if (m.group().startswith(".") and before
                    and (fold(before.group(1)) in ABBREVIATIONS
                         or (len(before.group(1)) == 1 and before.group(1).isupper()))):
                continue
            sentences.append(p[start:m.end()].strip())
            start = m.end()
        if p[start:].strip():
            sentences.append(p[start:].strip())
    return notes, [p for p in out if p]


def detect_lang(sentences: list[str]) -> str:
    counts = {lang: 0 for lang in LANG_WORDS}
    for s in sentences:
        for w in words(s):
            for lang, known in LANG_WORDS.items():
                counts[lang] += w in known
    return "en" if counts["en"] > counts["es"] else "es"

def decode_speech(data: bytes, label: str, encoding: str = "utf-8") -> str:
    """The speech's text. Not UTF-8: say which encoding it reads as, and how to pass it."""
    try:
        return data.decode("utf-8-sig" if encoding.lower().replace("_", "-") in
                           ("utf-8", "utf8") else encoding)
    except LookupError:
        raise DraftError(say("draft.unknown_encoding", encoding=encoding)) from None
    except UnicodeDecodeError as e:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            hint = say("draft.utf16")
        else:
            try:
                data.decode("cp1252")
                hint = say("draft.cp1252")
            except UnicodeDecodeError:
                hint = say("draft.save_utf8")
        name = "UTF-8" if encoding.lower() in ("utf-8", "utf8") else encoding
        raise DraftError(say("draft.not_text", label=label, name=name, byte=f"{e.start:,}",
                             hint=hint)) from None
