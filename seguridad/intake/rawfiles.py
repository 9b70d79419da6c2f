"""The landing zone: fingerprint a raw file, land it without ever changing its bytes, find out
how it is encoded, and write a normalized UTF-8 copy (LF line ends) for the loaders.

Encodings are detected, recorded and never guessed silently: a file that is not valid in any
encoding the SESNSP uses is rejected with the byte offset of the first bad byte."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from seguridad.errors import FileRejected, SeguridadError

CHUNK = 8 * 1024 * 1024
DATA_SUFFIXES = {".csv", ".txt", ".xlsx", ".xls"}
ARCHIVE_SUFFIXES = {".zip"}

_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Windows-1252 leaves five bytes undefined; in a SESNSP file they can only mean damage.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
_ALL_BUT_C1 = bytes(b for b in range(256) if not 0x80 <= b <= 0x9F)
_UNDEFINED_BYTES = [bytes([b]) for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)]


def _first_offset(path: Path, pattern: re.Pattern) -> int | None:
    """Byte offset of the first match in the file (the slow path, only when one exists)."""
    offset = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            if m := pattern.search(chunk):
                return offset + m.start()
            offset += len(chunk)
    return None


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


MAX_NAME_BYTES = 200  # file systems allow 255; room is left for the sha256 suffix


class LandingZoneError(SeguridadError):
    """The landing zone cannot be written (permissions, a full disk): no file is at fault,
    so the run stops and nothing is published."""


def readable_name(name: str) -> str:
    """A file name as text: bytes the file system gave that are not UTF-8 (a Latin-1 name, as
    Windows and old ZIP archives write them) are read as Latin-1, so the name can be printed
    and stored."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("latin-1")


def landing_name(name: str, head: bytes = b"") -> str:
    """The name a file gets in the landing zone: its own, made safe for the scan that finds
    it again (no leading dot, which marks hidden and partial files; a data suffix, told by its
    content, when it has none) and for the file system (at most MAX_NAME_BYTES bytes)."""
    name = readable_name(name).lstrip(".") or "file"
    if Path(name).suffix.lower() not in DATA_SUFFIXES | ARCHIVE_SUFFIXES:
        if head.startswith(b"PK\x03\x04"):
            name += ".xlsx" if b"xl/" in head[:4096] else ".zip"
        else:
            name += ".csv"
    if len(name.encode()) > MAX_NAME_BYTES:
        suffix = Path(name).suffix
        stem = name[: -len(suffix)].encode()[: MAX_NAME_BYTES - len(suffix.encode())]
        name = stem.decode("utf-8", "ignore") + suffix
    return name


def land(source: Path, raw_dir: Path, sha256: str, name: str | None = None,
         seen: os.stat_result | None = None) -> Path:
    """Copy a file into the landing zone (unless it is already there) and return its path.

    Raw files are never modified or overwritten: if another file already has the name, the
    copy gets the first 12 hex digits of its sha256 appended. `sha256` is the source's, read
    once by the caller; the copy is made by the kernel (no second read through Python, no
    second hash: issue 24) and the source's size and modification time are compared before
    and after it (and with `seen`, the source's stat when it was hashed, if given): a file that
    changed while it was read is refused, not landed half-old."""
    source = source.resolve()
    raw_dir = raw_dir.resolve()
    if source.is_relative_to(raw_dir):
        return source
    with open(source, "rb") as f:
        head = f.read(4096)
    try:
        raw_dir.mkdir(parents=True, exist_ok=True)
        target = raw_dir / landing_name(name or source.name, head)
        if target.exists():
            if target.stat().st_size == source.stat().st_size and sha256_of(target) == sha256:
                return target
            target = target.with_name(f"{target.stem}.{sha256[:12]}{target.suffix}")
            if target.exists():
                return target
        tmp = target.with_name(f".{target.name}.partial")
        before = seen or source.stat()
        _copy(source, tmp)
        after, landed = source.stat(), tmp.stat()
    except FileExistsError:
        raise LandingZoneError(f"the landing zone {raw_dir} is not a folder (SEGURIDAD_RAW "
                               "points at a file)") from None
    except OSError as e:
        raise LandingZoneError(f"cannot write into the landing zone {raw_dir}: "
                               f"{e.strerror or e}; nothing was published") from None
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or \
            landed.st_size != after.st_size:
        tmp.unlink(missing_ok=True)
        raise FileRejected(str(source), "the file changed while it was being read (it had "
                                        f"{before.st_size:,} bytes at first and "
                                        f"{after.st_size:,} when copied, or a new modification "
                                        "time): wait until whatever writes it has finished, "
                                        "then ingest it again")
    os.replace(tmp, target)
    return target


def _copy(source: Path, target: Path) -> None:
    """Copy in the kernel (shutil.copyfile: sendfile on Linux), then fsync."""
    try:
        shutil.copyfile(source, target)
        with open(target, "rb+") as dst:
            os.fsync(dst.fileno())
    except OSError:
        target.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class TextFacts:
    encoding: str  # ascii | utf-8 | utf-8-sig | latin-1 | cp1252
    line_ending: str  # CRLF | LF | CR | mixed | none
    final_newline: bool


