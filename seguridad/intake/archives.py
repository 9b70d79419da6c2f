"""ZIP archives, as the SESNSP distributes its files: unpacked safely into scratch space (the
archive itself is what the landing zone keeps), each data member then ingested on its own.

Refused: members whose path would leave the extraction folder (absolute, '..'), symbolic
links, encrypted members, nested archives, more than MAX_MEMBERS members, more than
MAX_TOTAL_BYTES unpacked, a compression ratio above MAX_RATIO (zip bombs), members that unpack
to more bytes than their header declares, and damaged archives (bad CRC)."""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from seguridad.errors import FileRejected
from seguridad.intake.rawfiles import DATA_SUFFIXES

MAX_MEMBERS = 200
MAX_TOTAL_BYTES = 8 * 2**30
MAX_RATIO = 1_000
_SKIPPED = re.compile(r"(^|/)(__MACOSX|\.DS_Store|Thumbs\.db)(/|$)")


@dataclass(frozen=True)
class Member:
    name: str  # as stored in the archive
    path: Path  # where it was unpacked (scratch space)


def is_zip_archive(path: Path) -> bool:
    """A ZIP that is not an Excel workbook (an .xlsx is a ZIP too). Told by its first bytes:
    a CSV with a ZIP appended is a damaged CSV, not an archive; a ZIP whose directory is
    damaged is still an archive (and is refused as damaged when unpacked)."""
    with open(path, "rb") as f:
        if f.read(4) != b"PK\x03\x04":
            return False
    try:
        with zipfile.ZipFile(path) as z:
            return "xl/workbook.xml" not in z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return True


def _unsafe_name(name: str) -> str | None:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "an absolute path"
    if ".." in parts:
        return "a path that leaves the archive's folder ('..')"
    return None


def unpack(path: Path, label: str, target: Path) -> tuple[list[Member], list[str]]:
    """Unpack the data members of an archive into `target`; return them and the names of
    members skipped (not data files). Any unsafe member rejects the whole archive."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise FileRejected(label, f"the ZIP archive is damaged: {e}") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise FileRejected(label, f"the archive has {len(infos):,} members; at most "
                                      f"{MAX_MEMBERS} are unpacked")
        declared = sum(i.file_size for i in infos)
        if declared > MAX_TOTAL_BYTES:
            raise FileRejected(label, f"the archive would unpack to {declared / 2**30:,.1f} GiB; "
                                      f"the limit is {MAX_TOTAL_BYTES / 2**30:,.0f} GiB")
        for info in infos:
            problem = _unsafe_name(info.filename)
            if problem:
                raise FileRejected(label, f"member {info.filename!r} has {problem}: refused")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise FileRejected(label, f"member {info.filename!r} is a symbolic link: refused")
            if info.flag_bits & 0x1:
                raise FileRejected(label, f"member {info.filename!r} is encrypted")
            if PurePosixPath(info.filename).suffix.lower() == ".zip":
                raise FileRejected(label, f"member {info.filename!r} is itself an archive: "
                                          "refused")
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                raise FileRejected(label, f"member {info.filename!r} expands "
                                          f"{info.file_size / info.compress_size:,.0f} times: "
                                          "refused as a possible ZIP bomb")
        target.mkdir(parents=True, exist_ok=True)
        members, skipped = [], []
        for n, info in enumerate(infos):
            name = info.filename
            suffix = PurePosixPath(name).suffix.lower()
            if _SKIPPED.search(name) or suffix not in DATA_SUFFIXES:
                skipped.append(name)
                continue
            out = target / f"{n:03d}-{PurePosixPath(name.replace(chr(92), '/')).name}"
            _extract(archive, info, out, label)
            members.append(Member(name, out))
    if not members:
        raise FileRejected(label, "the archive has no data member (no .csv, .txt or .xlsx "
                                  "file inside" + (f"; it holds: {', '.join(skipped[:5])}"
                                                   if skipped else "") + ")")
    return members, skipped


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, out: Path, label: str) -> None:
    """Copy one member out, never writing more than its header declares."""
    written = 0
    try:
        with archive.open(info) as src, open(out, "wb") as dst:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > info.file_size:
                    raise FileRejected(label, f"member {info.filename!r} unpacks to more bytes "
                                              "than it declares: refused")
                dst.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:  # CRC: BadZipFile
        out.unlink(missing_ok=True)
        raise FileRejected(label, f"member {info.filename!r} is damaged: {e}") from e


def cleanup(target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
