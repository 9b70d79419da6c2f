"""What passes between the steps of an ingest: a file checked and waiting in `landing` to be
loaded, where an archive's member came from, and what happened to each file in a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from seguridad.errors import Failure, FileRejected
from seguridad.intake import rawfiles


@dataclass
class FileOutcome:
    """What happened to one file in one run."""

    label: str
    sha256: str
    status: str  # loaded | unchanged | skipped | rejected
    message: str
    format: str | None = None
    dataset: str | None = None
    series: str | None = None
    cut_date: date | None = None
    rows: int = 0
    rejection: FileRejected | None = field(default=None, repr=False)
    # What the command line says of it, in the reader's language (seguridad/runtext.py):
    # the months or years it covers, its encoding, its warnings, the file it duplicates...
    facts: dict = field(default_factory=dict, repr=False)

    @property
    def new_rejection(self) -> bool:
        return self.status == "rejected"

    @classmethod
    def unchanged(cls, label: str, sha256: str, known: tuple) -> FileOutcome:
        """A file whose bytes the warehouse already holds, loaded or superseded: nothing to
        do. `known`: its row of ops.raw_files (discovery.known_file)."""
        cut = f", cut {known[2]:%Y-%m}" if known[2] else ""
        same = "" if known[1] == label else f" (same bytes as {known[1]})"
        return cls(label, sha256, "unchanged",
                   f"already ingested{same}: {known[0]}{cut}; nothing to do",
                   facts={"known": known[0], "cut": known[2],
                          "same_as": None if known[1] == label else known[1]})


@dataclass
class CheckedFile:
    """A file that passed every check, waiting in the temp table `landing` to be loaded."""

    label: str
    path: Path
    sha256: str
    format: str
    spec: dict
    series: str
    facts: rawfiles.TextFacts
    rows: int
    archive: ArchiveRef | None = None
    warnings: list[Failure] = field(default_factory=list)
    row_map: bool = False  # the file's row numbers are in landing_row_map (see map_rows)


@dataclass(frozen=True)
class ArchiveRef:
    """Where a member of a ZIP archive came from."""

    archive_sha256: str
    landing_path: str  # archive!member, relative to the landing zone
