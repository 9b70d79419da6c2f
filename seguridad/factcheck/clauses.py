"""draft-claims' clauses: a sentence with several figures cut into one clause per figure,
and what each clause says (indicators, places, programs, direction, bound), with the words
that said it; the one place of a claim, and the slug of a place for a claim's id."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from seguridad.factcheck.lexicon import Lexicon, Match, Token, fold
from seguridad.factcheck.numbers import Figure, match_at

# Words that may stand between a bound and its figure: 'más del 24%', 'by more than 24%'.
FILLERS = {"el", "la", "los", "las", "un", "una", "de", "del", "en", "por", "a", "an", "the",
           "by", "of"}
# Where a sentence with several figures is cut into clauses (the last one between two figures).
CLAUSE_BREAKS = {",", ";", "y", "e", "pero", "mientras", "aunque", "and", "but", "while",
                 "whereas", "although"}


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


def span_words(sentence: str, tokens: list[Token], start: int, end: int) -> str:
    return sentence[tokens[start].start:tokens[end - 1].end]


def clause_spans(tokens: list[Token], matches: list[Match], figures: list[Figure]
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


def read_clause(sentence: str, tokens: list[Token], matches: list[Match], span: tuple[int, int],
                 fig: Figure) -> Clause:
    c = Clause()
    lo, hi = span
    for m in matches:
        if not (lo <= m.start < hi):
            continue
        said = span_words(sentence, tokens, m.start, m.end)
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
    after = match_at(matches, fig.end, ("direction_after",))
    if after:
        c.direction = (after.entry.key, span_words(sentence, tokens, after.start, after.end))
    else:
        near = sorted((m for m in matches if m.entry.kind == "direction" and lo <= m.start < hi),
                      key=lambda m: (min(abs(m.start - fig.end), abs(fig.start - m.end)),
                                     m.start > fig.start))
        if near:
            c.direction = (near[0].entry.key, span_words(sentence, tokens, near[0].start,
                                                     near[0].end))
    # the bound: right before the figure (over a filler: 'más del', 'by more than'), or after
    k = fig.start - 1
    while k >= lo:
        m = next((m for m in matches if m.end == k + 1), None)
        if m is not None:
            if m.entry.kind == "bound":
                c.bound = (m.entry.key, span_words(sentence, tokens, m.start, m.end))
            break
        if tokens[k].norm not in FILLERS:
            break
        k -= 1
    if c.bound is None:
        m = match_at(matches, fig.end, ("bound",))
        if m:
            c.bound = (m.entry.key, span_words(sentence, tokens, m.start, m.end))
    return c


def clause_geo(c: Clause, lex: Lexicon) -> tuple[str | None, list[str], str | None]:
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


def geo_slug(geo: str, lex: Lexicon) -> str:
    """'frontera_norte', 'baja_california', 'leon' (municipality 11020)."""
    key = next((k for k, n in lex.state_names.items() if n == geo), geo)
    return _slug(lex.geo_names.get(key, geo))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")
