"""Errors that speak to the analyst. Each carries a message that names the file as the user
gave it and says what is wrong in plain words; no stack trace is needed to act on it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Failure:
    """One failed check on one place of a file: what a row of ops.quarantine holds."""

    check: str
    message: str
    row: int | None = None  # line number in the file as a spreadsheet shows it (header = 1)
    column: str | None = None
    value: str | None = None
    # Where a warning's value lands (ops.data_warnings), so that a report names only the
    # warnings that touch its own numbers; None is "anywhere" (seguridad/intake/severity.py).
    geo_level: str | None = None  # state or municipality
    geo_code: str | None = None
    crime_id: int | None = None
    month_from: object = None  # a date
    month_to: object = None
    rows: int = 1  # how many rows of the file a warning recorded once per value stands for


class SeguridadError(Exception):
    """Base class: the message is meant for the person at the terminal."""


@dataclass
class FileRejected(SeguridadError):
    """The file as a whole is refused: nothing of it reaches core or marts."""

    file_label: str
    reason: str
    failures: list[Failure] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.summary())

    def summary(self, examples: int = 3, kinds: int = 6) -> str:
        """The reason, then a few examples of each kind of failure, rarest kind first: one
        bad cell often drags a whole year into a group-level check, and the rare failure is
        the one to fix."""
        lines = [f"{self.file_label}: rejected: {self.reason}"]
        groups: dict[str, list[Failure]] = {}
        for f in self.failures:
            groups.setdefault(f.check, []).append(f)
        ordered = sorted(groups.values(), key=len)
        for group in ordered[:kinds]:
            lines += [f"  - {f.message}" for f in group[:examples]]
            if len(group) > examples:
                lines.append(f"    ({len(group) - examples:,} more like this)")
        if len(ordered) > kinds:
            rest = sum(len(g) for g in ordered[kinds:])
            lines.append(f"  ... {rest:,} failures of {len(ordered) - kinds} other kinds")
        if self.failures and len(self.failures) > examples:
            lines.append("  All failures are listed in ops.quarantine.")
        return "\n".join(lines)


class WarehouseBusy(SeguridadError):
    """Another refresh or backfill holds the writer lock."""


class NoWarehouse(SeguridadError):
    """Nothing has been published yet."""


class ComparisonRefused(SeguridadError):
    """A comparison that would mislead (unpublished months, unequal windows, mixed series)."""


class BuildRefused(SeguridadError):
    """A data rule of warehouse/sql/checks/build/ failed on a build: nothing is published."""
