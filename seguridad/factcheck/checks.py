"""What check-claims finds for each claim: the candidate definitions (Definition,
SpendingDefinition), one claim's check (ClaimCheck) and the whole file's (FactCheck). Shared
by seguridad/factcheck/engine.py (changes, differences, spending), seguridad/factcheck/levels.py
(levels
and records) and the reports (seguridad/reports/factcheck_page.py,
seguridad/factcheck/claimreview.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from seguridad.analysis.geography import Geo
from seguridad.analysis.windows import Window
from seguridad.factcheck import verdicts
from seguridad.factcheck.claims import Claim, Loaded


@dataclass
class Definition:
    """One way to compute a claimed change, and what it gives."""

    family: str
    current: Window
    baseline: Window
    measure: str  # count | rate | victims | victims_rate
    series: str
    view: str  # newest: the newest cut of each month; said_on: cuts published by said_on
    population_vintage: str | None
    current_value: float
    baseline_value: float
    pct_change: float | None
    current_count: int
    baseline_count: int
    cut: date | None
    files: list[str]
    published_by_said_on: bool
    has_missing_cells: bool = False
    cut_of_the_day: bool = False  # its values are those published by said_on
    baseline_series: str | None = None  # set across a methodology break
    reproduces: bool = False
    per: str | None = None  # None: totals; 'day' / 'month': per day / month of each window
    named: bool = False  # the wording names these windows
    in_unit: bool = True  # in the claim's own unit (its `per`)
    current_days: int = 0
    baseline_days: int = 0

    @property
    def is_rate(self) -> bool:
        return self.measure in ("rate", "victims_rate")

    @property
    def counts(self) -> str:
        """What is counted: 'count' (investigation files) or 'victims'."""
        return "victims" if self.measure.startswith("victims") else "count"

    @property
    def averaged(self) -> bool:
        return self.per == "month"

    @property
    def difference(self) -> float | None:
        """Current minus baseline, in the definition's unit (a difference claim's figure)."""
        if self.current_value is None or self.baseline_value is None:
            return None
        return self.current_value - self.baseline_value

    @property
    def key(self) -> tuple:
        return (self.family, self.current, self.baseline, self.measure,
                self.population_vintage, self.series, self.baseline_series, self.per)


@dataclass
class SpendingDefinition:
    stage: str
    years: tuple[int, int]
    amount_pesos: Decimal
    files: list[str]
    ends_by_said_on: bool
    reproduces: bool = False
    by_year: list[tuple[int, Decimal]] = field(default_factory=list)


@dataclass
class ClaimCheck:
    claim: Claim
    stated_text: str
    verdict: str
    geo: Geo | None = None
    labels: list[str] = field(default_factory=list)
    best: Definition | SpendingDefinition | None = None
    matches: list = field(default_factory=list)
    candidates: list = field(default_factory=list)
    caveats: list[dict] = field(default_factory=list)
    reason: str | None = None
    sources: list[dict] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)  # the best definition's members
    series_names: dict[str, str] = field(default_factory=dict)  # series -> its name in words
    judgement: verdicts.Judgement | None = None
    rules: verdicts.Rules = field(default_factory=verdicts.Rules)
    wording: Definition | None = None  # what the wording's own definition gives (named)
    closest: Definition | None = None  # the closest of every definition (when named)
    record: dict | None = None  # a record claim's periods (seguridad/factcheck/levels.py)

    def figure(self, d) -> float | None:
        """A candidate's figure in the claim's terms: percent change, difference, the level
        (levels and records), or pesos."""
        if isinstance(d, SpendingDefinition):
            return float(d.amount_pesos)
        if not isinstance(d, Definition):
            return d.value
        return d.difference if self.claim.kind == "difference" else d.pct_change

    @property
    def range(self) -> dict:
        values = [v for v in map(self.figure, self.candidates) if v is not None]
        return {"min": min(values) if values else None, "max": max(values) if values else None,
                "candidates": len(self.candidates)}


@dataclass
class FactCheck:
    loaded: Loaded
    lang: str
    checks: list[ClaimCheck]
    built_at: str | None = None
    as_of: date | None = None
    rules: verdicts.Rules | None = None


def merge_views(found: list) -> list:
    """A definition or reading the cut of the day gives exactly as the newest cut does is one
    (marked as published then), not two. Items have view ('newest' or 'said_on'), key, files
    and cut_of_the_day: the Definitions of changes and the Readings of levels alike."""
    newest = {d.key: d for d in found if d.view == "newest"}
    out = [d for d in found if d.view == "newest"]
    for d in found:
        if d.view != "said_on":
            continue
        twin = newest.get(d.key)
        if twin is not None and twin.files == d.files:
            twin.cut_of_the_day = True
        else:
            out.append(d)
    return out
