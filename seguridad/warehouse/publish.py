"""The published warehouse file: what is at its path (checked before anyone reads or replaces
it), readers' connections to it, the data files it holds, and the snapshots a publication
keeps of the file it replaced, for `seguridad rollback`. Building and swapping a new file in
is seguridad.warehouse.build's `Build`."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb

from seguridad.config import Settings
from seguridad.db import fetch_one
from seguridad.errors import NoWarehouse, SeguridadError
from seguridad.i18n import say
from seguridad.warehouse.lock import writer_lock
from seguridad.warehouse.published import protect

_CHECKED: dict[tuple, str] = {}  # check_published's answers: (path, device, inode, size, mtime)


def check_published(settings: Settings, damaged_ok: bool = False) -> str | None:
    """What is at the published path, before anyone reads or replaces it: None (nothing yet),
    the schema version of a seguridad warehouse, or an error that says what is wrong. A file
    that is not a DuckDB database, or a DuckDB database that is not a seguridad warehouse, is
    never read as one nor written over. A damaged warehouse is refused, unless `damaged_ok`
    (a full rebuild replaces it): then 'damaged'."""
    path = settings.warehouse_path
    try:
        seen = path.stat()
    except FileNotFoundError:
        return None
    except OSError:
        seen = None  # said below, when it is read
    # The same file, unchanged since this process checked it (a publication replaces it, a
    # new inode): the answer it had. A no-op command asked 4-5 times (~45 ms each, issue 24).
    key = seen and (str(path), seen.st_dev, seen.st_ino, seen.st_size, seen.st_mtime_ns)
    if key and key in _CHECKED:
        return _CHECKED[key]
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as e:
        raise SeguridadError(say("warehouse.unreadable", path=path,
                                 why=e.strerror or e)) from None
    if len(head) < 12 or head[8:12] != b"DUCK":
        raise SeguridadError(say("warehouse.not_duckdb", path=path))
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as e:
        if damaged_ok:
            return "damaged"
        raise SeguridadError(say("warehouse.cannot_open", path=path,
                                 why=str(e).splitlines()[0])) from None
    try:
        row = fetch_one(con, "SELECT value FROM ops.meta WHERE key = 'schema_version'")
    except duckdb.CatalogException:
        raise SeguridadError(say("warehouse.not_ours", path=path)) from None
    except duckdb.Error as e:
        if damaged_ok:
            return "damaged"
        raise SeguridadError(say("warehouse.damaged", path=path,
                                 why=str(e).splitlines()[0])) from None
    finally:
        con.close()
    version = row[0] if row else "unknown"
    if key:
        _CHECKED[key] = version
    return version


def published_data_files(settings: Settings) -> dict[str, str]:
    """sha256 -> file name of the data files the published warehouse holds (empty when
    there is none, or it is damaged): what a full rebuild must find again."""
    if check_published(settings, damaged_ok=True) in (None, "damaged"):
        return {}
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return dict(con.execute("SELECT file_sha256, file_name FROM ops.raw_files WHERE status "
                                "IN ('loaded', 'superseded')").fetchall())
    finally:
        con.close()


def connect_read_only(settings: Settings,
                      config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """A reader's connection to the published warehouse; never blocks or is blocked by a build."""
    path = settings.warehouse_path
    if not path.exists():
        raise NoWarehouse(say("warehouse.none", path=path))
    check_published(settings)
    return duckdb.connect(str(path), read_only=True, config=config or {})


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link costs nothing and keeps the old file's bytes; copy where links fail."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def snapshot(settings: Settings) -> Path:
    settings.snapshots_dir.mkdir(parents=True, exist_ok=True)
    target = settings.snapshots_dir / f"seguridad-{time.strftime('%Y%m%dT%H%M%S')}-" \
                                      f"{time.time_ns() % 10**9:09d}.duckdb"
    _link_or_copy(settings.warehouse_path, target)
    return target


def snapshots(settings: Settings) -> list[Path]:
    """Kept snapshots, oldest first. A snapshot that is the published file itself (a writer
    killed between taking it and publishing) is dropped: it would restore nothing."""
    kept = []
    for path in sorted(settings.snapshots_dir.glob("seguridad-*.duckdb")):
        if settings.warehouse_path.exists() and os.path.samefile(path, settings.warehouse_path):
            path.unlink()
        else:
            kept.append(path)
    return kept


def prune_snapshots(settings: Settings) -> None:
    for old in snapshots(settings)[:-settings.snapshots or None]:
        old.unlink(missing_ok=True)


def rollback(settings: Settings) -> Path:
    """Put the newest snapshot back on the published path (atomically); it leaves the list,
    so rolling back again goes one further back. The replaced warehouse is discarded."""
    with writer_lock(settings):
        kept = snapshots(settings)
        if not kept:
            raise SeguridadError(say("warehouse.no_snapshot", folder=settings.snapshots_dir))
        latest = kept[-1]
        settings.build_dir.mkdir(parents=True, exist_ok=True)
        staged = settings.build_dir / f"rollback-{os.getpid()}.duckdb"
        _link_or_copy(latest, staged)
        os.replace(staged, settings.warehouse_path)
        latest.unlink()
        protect(settings)
        return latest
