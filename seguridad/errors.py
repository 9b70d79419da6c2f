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


class SeguridadError(Exception):
    """Base class: the message is meant for the person at the terminal."""


@dataclass
class FileRejected(SeguridadError):
    """The file as a whole is refused: nothing of it reaches core or marts."""

    file_label: str
    reason: str
    failures: list[Failure] = field(default_factory=list)
    total_failures: int | None = None

    def __post_init__(self) -> None:
        super().__init__(self.summary())

    def summary(self, limit: int = 10) -> str:
        lines = [f"{self.file_label}: rejected: {self.reason}"]
        for f in self.failures[:limit]:
            lines.append(f"  - {f.message}")
        total = self.total_failures if self.total_failures is not None else len(self.failures)
        if total > limit:
            lines.append(f"  ... and {total - limit:,} more (all listed in ops.quarantine)")
        return "\n".join(lines)


class WarehouseBusy(SeguridadError):
    """Another refresh or backfill holds the writer lock."""


class NoWarehouse(SeguridadError):
    """Nothing has been published yet."""


class ComparisonRefused(SeguridadError):
    """A comparison that would mislead (unpublished months, unequal windows, mixed series)."""
