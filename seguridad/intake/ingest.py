"""Ingest one raw file into a warehouse build: fingerprint, land, decode, recognise the format,
validate with its pandera model, load raw -> core, and record everything in ops.file_intake.

A file is accepted or rejected whole. A rejected file leaves core untouched (its load runs in
a transaction that is rolled back), its bytes stay in the landing zone, and ops.quarantine
says which row, column, rule and value failed.

This module is the orchestration, one step per module: find (seguridad/intake/discovery.py), check
(seguridad/intake/checking.py: decode, parse, validate), load and record
(seguridad/intake/loading.py); the
records passed between them are in seguridad/intake/outcomes.py."""

from __future__ import annotations

from pathlib import Path

import duckdb

from seguridad.config import Settings
from seguridad.errors import FileRejected
from seguridad.intake import archives, rawfiles
from seguridad.intake.checking import check_file
from seguridad.intake.discovery import known_file, landing_path_of
from seguridad.intake.loading import (
    drop_municipal_temps,
    load_file,
    record_rejection,
    upsert_raw_file,
)
from seguridad.intake.outcomes import ArchiveRef, FileOutcome

# What the database or a reader may refuse in a file its checks let through.
LOAD_ERRORS = (duckdb.Error, ValueError, OverflowError, UnicodeError)


def load_failure_reason(error: Exception) -> str:
    return "the file passed its checks but could not be loaded: " + str(error).splitlines()[0]


def remember_mtime(con: duckdb.DuckDBPyConnection, source: Path, sha: str,
                   settings: Settings) -> None:
    """Record how a known file looks now (its modification time), so the next refresh need
    not read it again (discovery.unseen)."""
    mtime = source.stat().st_mtime_ns
    con.execute("UPDATE ops.file_intake SET mtime_ns = ? WHERE file_sha256 = ? "
                "AND landing_path = ? AND mtime_ns IS DISTINCT FROM ?",
                [mtime, sha, landing_path_of(source, settings), mtime])


def ingest_path(con: duckdb.DuckDBPyConnection, source: Path, label: str, settings: Settings,
                run_id: str, retry_rejected: bool = True) -> list[FileOutcome]:
    """One path given by the user or found in the landing zone: a data file, or a ZIP
    archive of them."""
    if not source.is_file():
        raise FileNotFoundError(f"{label}: no such file")
    if archives.is_zip_archive(source):
        return ingest_archive(con, source, label, settings, run_id, retry_rejected)
    return [ingest_file(con, source, label, settings, run_id, retry_rejected)]


def ingest_archive(con: duckdb.DuckDBPyConnection, source: Path, label: str,
                   settings: Settings, run_id: str, retry_rejected: bool) -> list[FileOutcome]:
    """Land the archive, unpack it safely into scratch space, ingest each data member (with
    its own sha256, and the archive's)."""
    sha = rawfiles.sha256_of(source)
    known = known_file(con, sha)
    if known:
        remember_mtime(con, source, sha, settings)
    if known and known[0] == "unpacked":
        return [FileOutcome(label, sha, "unchanged", "archive already unpacked; nothing to do",
                            facts={"archive": True})]
    if known and known[0] == "rejected" and not retry_rejected:
        return [FileOutcome(label, sha, "skipped", f"rejected before, skipped: {known[3]}",
                            facts={"reason": known[3]})]
    landed = rawfiles.land(source, settings.raw_dir, sha)
    scratch = settings.build_dir / f"zip-{sha[:16]}"
    try:
        members, skipped = archives.unpack(landed, label, scratch)
        landing = landing_path_of(landed, settings)
        outcomes = [ingest_file(con, m.path, f"{label}!{m.name}", settings, run_id,
                                retry_rejected, ArchiveRef(sha, f"{landing}!{m.name}"))
                    for m in members]
    except FileRejected as rejected:
        record_rejection(con, sha, label, landed, settings, rejected, run_id)
        return [FileOutcome(label, sha, "rejected", rejected.summary(), rejection=rejected)]
    finally:
        archives.cleanup(scratch)
    note = f"{len(members)} data member(s)" + (
        f"; not data, left packed: {', '.join(skipped)}" if skipped else "")
    upsert_raw_file(con, sha, label, landed, settings, intake="unpacked", reason=note,
                    run_id=run_id, fmt="zip", rows=len(members))
    return [FileOutcome(label, sha, "unpacked", f"archive unpacked: {note}",
                        facts={"members": len(members), "left_packed": list(skipped)}),
            *outcomes]


