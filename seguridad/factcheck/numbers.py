"""draft-claims' numbers and figures: a number in digits ('7,700', '44,6') or in words
('cuarenta y cuatro punto seis', 'forty-four point six', 'siete mil setecientos'), and the
figures a sentence states with them (a percent, a range of percents, an amount of money)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from seguridad.factcheck.lexicon import Match, Token

# Grammar, not vocabulary: the words that make numbers.
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
RANGE_OPENERS = {"entre", "between", "de", "from"}
RANGE_JOINS = {"es": {"y", "a", "al", "-", "–"}, "en": {"and", "to", "-", "–"}}
THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


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


def match_at(matches: list[Match], i: int, kinds: tuple[str, ...]) -> Match | None:
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
        unit = match_at(matches, n.end, ("percent",))
        # a range: 'entre 20 y 25%', 'between 20% and 25%', '20-25%', 'de 20 a 25 por ciento'
        after = unit.end if unit else n.end
        nxt = numbers[idx + 1] if idx + 1 < len(numbers) else None
        if (nxt and after < len(tokens) and tokens[after].norm in RANGE_JOINS[lang]
                and nxt.start == after + 1 and (unit is None or unit.entry.key == "percent")):
            unit2 = match_at(matches, nxt.end, ("percent",))
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
    s = match_at(matches, end, ("scale", "pesos_scale"))
    if s:
        scale, end = Decimal(s.entry.key), s.end
        if s.entry.kind == "pesos_scale":
            currency = "pesos"
    if end < len(tokens) and tokens[end].norm == "de" and match_at(matches, end + 1,
                                                                    ("currency",)):
        end += 1
    c = match_at(matches, end, ("currency",))
    if c:
        currency, end = c.entry.key, c.end
    if currency is None and not s:
        return None
    if n.article and not s:
        return None
    return Figure("money", n, start, end, scale=scale, currency=currency)
