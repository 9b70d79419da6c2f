"""`seguridad draft-claims`: a speech's sentences read into a claims file. Rules over the text,
no model: the words live in schemas/reference/claim_aliases.csv (with the state and group
names of the other reference files), and every drafted claim records the words that decided
each of its fields. What a rule cannot read becomes a comment with the reason, never a guess.

The reading, sentence by sentence: find the figures (a number with '%' or 'por ciento', a
range, an amount with 'millones de pesos' or 'billion pesos'); split a sentence with several
figures into one clause per figure; in each clause find the indicator, the place, the
direction (fell / rose), the bound word right before the figure (más de, casi, over); fill
what a clause lacks from the clause before it, or, for a sentence that names only a place
("En la frontera norte, la disminución fue de 44.6%"), from the sentence before it.

The steps live next to this module: lexicon.py (the words, tokens and aliases),
speech_text.py (bytes to text to sentences), numbers.py (numbers and figures), clauses.py
(clauses and what they say), claims_toml.py (the draft and its TOML); drafting_forms.py reads
the forms of issue 21. This module reads sentence after sentence into claims."""

from __future__ import annotations

from datetime import date
from pathlib import PurePath

from pydantic import ValidationError

from seguridad.factcheck import drafting_forms as forms
from seguridad.factcheck.claims import Claim, Statement
from seguridad.factcheck.claims_toml import Draft, Drafted, Skipped, render
from seguridad.factcheck.clauses import (
    Clause,
    clause_geo,
    clause_spans,
    geo_slug,
    read_clause,
    span_words,
)
from seguridad.factcheck.lexicon import (
    DraftError,
    Lexicon,
    Match,
    Token,
    find_aliases,
    fold,
    lexicon,
    tokenize,
)
from seguridad.factcheck.numbers import Figure, find_figures
from seguridad.factcheck.speech_text import (
    decode_speech,
    detect_lang,
    split_paragraphs,
    split_text,
)
from seguridad.i18n import say

# what callers (cli, tests) read here
__all__ = ["Draft", "DraftError", "Drafted", "Skipped", "decode_speech", "draft", "fold",
           "lexicon", "render", "split_text"]


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
        self.program_before = (named[-1].entry.key, span_words(sentence, tokens, named[-1].start,
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
                said = span_words(sentence, tokens, numbers[0].start, numbers[0].end)
                return [Skipped(sentence, f"a number ({said}) but no percent change and no "
                                          "amount of pesos")]
            return []
        out: list[Drafted | Skipped] = []
        clauses: list[Clause] = []
        for fig, span in zip(figures, clause_spans(tokens, matches, figures), strict=True):
            c = read_clause(sentence, tokens, matches, span, fig)
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
        c = Clause(geos=[(m.entry.key, span_words(sentence, tokens, m.start, m.end))
                         for m in matches if m.entry.kind == "geo"])
        geo, geo_words, why = clause_geo(c, self.lex)
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
        place = "" if fields["geo"] == "national" else "_" + geo_slug(fields["geo"], self.lex)
        return self._id("_".join(fields["indicators"]) + place + "_" + fields["kind"])

    def _figure(self, sentence: str, tokens: list[Token], fig: Figure, c: Clause,
                previous: Drafted | None) -> Drafted | Skipped:
        said = span_words(sentence, tokens, fig.start, fig.end)
        if c.unsupported:
            words_, note = c.unsupported[0]
            return Skipped(sentence, f"«{said}»: names {words_}, which seguridad cannot check"
                                     + (f" ({note})" if note else ""))
        if fig.kind == "money":
            return self._spending(sentence, said, fig, c)
        if fig.kind in ("level", "difference"):
            geo, geo_words, why = clause_geo(c, self.lex)
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
        geo, geo_words, why = clause_geo(c, self.lex)
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
        place = "" if geo == "national" else "_" + geo_slug(geo, self.lex)
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
