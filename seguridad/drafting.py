"""`seguridad draft-claims`: a speech's sentences read into a claims file. Rules over the text,
no model: the words live in schemas/reference/claim_aliases.csv (with the state and group
names of the other reference files), and every drafted claim records the words that decided
each of its fields. What a rule cannot read becomes a comment with the reason, never a guess.

The reading, sentence by sentence: find the figures (a number with '%' or 'por ciento', a
range, an amount with 'millones de pesos' or 'billion pesos'); split a sentence with several
figures into one clause per figure; in each clause find the indicator, the place, the
direction (fell / rose), the bound word right before the figure (más de, casi, over); fill
what a clause lacks from the clause before it, or, for a sentence that names only a place
("En la frontera norte, la disminución fue de 44.6%"), from the sentence before it."""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import PurePath

import pandera.pandas as pa
from pydantic import ValidationError

from schemas import reference
from schemas.reference import normalize_name
from seguridad import drafting_forms as forms
from seguridad.claims import Claim, ClaimsFile, Statement
from seguridad.errors import SeguridadError
from seguridad.i18n import say

ALIASES = "claim_aliases"

# Grammar, not vocabulary: the words that make numbers, clauses and sentences.
UNITS = {
    "es": {"cero": 0, "uno": 1, "un": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4,
           "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9},
    "en": {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9},
}
TEENS = {
    "es": {"diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
           "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20,
           "veintiuno": 21, "veintiun": 21, "veintiuna": 21, "veintidos": 22, "veintitres": 23,
           "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26, "veintisiete": 27,
           "veintiocho": 28, "veintinueve": 29},
    "en": {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
           "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19},
}
TENS = {
    "es": {"treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70,
           "ochenta": 80, "noventa": 90},
    "en": {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
           "eighty": 80, "ninety": 90},
}
HUNDREDS_ES = {"cien": 100, "ciento": 100, "doscientos": 200, "doscientas": 200,
               "trescientos": 300, "trescientas": 300, "cuatrocientos": 400,
               "cuatrocientas": 400, "quinientos": 500, "quinientas": 500, "seiscientos": 600,
               "seiscientas": 600, "setecientos": 700, "setecientas": 700, "ochocientos": 800,
               "ochocientas": 800, "novecientos": 900, "novecientas": 900}
AND = {"es": "y", "en": "and"}
THOUSAND = {"es": "mil", "en": "thousand"}
DECIMAL_POINT = {"es": {"punto", "coma"}, "en": {"point"}}
ARTICLES = {"un", "una", "uno", "one"}  # alone, an article ('un 22%'), not the number one
# Words that may stand between a bound and its figure: 'más del 24%', 'by more than 24%'.
FILLERS = {"el", "la", "los", "las", "un", "una", "de", "del", "en", "por", "a", "an", "the",
           "by", "of"}
# Where a sentence with several figures is cut into clauses (the last one between two figures).
CLAUSE_BREAKS = {",", ";", "y", "e", "pero", "mientras", "aunque", "and", "but", "while",
                 "whereas", "although"}
RANGE_OPENERS = {"entre", "between", "de", "from"}
RANGE_JOINS = {"es": {"y", "a", "al", "-", "–"}, "en": {"and", "to", "-", "–"}}
ABBREVIATIONS = {"sr", "sra", "srta", "dr", "dra", "lic", "ing", "mtro", "mtra", "gral", "num",
                 "edo", "prof", "arq", "mr", "mrs", "ms", "st", "vs", "ej"}
LANG_WORDS = {"es": {"el", "la", "los", "las", "de", "del", "que", "y", "se", "ha", "han",
                     "con", "para", "por", "es"},
              "en": {"the", "of", "and", "has", "have", "in", "by", "to", "is", "was", "were",
                     "with", "for", "that"}}
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[%$,;\-–]")
THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


class DraftError(SeguridadError):
    """A speech that cannot be drafted from: the message says what to do."""


# --- the words ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """What an alias means."""

    kind: str
    key: str
    note: str = ""


@dataclass(frozen=True)
class Lexicon:
    lang: str
    phrases: dict[str, list[tuple[tuple[str, ...], bool, Entry]]]  # first word -> candidates
    prefixes: list[tuple[str, Entry]]  # one-word aliases ending in '*'
    geo_names: dict[str, str]  # geo key -> the name a reader knows it by
    state_names: dict[str, str]  # state code -> short name


def fold(text: str) -> str:
    """A word as the rules compare it: no accents, lower case (digits as they are)."""
    return text if text[:1].isdigit() else normalize_name(text).lower()


def words(text: str) -> list[str]:
    return [fold(m.group()) for m in TOKEN.finditer(text)]


@cache
def lexicon(lang: str) -> Lexicon:
    """Every alias of the language (and of any language), longest first. The state and group
    names of the reference files come first; a row of claim_aliases.csv wins over them
    ('México' alone is the country, not the state)."""
    try:
        aliases = reference.load(ALIASES)
    except pa.errors.SchemaErrors as e:
        raise DraftError(f"{reference.reference_path(ALIASES)} is not valid: "
                         + alias_failures(e)) from None
    table: dict[tuple[str, ...], tuple[bool, Entry]] = {}
    states = reference.load("states")
    state_names = dict(zip(states["state_code"], states["short_name"], strict=True))
    geo_names = {"national": "national"} | {c: n for c, n in state_names.items()}

    def put(alias: str, entry: Entry) -> None:
        wildcard = alias.endswith("*")
        key = tuple(words(alias.rstrip("*")))
        if key:
            table[key] = (wildcard, entry)

    for code, *names in states[["state_code", "state_name", "short_name"]].itertuples(False):
        for n in names:
            put(n, Entry("geo", code))
    variants = reference.load("state_name_variants")
    for code, variant in variants[["state_code", "variant"]].itertuples(False):
        put(variant, Entry("geo", code))
    for name in ("geo_groups", "municipal_groups"):
        groups = reference.load(name).drop_duplicates("group_key")
        for g, es, en in groups[["group_key", "name_es", "name_en"]].itertuples(False):
            geo_names[g] = g
            put(es, Entry("geo", g))
            put(en, Entry("geo", g))
    for row in aliases.itertuples(False):
        if row.lang in (lang, "any"):
            note = row.note if isinstance(row.note, str) else ""
            put(row.alias, Entry(row.kind, row.key, note))
            if row.kind == "geo" and row.key not in geo_names:
                geo_names[row.key] = row.alias.rstrip("*")
    unknown = sorted({e.key for _, e in table.values() if e.kind == "indicator"}
                     - set(reference.load("indicators")["indicator"]))
    if unknown:
        known = ", ".join(reference.load("indicators")["indicator"])
        raise DraftError(f"{reference.reference_path(ALIASES)}: unknown indicator(s) "
                         f"{', '.join(unknown)}; known (indicators.csv): {known}")
    phrases: dict[str, list] = {}
    prefixes = []
    for key, (wildcard, entry) in table.items():
        if wildcard and len(key) == 1:
            prefixes.append((key[0], entry))
        else:
            phrases.setdefault(key[0], []).append((key, wildcard, entry))
    return Lexicon(lang, phrases, prefixes, geo_names, state_names)


def alias_failures(e: pa.errors.SchemaErrors, limit: int = 5) -> str:
    """'row 196 ('más de'): the same alias twice ...; row 274 ...', one entry per row and
    check (a check on the whole table reports every column of the row)."""
    seen: dict[tuple, str] = {}
    for r in e.failure_cases.itertuples(False):
        row = int(r.index) if r.index == r.index else None
        alias = e.data["alias"].get(row) if row is not None else None
        key = (row, r.check)
        if key not in seen:
            where = f"row {row + 2}" + (f" ({alias!r})" if alias else "") if row is not None \
                else f"column {r.column}"
            seen[key] = f"{where}: {r.check}" + (
                f" (got {r.failure_case!r} in column {r.column})"
                if r.column in ("lang", "kind", "key") and "fit" not in str(r.check) else "")
    problems = list(seen.values())
    more = f"; and {len(problems) - limit} more" if len(problems) > limit else ""
    return "; ".join(problems[:limit]) + more


# --- text to sentences and tokens ---------------------------------------------------------

@dataclass(frozen=True)
class Token:
    text: str
    norm: str
    start: int
    end: int


def tokenize(sentence: str) -> list[Token]:
    return [Token(m.group(), fold(m.group()), m.start(), m.end())
            for m in TOKEN.finditer(sentence)]


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


@dataclass(frozen=True)
class Match:
    start: int  # token indices, [start, end)
    end: int
    entry: Entry


def find_aliases(tokens: list[Token], lex: Lexicon) -> list[Match]:
    """Every alias in the tokens, the longest first where two overlap ('Baja California'
    over 'baja', 'delitos de alto impacto' over 'delitos')."""
    found = []
    for i, tok in enumerate(tokens):
        for key, wildcard, entry in lex.phrases.get(tok.norm, ()):
            n = len(key)
            got = tuple(t.norm for t in tokens[i:i + n])
            if len(got) == n and (got == key or (wildcard and got[:-1] == key[:-1]
                                                 and got[-1].startswith(key[-1]))):
                found.append(Match(i, i + n, entry))
        for prefix, entry in lex.prefixes:
            if tok.norm.startswith(prefix) and tok.norm.isalpha():
                found.append(Match(i, i + 1, entry))
    taken: set[int] = set()
    out = []
    for m in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
        if not taken & set(range(m.start, m.end)):
            out.append(m)
            taken |= set(range(m.start, m.end))
    return sorted(out, key=lambda m: m.start)


# --- numbers ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Number:
    value: Decimal
    written: str  # as stated, with its decimals: '44.6' for '44,6' and for 'cuarenta y ...'
    start: int
    end: int
    article: bool = False  # 'un' / 'one' alone


def digits_value(text: str) -> str:
    """'7,700' -> '7700'; '44,6' -> '44.6' (a comma before exactly three digits groups
    thousands; otherwise it is the decimal comma); '44.6' stays."""
    if THOUSANDS.fullmatch(text):
        return text.replace(",", "")
    if text.count(",") == 1 and "." not in text:
        return text.replace(",", ".")
    if text.count(".") > 1:  # 1.234.567
        return text.replace(".", "")
    return text.replace(",", "")


def _cardinal(tokens: list[Token], i: int, lang: str) -> tuple[int, int] | None:
    """A number under a thousand written in words, from token i: (value, next index)."""
    def norm(k: int) -> str:
        return tokens[k].norm if k < len(tokens) else ""

    units, teens, tens = UNITS[lang], TEENS[lang], TENS[lang]
    value, k = 0, i
    if lang == "es" and norm(k) in HUNDREDS_ES:
        value, k = HUNDREDS_ES[norm(k)], k + 1
        if tokens[k - 1].norm == "cien":
            return value, k
    elif lang == "en" and (norm(k) in units and norm(k + 1) == "hundred"
                           or norm(k) == "hundred"):
        value = 100 * units.get(norm(k), 1)
        k += 2 if norm(k) in units else 1
        if norm(k) == "and" and (norm(k + 1) in units or norm(k + 1) in teens
                                 or norm(k + 1) in tens):
            k += 1
    if norm(k) in tens:
        value, k = value + tens[norm(k)], k + 1
        joiner = AND["es"] if lang == "es" else "-"
        if norm(k) == joiner and units.get(norm(k + 1), 0) > 0:
            value, k = value + units[norm(k + 1)], k + 2
        elif lang == "en" and units.get(norm(k), 0) > 0:  # 'twenty seven'
            value, k = value + units[norm(k)], k + 1
    elif norm(k) in teens:
        value, k = value + teens[norm(k)], k + 1
    elif norm(k) in units:
        value, k = value + units[norm(k)], k + 1
    return (value, k) if k > i else None


def number_at(tokens: list[Token], i: int, lang: str) -> Number | None:
    """A number starting at token i: digits ('7,700', '44,6'), words ('veintidós', 'cuarenta
    y cuatro punto seis', 'forty-four point six'), and thousands ('7 mil 700', 'mil')."""
    def norm(k: int) -> str:
        return tokens[k].norm if k < len(tokens) else ""

    k = i
    if tokens[i].norm[0].isdigit():
        written = digits_value(tokens[i].norm)
        value, k = Decimal(written), i + 1
    elif norm(i) == THOUSAND[lang]:
        value, written, k = Decimal(0), "", i  # 'mil millones': a thousand
    else:
        got = _cardinal(tokens, i, lang)
        if got is None:
            return None
        value, k = Decimal(got[0]), got[1]
        written = str(got[0])
        if norm(k) in DECIMAL_POINT[lang] and k + 1 < len(tokens):
            decimals, j = _decimals(tokens, k + 1, lang)
            if decimals:
                written = f"{got[0]}.{decimals}"
                value, k = Decimal(written), j
    if norm(k) == THOUSAND[lang]:  # '7 mil 700', 'siete mil setecientos', 'mil'
        value = (value if k > i else Decimal(1)) * 1000
        k += 1
        if k < len(tokens) and tokens[k].norm.isdigit() and len(tokens[k].norm) <= 3:
            value, k = value + int(tokens[k].norm), k + 1
        else:
            rest = _cardinal(tokens, k, lang)
            if rest:
                value, k = value + rest[0], rest[1]
        written = format(value.normalize(), "f")
    return Number(value, written, i, k, article=k == i + 1 and norm(i) in ARTICLES)


def _decimals(tokens: list[Token], k: int, lang: str) -> tuple[str, int]:
    """The digits after 'punto' / 'point': 'seis' -> '6', 'cero cinco' -> '05',
    'sesenta y cinco' -> '65', or a digit token."""
    if tokens[k].norm.isdigit():
        return tokens[k].norm, k + 1
    single = {w: v for w, v in UNITS[lang].items() if w not in ARTICLES or w == "uno"}
    single |= {"one": 1} if lang == "en" else {}
    digits, j = "", k
    while j < len(tokens) and tokens[j].norm in single:
        digits, j = digits + str(single[tokens[j].norm]), j + 1
    if digits:
        return digits, j
    got = _cardinal(tokens, k, lang)
    return (str(got[0]), got[1]) if got else ("", k)


# --- figures ------------------------------------------------------------------------------

@dataclass
class Figure:
    """A checkable quantity in a sentence: a percent (or a range of percents) or money."""

    kind: str  # percent | points | range | levels | money
    number: Number
    start: int
    end: int
    upper: Number | None = None
    scale: Decimal = Decimal(1)
    currency: str | None = None  # pesos | usd | None (not said)


def _match_at(matches: list[Match], i: int, kinds: tuple[str, ...]) -> Match | None:
    return next((m for m in matches if m.start == i and m.entry.kind in kinds), None)


def find_figures(tokens: list[Token], matches: list[Match], lang: str
                 ) -> tuple[list[Figure], list[Number]]:
    """(the figures, every number) of a sentence."""
    numbers, i = [], 0
    covered = {k for m in matches for k in range(m.start, m.end)}
    while i < len(tokens):
        n = number_at(tokens, i, lang) if i not in covered else None
        if n:
            numbers.append(n)
            i = n.end
        else:
            i += 1
    figures: list[Figure] = []
    used: set[int] = set()
    for idx, n in enumerate(numbers):
        if idx in used:
            continue
        unit = _match_at(matches, n.end, ("percent",))
        # a range: 'entre 20 y 25%', 'between 20% and 25%', '20-25%', 'de 20 a 25 por ciento'
        after = unit.end if unit else n.end
        nxt = numbers[idx + 1] if idx + 1 < len(numbers) else None
        if (nxt and after < len(tokens) and tokens[after].norm in RANGE_JOINS[lang]
                and nxt.start == after + 1 and (unit is None or unit.entry.key == "percent")):
            unit2 = _match_at(matches, nxt.end, ("percent",))
            opener = tokens[n.start - 1].norm if n.start else ""
            needs_opener = tokens[after].norm in ("y", "and")
            if unit2 and unit2.entry.key == "percent" and (
                    opener in RANGE_OPENERS or not needs_opener):
                start = n.start - 1 if opener in RANGE_OPENERS else n.start
                kind = "range" if nxt.value > n.value else "levels"
                figures.append(Figure(kind, n, start, unit2.end, upper=nxt))
                used.add(idx + 1)
                continue
        if unit:
            figures.append(Figure(unit.entry.key, n, n.start, unit.end))
            continue
        money = _money(tokens, matches, n)
        if money:
            figures.append(money)
    return figures, [n for n in numbers if not n.article]


def _money(tokens: list[Token], matches: list[Match], n: Number) -> Figure | None:
    """'7,700 millones de pesos', '7.7 billion pesos', '$7,700 millones', '7,700 mdp'."""
    start, end, scale, currency = n.start, n.end, Decimal(1), None
    before = next((m for m in matches if m.end == n.start and m.entry.kind == "currency"), None)
    if before:
        start, currency = before.start, before.entry.key
    s = _match_at(matches, end, ("scale", "pesos_scale"))
    if s:
        scale, end = Decimal(s.entry.key), s.end
        if s.entry.kind == "pesos_scale":
            currency = "pesos"
    if end < len(tokens) and tokens[end].norm == "de" and _match_at(matches, end + 1,
                                                                    ("currency",)):
        end += 1
    c = _match_at(matches, end, ("currency",))
    if c:
        currency, end = c.entry.key, c.end
    if currency is None and not s:
        return None
    if n.article and not s:
        return None
    return Figure("money", n, start, end, scale=scale, currency=currency)


# --- sentences to claims ------------------------------------------------------------------

@dataclass
class Drafted:
    """One claim of the draft: the fields of a [[claim]], and notes for its TOML comment."""

    fields: dict
    written: str  # the number as it goes into the TOML
    matched: list[str]
    comment: str = ""


@dataclass
class Skipped:
    """A figure (or a sentence with a number) that did not become a claim, and why."""

    sentence: str
    reason: str


@dataclass
class Draft:
    statement: dict
    lang: str
    items: list[Drafted | Skipped] = field(default_factory=list)
    sentences: int = 0
    notes: list[str] = field(default_factory=list)
    source: str = ""

    @property
    def claims(self) -> list[Drafted]:
        return [i for i in self.items if isinstance(i, Drafted)]

    @property
    def skipped(self) -> list[Skipped]:
        return [i for i in self.items if isinstance(i, Skipped)]


@dataclass
class Clause:
    """What a figure's clause says, with the words that said it."""

    indicators: list[tuple[str, str]] = field(default_factory=list)  # (key, words)
    dropped: list[str] = field(default_factory=list)
    geos: list[tuple[str, str]] = field(default_factory=list)
    geo_before_figure: bool = False
    programs: list[tuple[str, str]] = field(default_factory=list)
    unsupported: list[tuple[str, str]] = field(default_factory=list)  # (words, note)
    direction: tuple[str, str] | None = None  # (fall|rise, words)
    bound: tuple[str, str] | None = None


def _words(sentence: str, tokens: list[Token], start: int, end: int) -> str:
    return sentence[tokens[start].start:tokens[end - 1].end]


def _clause_spans(tokens: list[Token], matches: list[Match], figures: list[Figure]
                  ) -> list[tuple[int, int]]:
    """One span of tokens per figure: cut at the last comma or 'y' / 'and' between two."""
    inside = {k for m in matches for k in range(m.start, m.end)}
    cuts = [0]
    for a, b in zip(figures, figures[1:], strict=False):
        gap = [k for k in range(a.end, b.start)
               if tokens[k].norm in CLAUSE_BREAKS and k not in inside]
        cuts.append(gap[-1] if gap else a.end)
    cuts.append(len(tokens))
    return list(zip(cuts, cuts[1:], strict=False))


def _read_clause(sentence: str, tokens: list[Token], matches: list[Match], span: tuple[int, int],
                 fig: Figure) -> Clause:
    c = Clause()
    lo, hi = span
    for m in matches:
        if not (lo <= m.start < hi):
            continue
        said = _words(sentence, tokens, m.start, m.end)
        e = m.entry
        if e.kind == "indicator" and e.key not in [k for k, _ in c.indicators]:
            c.indicators.append((e.key, said))
        elif e.kind == "geo":
            c.geos.append((e.key, said))
            c.geo_before_figure |= m.end <= fig.start
        elif e.kind == "program":
            c.programs.append((e.key, said))
        elif e.kind == "unsupported":
            c.unsupported.append((said, e.note))
    if len(c.indicators) > 1 and "delitos_total" in [k for k, _ in c.indicators]:
        said = next(w for k, w in c.indicators if k == "delitos_total")
        c.indicators = [(k, w) for k, w in c.indicators if k != "delitos_total"]
        c.dropped.append(f"{said} -> delitos_total dropped: the clause names "
                         f"{', '.join(k for k, _ in c.indicators)}, which the total contains")
    # the direction: right after the figure ('22% menos'), else the nearest in the clause
    after = _match_at(matches, fig.end, ("direction_after",))
    if after:
        c.direction = (after.entry.key, _words(sentence, tokens, after.start, after.end))
    else:
        near = sorted((m for m in matches if m.entry.kind == "direction" and lo <= m.start < hi),
                      key=lambda m: (min(abs(m.start - fig.end), abs(fig.start - m.end)),
                                     m.start > fig.start))
        if near:
            c.direction = (near[0].entry.key, _words(sentence, tokens, near[0].start,
                                                     near[0].end))
    # the bound: right before the figure (over a filler: 'más del', 'by more than'), or after
    k = fig.start - 1
    while k >= lo:
        m = next((m for m in matches if m.end == k + 1), None)
        if m is not None:
            if m.entry.kind == "bound":
                c.bound = (m.entry.key, _words(sentence, tokens, m.start, m.end))
            break
        if tokens[k].norm not in FILLERS:
            break
        k -= 1
    if c.bound is None:
        m = _match_at(matches, fig.end, ("bound",))
        if m:
            c.bound = (m.entry.key, _words(sentence, tokens, m.start, m.end))
    return c


def _geo(c: Clause, lex: Lexicon) -> tuple[str | None, list[str], str | None]:
    """(the claim's geo, matched words, or a reason it has none)."""
    places = list(dict.fromkeys(k for k, _ in c.geos))
    said = {k: w for k, w in reversed(c.geos)}
    if len(places) > 1 and "national" in places:  # 'la frontera norte del país'
        places.remove("national")
    munis = [p for p in places if len(p) == 5 and p.isdigit()]
    places = [p for p in places if not (len(p) == 2 and any(m[:2] == p for m in munis))]
    if len(places) > 1:
        names = ", ".join(said[p] for p in places)
        return None, [], (f"names several places ({names}) for one figure: a claim has one "
                          "geography; write one claim per place")
    if not places:
        return "national", ["no place named -> national"], None
    key = places[0]
    value = lex.state_names.get(key, key)
    return value, [f"{said[key]} -> {value}"], None


def _geo_slug(geo: str, lex: Lexicon) -> str:
    """'frontera_norte', 'baja_california', 'leon' (municipality 11020)."""
    key = next((k for k, n in lex.state_names.items() if n == geo), geo)
    return _slug(lex.geo_names.get(key, geo))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


class _Reader:
    """Reads one sentence after another, remembering the previous sentence's last claim."""

    def __init__(self, lex: Lexicon, said_on: date | None = None):
        self.lex = lex
        self.previous: Drafted | None = None
        self.ids: set[str] = set()
        self.said_on = said_on or date.today()
        self.program_before: tuple[str, str] | None = None  # (key, words), same paragraph

    def new_paragraph(self) -> None:
        self.program_before = None

    def sentence(self, sentence: str) -> list[Drafted | Skipped]:
        tokens = tokenize(sentence)
        matches = find_aliases(tokens, self.lex)
        self.context = (tokens, matches, forms.folded_text([t.norm for t in tokens]))
        program_before = self.program_before
        named = [m for m in matches if m.entry.kind == "program"]
        self.program_before = (named[-1].entry.key, _words(sentence, tokens, named[-1].start,
                                                           named[-1].end)) if named else None
        self.program_here = program_before
        out = self._sentence(sentence, tokens, matches)
        record = self._record(sentence, tokens, matches, out)
        if record is None:
            return out
        if len(out) == 1 and isinstance(out[0], Skipped) and "no percent change" in \
                out[0].reason:  # its only number was the record's year
            out = []
        return [*out, record]

    def _sentence(self, sentence: str, tokens: list[Token], matches: list[Match]
                  ) -> list[Drafted | Skipped]:
        figures, numbers = find_figures(tokens, matches, self.lex.lang)
        taken = {k for f in figures for k in range(f.start, f.end)}
        figures = sorted(figures + forms.unit_figures(tokens, matches, numbers, taken),
                         key=lambda f: f.start)
        previous, self.previous = self.previous, None
        if not figures:
            if numbers:
                said = _words(sentence, tokens, numbers[0].start, numbers[0].end)
                return [Skipped(sentence, f"a number ({said}) but no percent change and no "
                                          "amount of pesos")]
            return []
        out: list[Drafted | Skipped] = []
        clauses: list[Clause] = []
        for fig, span in zip(figures, _clause_spans(tokens, matches, figures), strict=True):
            c = _read_clause(sentence, tokens, matches, span, fig)
            if clauses:  # what this clause leaves unsaid, the one before it said
                before = clauses[-1]
                if not c.indicators and before.indicators and not c.unsupported:
                    c.indicators = [(k, f"{w} (earlier in the sentence)")
                                    for k, w in before.indicators]
                if c.direction is None and before.direction:
                    c.direction = (before.direction[0],
                                   f"{before.direction[1]} (earlier in the sentence)")
                if not c.geos and clauses[0].geo_before_figure:
                    c.geos = [(k, f"{w} (at the start of the sentence)")
                              for k, w in clauses[0].geos]
            clauses.append(c)
            item = self._figure(sentence, tokens, fig, c, previous)
            if isinstance(item, Drafted) and item.fields["kind"] in ("change", "difference"):
                forms.enrich(item.fields, item.matched, tokens, matches, span, self.lex.lang,
                             self.said_on, self.context[2],
                             previous.fields if previous is not None else None)
            out.append(item)
            if isinstance(item, Drafted) and item.fields["kind"] in ("change", "difference",
                                                                     "level"):
                self.previous = item
        return out

    def _record(self, sentence: str, tokens: list[Token], matches: list[Match],
                out: list) -> Drafted | Skipped | None:
        """'el más bajo desde 2016': a record of the sentence's indicators (or those of the
        claim before it) in the last month the sentence names."""
        base = next((i for i in reversed(out) if isinstance(i, Drafted)
                     and i.fields.get("indicators")), self.previous)
        indicators = list(dict.fromkeys(m.entry.key for m in matches
                                        if m.entry.kind == "indicator"))
        c = Clause(geos=[(m.entry.key, _words(sentence, tokens, m.start, m.end))
                         for m in matches if m.entry.kind == "geo"])
        geo, geo_words, why = _geo(c, self.lex)
        got = forms.record_fields(tokens, matches, self.lex.lang, self.context[2],
                                  indicators or (base.fields["indicators"] if base else []),
                                  geo or "national", geo_words)
        if got is None:
            return None
        if isinstance(got, str) or why:
            return Skipped(sentence, got if isinstance(got, str) else why)
        fields, matched = got
        return Drafted({"id": self._claim_id(fields), "text": sentence, **fields}, "", matched)

    def _claim_id(self, fields: dict) -> str:
        """'homicidio_doloso_frontera_norte_level'."""
        place = "" if fields["geo"] == "national" else "_" + _geo_slug(fields["geo"], self.lex)
        return self._id("_".join(fields["indicators"]) + place + "_" + fields["kind"])

    def _figure(self, sentence: str, tokens: list[Token], fig: Figure, c: Clause,
                previous: Drafted | None) -> Drafted | Skipped:
        said = _words(sentence, tokens, fig.start, fig.end)
        if c.unsupported:
            words_, note = c.unsupported[0]
            return Skipped(sentence, f"«{said}»: names {words_}, which seguridad cannot check"
                                     + (f" ({note})" if note else ""))
        if fig.kind == "money":
            return self._spending(sentence, said, fig, c)
        if fig.kind in ("level", "difference"):
            geo, geo_words, why = _geo(c, self.lex)
            if why:
                return Skipped(sentence, f"«{said}»: {why}")
            got = forms.unit_fields(fig, said, c, geo, geo_words, self.context[2],
                                    self.lex.lang)
            if isinstance(got, str):
                return Skipped(sentence, got)
            fields, written, matched = got
            fields["text"] = sentence
            return Drafted({"id": self._claim_id(fields), **fields}, written, matched)
        if fig.kind == "points":
            return Skipped(sentence, f"«{said}»: percentage points are a change in a rate or "
                                     "share, not a percent change")
        if fig.kind == "levels":
            return Skipped(sentence, f"«{said}»: reads as two levels (from {fig.number.written}"
                                     f" to {fig.upper.written} percent), not a change: write "
                                     "the claim by hand")
        matched: list[str] = []
        geo, geo_words, why = _geo(c, self.lex)
        if why:
            return Skipped(sentence, f"«{said}»: {why}")
        indicators = [k for k, _ in c.indicators]
        matched += [f"{w} -> {k}" for k, w in c.indicators] + c.dropped
        direction = c.direction
        if not indicators:
            if c.programs:
                return Skipped(sentence, f"«{said}»: a percent change of a program "
                                         f"({c.programs[0][1]}), not of a crime indicator")
            if previous is not None and c.geos:  # 'En la frontera norte, la disminución ...'
                indicators = previous.fields["indicators"]
                matched.append(f"indicator from the previous sentence: "
                               f"{', '.join(indicators)}")
                if direction is None:
                    direction = ("fall" if previous.fields["change_pct"] < 0 else "rise",
                                 "")
                    matched.append(f"direction from the previous sentence: {direction[0]}")
            else:
                return Skipped(sentence, f"«{said}»: a percent but no known indicator (add "
                                         "its words to schemas/reference/claim_aliases.csv)")
        if direction is None:
            return Skipped(sentence, f"«{said}»: a percent but no fall or rise stated (a "
                                     "share, not a change?)")
        sign = "-" if direction[0] == "fall" else ""
        value, comment = fig.number.written, ""
        matched += geo_words
        if fig.kind == "range":  # two bounds: the checker takes one, the lower magnitude
            upper = fig.upper.written
            bound = "more_than"
            matched.append(f"{said} -> more than {sign}{value} (a range: the upper figure "
                           f"{sign}{upper} is not checked)")
            comment = (f"a range, {value} to {upper} percent: checked as more than {value}; "
                       f"the upper figure ({sign}{upper}) is not checked")
        else:
            matched.append(f"{said} -> {sign}{value}")
        if direction[1]:
            matched.append(f"{direction[1]} -> {direction[0]}")
        if fig.kind != "range":
            bound = c.bound[0] if c.bound else "about"
            matched.append(f"{c.bound[1]} -> {bound}" if c.bound else "no bound word -> about")
        place = "" if geo == "national" else "_" + _geo_slug(geo, self.lex)
        fields = {"id": self._id("_".join(indicators) + place), "text": sentence,
                  "kind": "change", "indicators": indicators, "geo": geo,
                  "change_pct": float(sign + value), "bound": bound}
        return Drafted(fields, sign + value, matched, comment)

    def _spending(self, sentence: str, said: str, fig: Figure, c: Clause) -> Drafted | Skipped:
        if fig.currency == "usd":
            return Skipped(sentence, f"«{said}»: an amount in dollars; the budgets are in pesos")
        programs = list(dict.fromkeys(k for k, _ in c.programs))
        before = None
        if not programs and self.program_here:  # 'The program ... was launched. An
            programs, before = [self.program_here[0]], self.program_here  # investment ...'
        if not programs:
            return Skipped(sentence, f"«{said}»: an amount but no known program (add its "
                                     "name to schemas/reference/claim_aliases.csv)")
        if len(programs) > 1:
            return Skipped(sentence, f"«{said}»: one amount for several programs "
                                     f"({', '.join(programs)}): write one claim per program")
        amount = fig.number.value * fig.scale
        written = f"{int(amount):_}" if amount == amount.to_integral_value() else \
            format(amount.normalize(), "f")
        matched = [f"{w} -> {k}" for k, w in c.programs]
        if before:
            matched.append(f"program from the previous sentence: {before[1]} -> {before[0]}")
        matched.append(f"{said} -> {int(amount) if amount == int(amount) else amount}")
        if fig.currency is None:
            matched.append("no currency named -> pesos (assumed)")
        bound = c.bound[0] if c.bound else "about"
        matched.append(f"{c.bound[1]} -> {bound}" if c.bound else "no bound word -> about")
        fields = {"id": self._id(programs[0]), "text": sentence, "kind": "spending",
                  "program": programs[0], "amount_pesos": float(amount), "bound": bound}
        return Drafted(fields, written, matched)

    def _id(self, base: str) -> str:
        base = base[:70].strip("_") or "claim"
        ident, n = base, 1
        while ident in self.ids:
            n += 1
            ident = f"{base}_{n}"
        self.ids.add(ident)
        return ident


def draft(text: str, said_on: date, baseline_year: int, lang: str | None = None,
          source: str = "", title: str | None = None, speaker: str = "") -> Draft:
    """Read a speech into a draft claims file (render() writes it as TOML)."""
    notes, sentences = split_text(text)
    if not sentences:
        raise DraftError(say("draft.no_text", source=source or say("draft.the_speech")))
    lang = lang or detect_lang(sentences)
    statement = {"title": title or f"Statement of {said_on.isoformat()}"
                 + (f" ({PurePath(source).name})" if source else ""),
                 "speaker": speaker, "said_on": said_on, "baseline_year": baseline_year,
                 "source": source or None, "lang": lang}
    try:
        Statement.model_validate(statement)
    except ValidationError as e:
        err = e.errors(include_url=False)[0]
        raise DraftError(err["msg"].removeprefix("Value error, ")) from None
    reader = _Reader(lexicon(lang), said_on)
    result = Draft(statement, lang, sentences=len(sentences), notes=notes, source=source)
    for paragraph in split_paragraphs(text)[1]:
        reader.new_paragraph()
        for s in paragraph:
            result.items += reader.sentence(s)
    for d in result.claims:  # every field the claims file allows, as check-claims reads it
        Claim.model_validate(d.fields | {"matched": d.matched})
    return result


# --- the TOML -----------------------------------------------------------------------------

# the fields of the forms of issue 21, in the order the TOML writes them
EXTRA_FIELDS = ("measure", "per", "family", "baseline_year", "current", "baseline", "record",
                "since", "compare")


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _string(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a TOML basic string


def render(d: Draft) -> str:
    st = d.statement
    n_claims, n_skipped = len(d.claims), len(d.skipped)
    lines = [
        f"# Claims drafted by `seguridad draft-claims` from {d.source or 'a speech'} "
        f"(language: {d.lang}).",
        "# A draft: read every claim before checking it. `matched` lists the words that "
        "decided each",
        "# field; figures that did not become a claim are comments, with the reason.",
        f"# {plural(d.sentences, 'sentence')} read: {plural(n_claims, 'claim')} drafted, "
        f"{n_skipped} kept as comments.",
    ]
    if d.notes:
        lines.append("# The speech file says:")
        lines += [f"#   {n}" for n in d.notes if n]
    lines += ["", "[statement]", f"title = {_string(st['title'])}",
              f"speaker = {_string(st['speaker'])}"
              + ("" if st["speaker"] else "   # who said it (or --speaker)"),
              f"said_on = {st['said_on'].isoformat()}",
              f"baseline_year = {st['baseline_year']}"]
    if st["source"]:
        lines.append(f"source = {_string(st['source'])}")
    lines.append(f"lang = {_string(st['lang'])}")
    for item in d.items:
        lines.append("")
        if isinstance(item, Skipped):
            lines += [f"# Not drafted: {item.reason}", f"#   «{item.sentence}»"]
            continue
        f = item.fields
        lines += ["[[claim]]", f"id = {_string(f['id'])}"]
        if f["kind"] == "spending":
            lines += ['kind = "spending"', f"text = {_string(f['text'])}",
                      f"program = {_string(f['program'])}", f"amount_pesos = {item.written}"]
        else:
            if f["kind"] != "change":
                lines.append(f"kind = {_string(f['kind'])}")
            lines += [f"text = {_string(f['text'])}",
                      "indicators = [" + ", ".join(map(_string, f["indicators"])) + "]"
                      + ("   # their sum, each crime row once" if len(f["indicators"]) > 1
                         else ""),
                      f"geo = {_string(f['geo'])}"]
            stated = {"change": "change_pct", "difference": "difference",
                      "level": "value"}.get(f["kind"])
            if stated:
                lines.append(f"{stated} = {item.written}"
                             + (f"   # {item.comment}" if item.comment else ""))
            for key in EXTRA_FIELDS:
                if key in f:
                    value = f[key]
                    lines.append(f"{key} = {value if isinstance(value, int) else _string(value)}")
        lines.append(f"bound = {_string(f['bound'])}")
        lines.append("matched = [")
        lines += [f"    {_string(m)}," for m in item.matched]
        lines.append("]")
    text = "\n".join(lines) + "\n"
    if d.claims:  # what check-claims will read: the same model, the same file
        ClaimsFile.model_validate(tomllib.loads(text))
    return text


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
