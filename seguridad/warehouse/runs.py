"""What a run did, for ops.runs and for the person who started it."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from seguridad.intake.outcomes import FileOutcome


@dataclass
class RunSummary:
    run_id: str
    command: str
    parameters: dict
    started: float = field(default_factory=time.monotonic)
    started_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    outcomes: list[FileOutcome] = field(default_factory=list)
    published: bool = False
    report: dict | None = None
    downloads: list[dict] = field(default_factory=list)
    plan: str | None = None  # a backfill's plan, as printed
    notes: list[str] = field(default_factory=list)  # things the user should know
    rebuilt: list = field(default_factory=list)  # a backfill's (plan item, core rows)
    known_files: int = 0  # files a refresh recognised without reading them
    reference_rebuilt: bool = False  # the marts were rebuilt for new reference data

    @property
    def loaded(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "loaded"]

    @property
    def rejected(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "rejected"]

    @property
    def skipped(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status in ("skipped", "unchanged")]

    @property
    def failed_downloads(self) -> list[dict]:
        return [d for d in self.downloads if d["status"] in ("failed", "refused")]

    @property
    def changed_data(self) -> bool:
        return bool(self.loaded)

    def headline(self) -> str:
        if self.command == "backfill":
            if not self.published:
                return "Dry run: nothing was written."
            rows = sum(n for _, n in self.rebuilt)
            return f"Backfill done: {len(self.rebuilt)} file(s) rebuilt, {rows:,} core rows."
        if self.command == "rollback":
            return "Put the previous published warehouse back."
        if self.downloads and not self.outcomes:
            done = sum(1 for d in self.downloads if d["status"] == "downloaded")
            return (f"{done} downloaded, {len(self.failed_downloads)} failed; nothing new to "
                    "ingest.")
        if not self.loaded and not self.rejected and self.known_files:
            return (f"Nothing new: {self.known_files} file(s) already known; the warehouse is "
                    "unchanged.")
        if not self.outcomes:
            return "Nothing to ingest: the landing zone has no data files."
        if not self.loaded and not self.rejected:
            return (f"Nothing new: {len(self.skipped)} file(s) already known; "
                    "the warehouse is unchanged.")
        parts = [f"{len(self.loaded)} loaded"]
        if self.rejected:
            parts.append(f"{len(self.rejected)} rejected")
        if self.skipped:
            parts.append(f"{len(self.skipped)} unchanged or skipped")
        return ", ".join(parts) + "."


def new_run(command: str, parameters: dict) -> RunSummary:
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    return RunSummary(f"{command}-{stamp}-{uuid.uuid4().hex[:6]}", command, parameters)


def record(con: duckdb.DuckDBPyConnection, run: RunSummary, status: str,
           flow_run_id: str | None = None) -> None:
    """Write the run's row into ops.runs (in the build, so it is published with the data)."""
    rows = sum(o.rows for o in run.loaded) + sum(n for _, n in run.rebuilt)
    con.execute(
        "INSERT OR REPLACE INTO ops.runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run.run_id, run.command, json.dumps(run.parameters, ensure_ascii=False),
         run.started_at, datetime.now().astimezone(), status,
         len(run.loaded) + len(run.rebuilt),
         len(run.rejected), len(run.skipped), rows, time.monotonic() - run.started,
         run.headline(), flow_run_id])
