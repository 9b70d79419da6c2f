"""The published file guarded on disk: made read-only when it is published (a DuckDB client
opened without -readonly then cannot write it, unless run as root), and its sha256 recorded
beside it (`seguridad.duckdb.sha256`, the format `sha256sum -c` reads), so that `seguridad
status` can tell when it was changed outside a build.

The record's modification time is set to the published file's: while the two agree the file
is taken as unchanged (no hashing); when they differ, the sha256 decides."""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from seguridad.config import Settings

READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH  # 0o444


def record_path(settings: Settings) -> Path:
    path = settings.warehouse_path
    return path.with_name(path.name + ".sha256")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def protect(settings: Settings, sha256: str | None = None) -> None:
    """Make the published file read-only and record its sha256 (given, or computed now).
    Best effort: a filesystem that refuses chmod leaves the file as it is; the record still
    lets status notice a change."""
    path = settings.warehouse_path
    with contextlib.suppress(OSError):
        os.chmod(path, READ_ONLY)
    digest = sha256 or sha256_of(path)
    record = record_path(settings)
    scratch = record.with_name(record.name + f".{os.getpid()}.tmp")
    scratch.write_text(f"{digest}  {path.name}\n", encoding="utf-8")
    mtime = path.stat().st_mtime_ns
    os.utime(scratch, ns=(mtime, mtime))
    os.replace(scratch, record)


@dataclass(frozen=True)
class Check:
    state: str  # unchanged | changed | unrecorded
    recorded: str | None = None
    actual: str | None = None
    writable: bool = False


def check(settings: Settings) -> Check | None:
    """Whether the published file is still the one the last build or rollback published.
    None when there is no published file."""
    path = settings.warehouse_path
    if not path.exists():
        return None
    writable = bool(path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    record = record_path(settings)
    try:
        recorded = record.read_text(encoding="utf-8").split()[0]
        record_mtime = record.stat().st_mtime_ns
    except (OSError, IndexError):
        return Check("unrecorded", writable=writable)
    if path.stat().st_mtime_ns == record_mtime:
        return Check("unchanged", recorded, recorded, writable)
    actual = sha256_of(path)
    return Check("unchanged" if actual == recorded else "changed", recorded, actual, writable)