def ingest_file(con: duckdb.DuckDBPyConnection, source: Path, label: str, settings: Settings,
                run_id: str, retry_rejected: bool = True,
                archive: ArchiveRef | None = None, staged=None) -> FileOutcome:
    """Take one file as far as it can go. Never raises for a bad file: returns the outcome.
    `staged`: the file already checked by a worker (seguridad.intake.fanout.Staged), whose parsed
    rows this loads instead of reading the file again."""
    try:
        return _ingest_file(con, source, label, settings, run_id, retry_rejected, archive,
                            staged)
    finally:
        if staged is not None:
            staged.discard()


def _ingest_file(con: duckdb.DuckDBPyConnection, source: Path, label: str, settings: Settings,
                 run_id: str, retry_rejected: bool, archive: ArchiveRef | None,
                 staged) -> FileOutcome:
    try:
        if staged is not None and not staged.sha256:
            raise OSError(staged.reason)
        seen = source.stat() if staged is None else None  # land() compares it after its copy
        sha = staged.sha256 if staged is not None else rawfiles.sha256_of(source)
    except OSError as e:
        reason = staged.reason if staged is not None else \
            f"the file cannot be read ({e.strerror or e})"
        return FileOutcome(label, "", "rejected", f"{label}: rejected: {reason}",
                           facts={"reason": reason})
    known = known_file(con, sha)
    if known and not archive:
        remember_mtime(con, source, sha, settings)
    if known and known[0] in ("loaded", "superseded"):
        return FileOutcome.unchanged(label, sha, known)
    if known and known[0] == "rejected" and not retry_rejected:
        return FileOutcome(label, sha, "skipped",
                           f"rejected before, skipped: {known[3]}", facts={"reason": known[3]})

    # An archive's member stays packed in the landing zone: the archive is the raw file.
    try:
        landed = source if archive else rawfiles.land(source, settings.raw_dir, sha,
                                                      seen=seen)
    except FileRejected as changed:  # it changed while it was copied: nothing was landed
        changed.file_label = label
        return FileOutcome(label, sha, "rejected", changed.summary(), rejection=changed)
    work = settings.build_dir / f"work-{sha[:16]}.csv"
    # what was found out before a rejection: kept in ops.file_intake
    learned: dict = staged.learned if staged is not None else {}
    try:
        checked = staged.restore(con, landed) if staged is not None else \
            check_file(con, landed, label, sha, work, archive, learned)
        return load_file(con, checked, settings, run_id)
    except FileRejected as rejected:
        record_rejection(con, sha, label, landed, settings, rejected, run_id, archive,
                         **learned)
        return FileOutcome(label, sha, "rejected", rejected.summary(), rejection=rejected)
    except LOAD_ERRORS as e:
        # Something the checks let through and the database (or a reader) refused: the file
        # is rejected on its own, recorded, and skipped by later refreshes; never a crash of
        # the whole run.
        rejected = FileRejected(label, load_failure_reason(e))
        record_rejection(con, sha, label, landed, settings, rejected, run_id, archive,
                         **learned)
        return FileOutcome(label, sha, "rejected", rejected.summary(), rejection=rejected)
    finally:
        work.unlink(missing_ok=True)
        con.execute("DROP TABLE IF EXISTS landing")
        con.execute("DROP TABLE IF EXISTS landing_row_map")
        drop_municipal_temps(con)
