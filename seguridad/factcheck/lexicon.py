"""draft-claims' words: the aliases of schemas/reference/claim_aliases.csv (with the state
and group names of the other reference files) loaded into a lexicon, a sentence cut into
tokens, and the aliases found among them. DraftError, the error of every drafting step, is
here because the lexicon is the first step that can refuse."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandera.pandas as pa

from schemas import reference
from schemas.reference import normalize_name
from seguridad.errors import SeguridadError

ALIASES = "claim_aliases"
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[%$,;\-–]")


class DraftError(SeguridadError):
    """A speech that cannot be drafted from: the message says what to do."""


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


@dataclass(frozen=True)
class Token:
    text: str
    norm: str
    start: int
    end: int


def tokenize(sentence: str) -> list[Token]:
    return [Token(m.group(), fold(m.group()), m.start(), m.end())
            for m in TOKEN.finditer(sentence)]


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
