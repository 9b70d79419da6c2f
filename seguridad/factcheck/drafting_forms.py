"""The forms of claims officials use since 2024, read by draft-claims (issue 21): the window
the wording names ("en lo que va del año", "en los últimos doce meses", "respecto al mismo mes
del año pasado", "de septiembre a diciembre de 2024"), a figure per day ("promedio diario"),
a difference ("34 homicidios diarios menos"), a level ("72.8 homicidios al día en
diciembre"), a record ("el más bajo desde 2016"), and a program named in the sentence before.
The words are rows of schemas/reference/claim_aliases.csv (kinds window, per, record,
measure); month names and the shapes of dates are grammar, here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"],
    "en": ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"],
}
SINCE = {"es": {"desde"}, "en": {"since"}}
PERIOD_WORDS = {"es": {"mes": "any_month", "ano": "year", "anual": "year"},
                "en": {"month": "any_month", "year": "year"}}
# words that may stand inside a level or difference: '34 homicidios dolosos diarios menos',
# '72.8 víctimas de homicidio al día', '34 fewer homicides a day'
UNIT_FILLERS = {"de", "del", "por", "of", "the", "en", "in"}
UNIT_REACH = 7  # tokens after the number a level or difference may take


@dataclass
class UnitFigure:
    """A count per day or month: a level ('72.8 homicidios al día') or, with 'menos' / 'más' /
    'fewer' / 'more', a difference ('34 homicidios diarios menos')."""

    kind: str  # level | difference
    number: object  # drafting.Number
    start: int
    end: int
    per: str
    per_words: str
    direction: tuple[str, str] | None = None  # (fall|rise, words), differences only
    measure: str | None = None  # victims, when the words say so
    upper: None = None
    scale: int = 1
    currency: None = None


def _month_pattern(lang: str) -> str:
    return "|".join(MONTHS[lang])


def months_named(folded: str, lang: str) -> list[date]:
    """Every 'diciembre de 2024' / 'december 2024' of a sentence (folded words), in order."""
    pat = (rf"\b({_month_pattern(lang)}) (?:de |del )?(\d{{4}})\b" if lang == "es" else
           rf"\b({_month_pattern(lang)}),? (\d{{4}})\b")
    return [date(int(m.group(2)), MONTHS[lang].index(m.group(1)) + 1, 1)
            for m in re.finditer(pat, folded)]


def windows_named(folded: str, lang: str) -> tuple[date, date, str] | None:
    """'de septiembre a diciembre de 2024', 'de septiembre de 2024 a diciembre de 2025',
    'from September to December 2024': (baseline month, current month, the words)."""
    mp = _month_pattern(lang)
    pat = (rf"\bde(?:l mes de)? ({mp})(?: de(?:l)? (\d{{4}}))? (?:a|al|hasta) ({mp}) de(?:l)? "
           rf"(\d{{4}})\b" if lang == "es" else
           rf"\bfrom ({mp})(?:,? (\d{{4}}))? (?:to|until) ({mp}),? (\d{{4}})\b")
    m = re.search(pat, folded)
    if not m:
        return None
    m1, m2 = MONTHS[lang].index(m.group(1)) + 1, MONTHS[lang].index(m.group(3)) + 1
    y2 = int(m.group(4))
    y1 = int(m.group(2)) if m.group(2) else (y2 if m1 < m2 else y2 - 1)
    return date(y1, m1, 1), date(y2, m2, 1), m.group(0)


def folded_text(words: list[str]) -> str:
    return " ".join(words)


def unit_figures(tokens, matches, numbers, taken: set[int]) -> list[UnitFigure]:
    """Numbers (outside the other figures) followed, within a few words, by an indicator and
    a per-day or per-month word: levels, or differences when 'menos' / 'fewer' comes too."""
    out = []
    for n in numbers:
        if n.start in taken or n.article:
            continue
        kinds: dict[str, object] = {}
        k, last = n.end, n.end
        while k < len(tokens) and k < n.end + UNIT_REACH:
            m = next((m for m in matches if m.start == k), None)
            if m is not None and m.entry.kind in ("indicator", "per", "direction_after",
                                                 "measure"):
                kinds.setdefault(m.entry.kind, m)
                k = last = m.end
                continue
            if tokens[k].norm in UNIT_FILLERS:
                k += 1
                continue
            break
        if "indicator" not in kinds or "per" not in kinds:
            continue
        per = kinds["per"]
        direction = kinds.get("direction_after")
        words = month_span(tokens, per.start, per.end)
        out.append(UnitFigure(
            "difference" if direction else "level", n, n.start, last, per.entry.key, words,
            (direction.entry.key, month_span(tokens, direction.start, direction.end))
            if direction else None,
            "victims" if "measure" in kinds else None))
    return out


def month_span(tokens, start: int, end: int) -> str:
    return " ".join(t.text for t in tokens[start:end])


def enrich(fields: dict, matched: list[str], tokens, matches, span: tuple[int, int],
           lang: str, said_on: date, folded: str, previous: dict | None = None) -> None:
    """The window, unit and measure a change or difference's sentence names, into its fields
    (and the words that said them into matched). A difference that names no window takes the
    windows of the claim of the sentence before ('bajó 16.3% de septiembre a diciembre. Son
    14 homicidios diarios menos.')."""
    lo, hi = span
    for m in matches:
        said = month_span(tokens, m.start, m.end)
        if m.entry.kind == "window" and "family" not in fields:
            if m.entry.key == "month_last_year":
                fields["family"] = "month"
                fields["baseline_year"] = said_on.year - 1
                matched.append(f"{said} -> family month, baseline_year {said_on.year - 1}")
            else:
                fields["family"] = m.entry.key
                matched.append(f"{said} -> family {m.entry.key}")
        elif m.entry.kind == "per" and lo <= m.start < hi and "per" not in fields:
            fields["per"] = m.entry.key
            matched.append(f"{said} -> per {m.entry.key}")
        elif m.entry.kind == "measure" and lo <= m.start < hi and "measure" not in fields:
            fields["measure"] = m.entry.key
            matched.append(f"{said} -> measure {m.entry.key}")
    named = windows_named(folded, lang)
    if named:
        baseline, current, words = named
        fields.pop("family", None)
        fields.pop("baseline_year", None)
        fields["current"], fields["baseline"] = f"{current:%Y-%m}", f"{baseline:%Y-%m}"
        matched[:] = [m for m in matched if "-> family" not in m]
        matched.append(f"{words} -> current {current:%Y-%m}, baseline {baseline:%Y-%m}")
    elif (fields["kind"] == "difference" and "family" not in fields and previous
          and previous.get("current") and previous.get("baseline")):
        fields["current"], fields["baseline"] = previous["current"], previous["baseline"]
        matched.append(f"windows from the previous sentence: current {previous['current']}, "
                       f"baseline {previous['baseline']}")


def record(tokens, matches, lang: str) -> tuple[str, int, str, str] | None:
    """'el más bajo desde 2016' / 'the lowest since 2016': (lowest|highest, since, compare,
    the words), the comparable periods from the word before the record word (a month name:
    the same month; mes / month: any month; año / year: years; else the same month)."""
    for m in matches:
        if m.entry.kind != "record":
            continue
        k = m.end
        while k < len(tokens) and k < m.end + 4 and tokens[k].norm not in SINCE[lang]:
            k += 1
        if k + 1 >= len(tokens) or tokens[k].norm not in SINCE[lang] \
                or not re.fullmatch(r"(19|20)\d\d", tokens[k + 1].norm):
            continue
        around = [tokens[m.start - 1].norm] if m.start else []
        around += [t.norm for t in tokens[m.end:k]]
        compare = next((PERIOD_WORDS[lang][w] for w in around if w in PERIOD_WORDS[lang]),
                       "same_month")
        return m.entry.key, int(tokens[k + 1].norm), compare, month_span(tokens, m.start, k + 2)
    return None


def unit_fields(fig: UnitFigure, said: str, c, geo: str, geo_words: list[str],
                folded: str, lang: str) -> tuple[dict, str, list[str]] | str:
    """A level ('72.8 homicidios al día en diciembre de 2024') or a difference ('34
    homicidios diarios menos'): (fields, the number as written, matched), or why not."""
    indicators = [k for k, _ in c.indicators]
    if not indicators:
        return f"«{said}»: a figure per {fig.per} but no known indicator"
    matched = [f"{w} -> {k}" for k, w in c.indicators] + c.dropped + geo_words
    matched.append(f"{fig.per_words} -> per {fig.per}")
    value = fig.number.written
    fields = {"text": "", "kind": fig.kind, "indicators": indicators, "geo": geo,
              "per": fig.per}
    if fig.measure:
        fields["measure"] = fig.measure
        matched.append(f"victims -> measure {fig.measure}")
    if fig.kind == "difference":
        written = ("-" if fig.direction[0] == "fall" else "") + value
        fields["difference"] = float(written)
        matched += [f"{said} -> difference {written}",
                    f"{fig.direction[1]} -> {fig.direction[0]}"]
    else:
        named = months_named(folded, lang)
        if not named:
            return f"«{said}»: a level (per {fig.per}) but no month named: write current by hand"
        written = value
        fields["value"] = float(value)
        fields["current"] = f"{named[-1]:%Y-%m}"
        matched += [f"{said} -> value {value}",
                    f"{named[-1]:%Y-%m} (the last month named) -> current"]
    fields["bound"] = c.bound[0] if c.bound else "about"
    matched.append(f"{c.bound[1]} -> {fields['bound']}" if c.bound else
                   "no bound word -> about")
    return fields, written, matched


def record_fields(tokens, matches, lang: str, folded: str, indicators: list[str],
                  geo: str, geo_words: list[str]) -> tuple[dict, list[str]] | str | None:
    """'el más bajo desde 2016': the fields of a record claim of the sentence's indicators
    in the last month it names, and matched; why not; or None when there is no record."""
    found = record(tokens, matches, lang)
    if found is None:
        return None
    key, since, compare, said = found
    if not indicators:
        return f"«{said}»: a record but no known indicator"
    named = months_named(folded, lang)
    if not named:
        return f"«{said}»: a record but no month named (write current by hand)"
    last = named[-1]
    current = (f"{last.year}-01:{last.year}-12" if compare == "year" else f"{last:%Y-%m}")
    matched = [f"{said} -> record {key} since {since}, compare {compare}",
               f"{last:%Y-%m} (the last month named) -> current {current}"] + geo_words
    fields = {"kind": "record", "indicators": indicators, "geo": geo, "record": key,
              "since": since, "compare": compare, "current": current, "bound": "about"}
    pers = [m for m in matches if m.entry.kind == "per"]
    if pers:
        fields["per"] = pers[0].entry.key
        matched.append(f"{month_span(tokens, pers[0].start, pers[0].end)} -> per "
                       f"{pers[0].entry.key}")
    return fields, matched
