"""Months and windows: month arithmetic, a window of months and how it is written in words,
and the presets (named pairs of windows ending at a month), each defined once in
PRESET_TABLE."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from seguridad.errors import ComparisonRefused
from seguridad.i18n import say

MONTH_NAMES_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                  "septiembre", "octubre", "noviembre", "diciembre"]


MONTH_NAMES_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"]


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, 1)


def parse_month(text: str) -> date:
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ComparisonRefused(say("window.not_a_month", text=text))
    if not 1900 <= int(m.group(1)) <= 2100:
        raise ComparisonRefused(say("window.year_range", text=text))
    return date(int(m.group(1)), int(m.group(2)), 1)


@dataclass(frozen=True)
class Window:
    """A run of whole months, both ends included."""

    start: date
    end: date

    @classmethod
    def parse(cls, text: str) -> Window:
        first, _, last = text.partition(":")
        start = parse_month(first)
        end = parse_month(last) if last else start
        if end < start:
            raise ComparisonRefused(say("window.backwards", text=text))
        return cls(start, end)

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def month_list(self) -> list[date]:
        return [add_months(self.start, i) for i in range(self.months)]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m}" if self.months == 1 else f"{self.start:%Y-%m}:{self.end:%Y-%m}"

    def describe(self, lang: str = "en") -> str:
        """'January-November 2015' / 'enero-noviembre de 2015'; across years 'December 2022
        to November 2023' / 'diciembre de 2022 a noviembre de 2023' (a hyphen there would read
        as '2022-noviembre')."""
        names = MONTH_NAMES_ES if lang == "es" else MONTH_NAMES_EN
        s, e = self.start, self.end
        of = " de " if lang == "es" else " "
        if self.months == 1:
            return f"{names[s.month - 1]}{of}{s.year}"
        if s.year == e.year:
            return f"{names[s.month - 1]}-{names[e.month - 1]}{of}{s.year}"
        to = " a " if lang == "es" else " to "
        return f"{names[s.month - 1]}{of}{s.year}{to}{names[e.month - 1]}{of}{e.year}"

    @property
    def spans_years(self) -> bool:
        return self.start.year != self.end.year


@dataclass(frozen=True)
class Preset:
    """A named pair of windows ending at a month. The one definition of each preset: the CLI,
    the standard comparisons of every build (marts.standard_changes, `standard`) and the
    nightly report's headings all read this table."""

    key: str
    meaning: str  # in words, ending at the last month
    titles: dict  # the nightly report's heading, by language
    standard: bool = True  # computed at every build for every indicator and geography


PRESET_TABLE = (
    Preset("mom", "month vs month before",
           {"es": "El último mes contra el mes anterior",
            "en": "The last month against the month before"}),
    Preset("yoy", "month vs same month a year before",
           {"es": "El último mes contra el mismo mes del año anterior",
            "en": "The last month against the same month a year before"}),
    Preset("ytd", "January to the last month vs the same months a year before",
           {"es": "Año a la fecha contra los mismos meses del año anterior",
            "en": "Year to date against the same months a year before"}),
    Preset("r12", "last 12 months vs the 12 before",
           {"es": "Últimos 12 meses contra los 12 anteriores",
            "en": "Last 12 months against the 12 before"}),
    Preset("since", "--since to the last month vs as many months right before --since (e.g. "
                    "an administration's first months against as many before it took office)",
           {"es": "Desde el inicio contra los mismos meses antes",
            "en": "Since the start against as many months before"}, standard=False),
)


PRESETS = tuple(p.key for p in PRESET_TABLE)


STANDARD_PRESETS = tuple(p.key for p in PRESET_TABLE if p.standard)


PRESET_BY_KEY = {p.key: p for p in PRESET_TABLE}


def preset_windows(preset: str, end: date, since: date | None = None) -> tuple[Window, Window]:
    """(current, baseline) for a preset ending at `end` (PRESET_TABLE says what each means)."""
    if preset == "mom":
        return Window(end, end), Window(add_months(end, -1), add_months(end, -1))
    if preset == "yoy":
        return Window(end, end), Window(add_months(end, -12), add_months(end, -12))
    if preset == "ytd":
        start = date(end.year, 1, 1)
        return Window(start, end), Window(add_months(start, -12), add_months(end, -12))
    if preset == "r12":
        return (Window(add_months(end, -11), end),
                Window(add_months(end, -23), add_months(end, -12)))
    if preset == "since":
        if since is None:
            raise ComparisonRefused(say("window.since_needed"))
        if since > end:
            raise ComparisonRefused(say("window.since_after_end", since=f"{since:%Y-%m}",
                                        end=f"{end:%Y-%m}"))
        current = Window(since, end)
        return current, Window(add_months(since, -current.months), add_months(since, -1))
    raise ComparisonRefused(say("window.unknown_preset", preset=preset,
                                presets=", ".join(PRESETS)))
