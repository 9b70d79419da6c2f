"""The verdict of a claim from its candidate definitions. The rules are data: the thresholds
of schemas/reference/verdict_rules.csv (validated by schemas/reference.py VerdictRules, built
into core.verdict_rule), and the README ("Verdicts") states them:

- reproduced: the definition the wording names reproduces the figure; when it names none, a
  plausible definition does (published by the day it was said, not resting on low counts,
  not a single month the longer windows contradict) and the bulk of the plausible
  definitions (at least min_agreeing_share of those published by then) agree with it;
- reproduced_as_rate: the same, but only rates per 100,000 reproduce it;
- misleading: some definition reproduces it, but only fragile ones (low counts, months not
  yet published on the day, a single month the longer windows contradict), or only a small
  minority of the definitions agree: the reasons say which;
- not_reproduced: none does (the closest is named, and what the wording's own gives);
- not_checkable: the data is not loaded (decided before judging, by the caller)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import duckdb

from seguridad.errors import SeguridadError
from seguridad.factcheck.windows import SINGLE_MONTH

VERDICTS = ("reproduced", "reproduced_as_rate", "misleading", "not_reproduced",
            "not_checkable")
# Why a reproducing definition does not confirm a figure, in the order the text gives them.
WEAKNESSES = ("low_count", "not_published", "single_month", "minority")


@dataclass(frozen=True)
class Rules:
    low_count: int = 10
    agree_within_pp: float = 5.0
    agree_within_share: float = 0.25
    min_agreeing_share: float = 0.33
    almost_from: float = 0.9
    victims_indicators: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"low_count": self.low_count, "agree_within_pp": self.agree_within_pp,
                "agree_within_share": self.agree_within_share,
                "min_agreeing_share": self.min_agreeing_share,
                "almost_from": self.almost_from,
                "victims_indicators": list(self.victims_indicators)}


def rules(con: duckdb.DuckDBPyConnection) -> Rules:
    """The rules the warehouse was built with (core.verdict_rule)."""
    try:
        rows = dict(con.execute("SELECT rule, value FROM core.verdict_rule").fetchall())
    except duckdb.CatalogException:
        raise SeguridadError(
            "this warehouse was built before the verdict rules "
            "(schemas/reference/verdict_rules.csv) existed: run `seguridad refresh` to "
            "rebuild it (no file is reloaded)") from None
    return Rules(low_count=int(rows["low_count"]),
                 agree_within_pp=float(rows["agree_within_pp"]),
                 agree_within_share=float(rows["agree_within_share"]),
                 min_agreeing_share=float(rows["min_agreeing_share"]),
                 almost_from=float(rows["almost_from"]),
                 victims_indicators=tuple(rows["victims_indicators"].split()))


# --- a figure against the stated one ----------------------------------------------------

def reproduces(figure: float | None, stated: float, bound: str, decimals: int,
               r: Rules) -> bool:
    """About: the figure rounds to the stated one at its precision (-22 covers [-22.5,
    -21.5)); more_than / less_than: the same sign and a larger / smaller magnitude (a rise
    is not 'a fall of less than 10%'); almost: the same sign and a magnitude in
    [almost_from x |stated|, |stated|)."""
    if figure is None:
        return False
    if bound == "about":
        half = Decimal(5).scaleb(-decimals - 1)
        s = Decimal(str(stated))
        return s - half <= Decimal(repr(figure)) < s + half
    if figure * stated < 0 or (figure == 0) != (stated == 0):
        return False
    size, said = abs(figure), abs(stated)
    if bound == "more_than":
        return size > said
    if bound == "less_than":
        return size < said
    return r.almost_from * said <= size < said  # almost


def agrees(figure: float | None, stated: float, bound: str, r: Rules,
           percent: bool = True) -> bool:
    """Near enough to the stated figure to say the same thing: the same side of zero and
    within agree_within_pp points (percent changes only) or agree_within_share of the figure,
    whichever is wider, of the figure (or of the edge of a bound)."""
    if figure is None:
        return False
    tolerance = max(r.agree_within_pp if percent else 0.0,
                    r.agree_within_share * abs(stated))
    if stated != 0 and figure * stated < 0:
        return False
    size, said = abs(figure), abs(stated)
    if bound == "more_than":
        return size >= said - tolerance
    if bound == "less_than":
        return size <= said + tolerance
    return abs(size - said) <= tolerance


def distance(figure: float | None, stated: float, bound: str) -> float:
    """How far a figure is from what the claim covers (0 inside a bound)."""
    if figure is None:
        return 1e12
    if bound in ("more_than", "less_than", "almost") and figure * stated > 0:
        size, said = abs(figure), abs(stated)
        if bound == "more_than":
            return max(0.0, said - size)
        if bound == "less_than":
            return max(0.0, size - said)
    return abs(figure - stated)


# --- the verdict ------------------------------------------------------------------------

@dataclass
class Judgement:
    verdict: str
    pool: list  # the definitions judged: the wording's own, or every plausible one
    named: bool  # the wording names its definition
    matches: list  # the pool's reproducing definitions
    strong: list  # those that confirm the figure
    weaknesses: list[str] = field(default_factory=list)  # why it is misleading
    agreeing: int = 0
    plausible: int = 0  # the definitions the share of agreement is over

    @property
    def share(self) -> float | None:
        return self.agreeing / self.plausible if self.plausible else None

    def as_dict(self) -> dict:
        return {"named": self.named, "agreeing": self.agreeing, "plausible": self.plausible,
                "share": None if self.share is None else round(self.share, 3),
                "weaknesses": self.weaknesses}


def judge(defs: list, stated: float, bound: str, r: Rules, figure=lambda d: d.pct_change,
          percent: bool = True) -> Judgement:
    """The verdict over definitions carrying: reproduces, family, named, in_unit, is_rate,
    published_by_said_on, current_count, baseline_count (see seguridad.factcheck.engine)."""
    in_unit = [d for d in defs if d.in_unit]
    named = [d for d in in_unit if d.named]
    pool = named or in_unit
    if not pool:
        return Judgement("not_checkable", [], False, [], [])
    published = [d for d in pool if d.published_by_said_on] or pool
    agreeing = [d for d in published if agrees(figure(d), stated, bound, r, percent)]
    longer = [d for d in published if d.family not in SINGLE_MONTH + ("stated",)]
    longer_share = (sum(1 for d in longer if agrees(figure(d), stated, bound, r, percent))
                    / len(longer)) if longer else 1.0

    def weak(d) -> list[str]:
        out = []
        if min(d.current_count, d.baseline_count) < r.low_count:
            out.append("low_count")
        if not d.published_by_said_on:
            out.append("not_published")
        if not named and d.family in SINGLE_MONTH and longer_share < r.min_agreeing_share:
            out.append("single_month")
        return out

    matches = [d for d in pool if d.reproduces]
    strong = [d for d in matches if not weak(d)]
    j = Judgement("not_reproduced", pool, bool(named), matches, strong,
                  agreeing=len(agreeing), plausible=len(published))
    minority = not named and j.share is not None and j.share < r.min_agreeing_share
    if strong:
        j.verdict = "reproduced" if any(not d.is_rate for d in strong) else "reproduced_as_rate"
        if minority:
            j.verdict, j.weaknesses = "misleading", ["minority"]
    elif matches:
        j.verdict = "misleading"
        found = {w for d in matches for w in weak(d)} | ({"minority"} if minority else set())
        j.weaknesses = [w for w in WEAKNESSES if w in found]
    return j