def inspect_text(path: Path, label: str) -> TextFacts:
    """Read the whole file once and decide its encoding and line endings, or reject it."""
    size = path.stat().st_size
    if size == 0:
        raise FileRejected(label, "the file is empty (0 bytes)")
    with open(path, "rb") as f:
        head = f.read(4096)
    _reject_non_text(head, label)

    has_bom = head.startswith(_UTF8_BOM)
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_error: int | None = None
    non_ascii = c1_seen = utf8_sequence_seen = undefined_seen = False
    crlf = cr = lf = 0
    last_byte = b""
    pending_cr = False
    with open(path, "rb") as f:
        offset = 0
        while chunk := f.read(CHUNK):
            nul = chunk.find(b"\x00")
            if nul != -1:
                raise FileRejected(label, f"the file holds a NUL byte at offset {offset + nul:,}: "
                                          "it is binary or damaged, not CSV text")
            if utf8_error is None:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError as e:
                    utf8_error = offset + e.start
            if not chunk.isascii():
                non_ascii = True
                # Only bytes 0x80-0x9F survive: cheap at C speed, and usually empty.
                c1 = chunk.translate(None, _ALL_BUT_C1)
                c1_seen = c1_seen or bool(c1)
                undefined_seen = undefined_seen or any(b in c1 for b in _UNDEFINED_BYTES)
                if not utf8_sequence_seen and (b"\xc3" in chunk or b"\xc2" in chunk):
                    utf8_sequence_seen = bool(_UTF8_MULTIBYTE.search(chunk))
            # Count line ends, minding a \r\n split across two chunks.
            n_crlf = chunk.count(b"\r\n")
            n_cr = chunk.count(b"\r") - n_crlf
            n_lf = chunk.count(b"\n") - n_crlf
            if pending_cr and chunk.startswith(b"\n"):
                n_cr -= 1
                n_lf -= 1
                n_crlf += 1
            crlf, cr, lf = crlf + n_crlf, cr + n_cr, lf + n_lf
            pending_cr = chunk.endswith(b"\r")
            last_byte = chunk[-1:]
            offset += len(chunk)
    if utf8_error is None:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_error = size - 1
    undefined_cp1252 = _first_offset(path, _CP1252_UNDEFINED) if undefined_seen else None

    if utf8_error is None:
        encoding = "utf-8-sig" if has_bom else ("utf-8" if non_ascii else "ascii")
    elif has_bom or utf8_sequence_seen:
        raise FileRejected(
            label,
            f"the file mixes encodings: it has UTF-8 text, but the byte at offset {utf8_error:,} "
            "is not valid UTF-8. Re-export it in a single encoding.",
        )
    elif undefined_cp1252 is not None:
        raise FileRejected(
            label,
            f"byte 0x{_byte_at(path, undefined_cp1252):02X} at offset {undefined_cp1252:,} is not "
            "a character in Latin-1 or Windows-1252 text: the file is damaged or in an unknown "
            "encoding",
        )
    else:
        encoding = "cp1252" if c1_seen else "latin-1"

    kinds = [name for name, n in (("CRLF", crlf), ("LF", lf), ("CR", cr)) if n]
    line_ending = "none" if not kinds else kinds[0] if len(kinds) == 1 else "mixed"
    return TextFacts(encoding, line_ending, final_newline=last_byte in (b"\n", b"\r"))


def _byte_at(path: Path, offset: int) -> int:
    with open(path, "rb") as f:
        f.seek(offset)
        return f.read(1)[0]


def _reject_non_text(head: bytes, label: str) -> None:
    if head.startswith(_UTF16_BOMS):
        raise FileRejected(label, "the file is UTF-16 text; the SESNSP formats are 8-bit text")
    if head.startswith(b"PK\x03\x04"):
        raise FileRejected(label, "the file is a ZIP archive (or an XLSX workbook), not CSV text")
    start = head.lstrip(_UTF8_BOM).lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")) or (
        b"<html" in head.lower()
    ):
        raise FileRejected(
            label,
            "the file is an HTML page, not data (probably an error or login page saved by a "
            "download)",
        )



def normalize(path: Path, facts: TextFacts, target: Path) -> Path:
    """Write a UTF-8, LF-terminated copy for DuckDB (which reads neither CR-only line ends nor
    Windows-1252). Streams; memory stays at one chunk."""
    py_encoding = {"ascii": "ascii", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig",
                   "latin-1": "latin-1", "cp1252": "cp1252"}[facts.encoding]
    target.parent.mkdir(parents=True, exist_ok=True)
    with (open(path, encoding=py_encoding, newline=None) as src,
          open(target, "w", encoding="utf-8", newline="\n") as dst):
        while chunk := src.read(CHUNK):
            dst.write(chunk)
    return target


_MONTHS = {
    "enero": 1, "ene": 1, "febrero": 2, "feb": 2, "marzo": 3, "mar": 3, "abril": 4, "abr": 4,
    "mayo": 5, "may": 5, "junio": 6, "jun": 6, "julio": 7, "jul": 7, "agosto": 8, "ago": 8,
    "septiembre": 9, "setiembre": 9, "sept": 9, "sep": 9, "set": 9, "octubre": 10, "oct": 10,
    "noviembre": 11, "nov": 11, "diciembre": 12, "dic": 12,
}
_MONTH_WORDS = "|".join(sorted(_MONTHS, key=len, reverse=True))
_CUT_IN_NAME = re.compile(rf"(?<![a-z])({_MONTH_WORDS})[\s_\-]?(\d{{4}}|\d{{2}})(?!\d)",
                          re.IGNORECASE)


def cut_from_name(name: str) -> date | None:
    """The publication cut a SESNSP file name states: `IDEFC_NM_nov24.csv`, `..._feb2021.xlsx`,
    `Municipal-Delitos - Noviembre 2025 (2015-2025).csv`. The last mention wins."""
    matches = list(_CUT_IN_NAME.finditer(name))
    if not matches:
        return None
    month_word, year_text = matches[-1].groups()
    year = int(year_text)
    if year < 100:
        year += 2000
    return date(year, _MONTHS[month_word.lower()], 1)
