"""Which windows a claimed change can mean: the candidate definitions of check-claims, by
family, and which of them the wording names (a stated pair of windows, `family`, `per`).

The families (README, "The candidate definitions"), for each month M from three months
before the statement to its month:

- ytd: January..M against the same months of the baseline year;
- full_year_before / full_year_of: the year before the statement, and its year, against the
  baseline year (`family = "full_year"` names both);
- r12: the 12 months ending at M against the 12 ending at the same month of the baseline year;
- month: M against the same month of the baseline year;
- avg_since: the monthly average from the administration's first month to M against the
  baseline year's;
- since_administration_month: M against the last month before `administration_start` (the
  federal reports since October 2024 compare with September 2024). Only when the statement
  gives administration_start or the claim names the family.

A window pair is compared as totals, or per day / per month of each window (`per`): the
monthly average since the administration began is per month; a month against a month of
another length (February against March) is evaluated both as totals and per day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from seguridad.analysis.windows import Window, add_months

# Candidate families, in the order a tie is broken (the plainest reading first).
FAMILIES = ("stated", "ytd", "full_year_before", "full_year_of", "r12", "month", "avg_since",
            "since_administration_month")
# claims' `family` -> the candidate families it names
NAMED_FAMILIES = {"ytd": ("ytd",), "r12": ("r12",), "month": ("month",),
                  "avg_since": ("avg_since",),
                  "full_year": ("full_year_before", "full_year_of"),
                  "since_administration_month": ("since_administration_month",)}
SINGLE_MONTH = ("month", "since_administration_month")
MONTHS_BEFORE = 3  # candidates end from three months before the statement to its month


@dataclass(frozen=True)
class Candidate:
    """A pair of windows and how each is reduced to one figure."""

    family: str
    current: Window
    baseline: Window
    per: str | None  # None: the windows' totals; 'day' / 'month': per day / month of each
    named: bool  # the wording names these windows (stated windows, or its family)
    in_unit: bool  # in the claim's own unit (its `per`; any when it says none)

    @property
    def averaged(self) -> bool:
        return self.per == "month"


def days(w: Window) -> int:
    return (add_months(w.end, 1) - w.start).days


def administration_start(statement) -> tuple[date, bool]:
    """(the administration's first month, whether the statement gave it)."""
    if statement.administration_start:
        y, m = statement.administration_start.split("-")
        return date(int(y), int(m), 1), True
    return date(statement.baseline_year + 1, 1, 1), False


def _window_pairs(claim, said_on: date, baseline_year: int, admin_start: date,
                  admin_given: bool) -> list[tuple[str, Window, Window]]:
    if claim.current and claim.baseline:
        return [("stated", Window.parse(claim.current), Window.parse(claim.baseline))]
    said_month = date(said_on.year, said_on.month, 1)
    out: list[tuple[str, Window, Window]] = []
    before_admin = add_months(admin_start, -1)
    with_admin_month = admin_given or claim.family == "since_administration_month"
    for back in range(MONTHS_BEFORE, -1, -1):
        m = add_months(said_month, -back)
        same = date(baseline_year, m.month, 1)
        if m.year > baseline_year:
            out.append(("ytd", Window(date(m.year, 1, 1), m),
                        Window(date(baseline_year, 1, 1), same)))
            out.append(("month", Window(m, m), Window(same, same)))
        if add_months(m, -11) > same:
            out.append(("r12", Window(add_months(m, -11), m),
                        Window(add_months(same, -11), same)))
        if admin_start <= m:
            out.append(("avg_since", Window(admin_start, m),
                        Window(date(baseline_year, 1, 1), date(baseline_year, 12, 1))))
            if with_admin_month:
                out.append(("since_administration_month", Window(m, m),
                            Window(before_admin, before_admin)))
    whole = Window(date(baseline_year, 1, 1), date(baseline_year, 12, 1))
    if said_on.year - 1 > baseline_year:
        out.append(("full_year_before", Window(date(said_on.year - 1, 1, 1),
                                               date(said_on.year - 1, 12, 1)), whole))
    out.append(("full_year_of", Window(date(said_on.year, 1, 1), date(said_on.year, 12, 1)),
                whole))
    return out


def candidates(claim, said_on: date, baseline_year: int, admin_start: date,
               admin_given: bool = False) -> list[Candidate]:
    """Every definition the claim could mean, each pair of windows once (the first family
    that gives it keeps it), with the reduction (`per`) each is compared under."""
    baseline_year = claim.baseline_year or baseline_year
    named_families = (("stated",) if claim.current else
                      NAMED_FAMILIES.get(claim.family or "", ()))
    out, seen = [], set()
    for family, cur, base in _window_pairs(claim, said_on, baseline_year, admin_start,
                                           admin_given):
        if (str(cur), str(base)) in seen:
            continue
        seen.add((str(cur), str(base)))
        named = family in named_families
        # the reduction the windows need: per month when their lengths differ (the monthly
        # average since the administration began), else totals; the claim's `per` if it says
        natural = "month" if cur.months != base.months else None
        per = claim.per or natural
        out.append(Candidate(family, cur, base, per, named, True))
        # a month against a month of another length: both ways (the claim's unit judges)
        if cur.months == base.months == 1 and days(cur) != days(base) and per != "month":
            other = None if per == "day" else "day"
            out.append(Candidate(family, cur, base, other, named, claim.per is None))
    return out
