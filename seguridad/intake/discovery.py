"""Finding the work: the data files of the landing zone, the order a refresh loads them in,
and which of them the warehouse has already seen (by path, size and modification time, so a
night with nothing new reads no file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from seguridad.config import Settings
from seguridad.db import fetch_one
from seguridad.intake import rawfiles
from seguridad.intake.outcomes import FileOutcome

SKIP_NAMES = {"readme.md", "readme.txt", "sources.md", "sources.toml"}


def discover(raw_dir: Path) -> list[Path]:
    """Data files in the landing zone (any depth), skipping notes and partial copies."""
    if not raw_dir.exists():
        return []
    found = []
    for path in sorted(raw_dir.rglob("*")):
        if not path.is_file() or path.name.startswith(".") or path.name.lower() in SKIP_NAMES:
            continue
        if path.suffix.lower() in rawfiles.DATA_SUFFIXES | rawfiles.ARCHIVE_SUFFIXES:
            found.append(path)
    return found


def load_order(paths: list[Path]) -> list[Path]:
    """The order a refresh loads the landing zone in: files whose name states no publication
    cut first (population, prices, budgets), then the others oldest cut first, each group in
    path order. Any order gives the same figures (the newest cut wins whatever arrives
    first), but a municipal cut that arrives after a newer one takes the slow general path
    (warehouse/sql/load/municipal/20_general.sql) and its cells are stored apart; in cut
    order each one takes the in-order path and stores only what it adds or revises. Names
    sort by month word, not by date ('Noviembre' before 'Octubre'), so the path alone would
    load a year of cuts mostly backwards."""
    def key(path: Path) -> tuple:
        cut = rawfiles.cut_from_name(path.name)
        return (cut is not None, cut or date.min, str(path))
    return sorted(paths, key=key)


def unseen(con: duckdb.DuckDBPyConnection, settings: Settings,
           paths: list[Path] | None = None) -> list[Path]:
    """The landing zone's files the warehouse has not seen, told by path, size and
    modification time as ops.file_intake recorded them: a nightly run with nothing new reads no
    file (a municipal file is 400 MB to hash)."""
    known = {(path, size, mtime) for path, size, mtime in con.execute(
        "SELECT landing_path, bytes, mtime_ns FROM ops.file_intake "
        "WHERE mtime_ns IS NOT NULL").fetchall()}
    out = []
    for path in discover(settings.raw_dir) if paths is None else paths:
        stat = path.stat()
        if (landing_path_of(path, settings), stat.st_size, stat.st_mtime_ns) not in known:
            out.append(path)
    return out


def known_file(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple | None:
    """What the warehouse knows of these bytes: (status, file_name, cut_date, status_reason)
    of ops.raw_files, or None."""
    return fetch_one(con, "SELECT status, file_name, cut_date, status_reason FROM ops.raw_files "
                          "WHERE file_sha256 = ?", [sha256])


def sizes_accepted(con: duckdb.DuckDBPyConnection) -> set[int]:
    """The sizes of the files the warehouse accepted: a file of another size is not one of
    them, and need not be hashed to say so."""
    return {n for (n,) in con.execute("SELECT DISTINCT bytes FROM ops.file_intake "
                                      "WHERE intake = 'accepted'").fetchall()}


def mtime_changed(con: duckdb.DuckDBPyConnection, path: Path, sha256: str,
                  settings: Settings) -> bool:
    """Whether the warehouse recorded this file of the landing zone with another modification
    time (ingest.remember_mtime would record the new one)."""
    return fetch_one(con, "SELECT count(*) FROM ops.file_intake WHERE file_sha256 = ? "
                          "AND landing_path = ? AND mtime_ns IS DISTINCT FROM ?",
                     [sha256, landing_path_of(path, settings), path.stat().st_mtime_ns])[0] > 0


def known_rejections(con: duckdb.DuckDBPyConnection, settings: Settings,
                     paths: list[Path]) -> list[FileOutcome]:
    """The landing zone's files the warehouse rejected before, as a refresh reports them
    (skipped, with the reason), told by path, size and modification time like `unseen`."""
    rejected = {(path, size, mtime): (sha, reason) for path, size, mtime, sha, reason in
                con.execute("SELECT landing_path, bytes, mtime_ns, file_sha256, intake_reason "
                            "FROM ops.file_intake WHERE intake = 'rejected' "
                            "AND mtime_ns IS NOT NULL").fetchall()}
    out = []
    for path in paths:
        stat = path.stat()
        hit = rejected.get((landing_path_of(path, settings), stat.st_size, stat.st_mtime_ns))
        if hit:
            out.append(FileOutcome(label_for(path), hit[0], "skipped",
                                   f"rejected before, skipped: {hit[1]}",
                                   facts={"reason": hit[1]}))
    return out


def label_for(path: Path) -> str:
    """Name a file the way the user would: relative to the working directory when it is
    below it, else absolute."""
    try:
        label = str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        label = str(path.resolve())
    return rawfiles.readable_name(label)


def landing_path_of(path: Path, settings: Settings) -> str:
    try:
        return str(path.resolve().relative_to(settings.raw_dir))
    except ValueError:
        return str(path.resolve())
