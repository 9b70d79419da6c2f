"""Download the official files into the landing zone: conditional GET (ETag /
Last-Modified), an atomic write, the sha256, and no HTML error page or truncated body ever
landed. One attempt per call; the Prefect task around it retries network errors only."""

from __future__ import annotations

import email.message
import hashlib
import http.client
import os
import re
import tomllib
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from schemas.names import FORMATS_FILE
from seguridad import __version__
from seguridad.intake import rawfiles

SOURCES_FILE = FORMATS_FILE.with_name("sources.toml")
CHUNK = 1 << 20


class NetworkError(Exception):
    """The connection failed or broke off: worth trying again."""


class DownloadRefused(Exception):
    """The server answered, but not with the file (an error status, an HTML page)."""


@dataclass(frozen=True)
class Source:
    key: str
    dataset: str
    description: str
    url: str
    page: str
    filename: str


@dataclass
class Download:
    source: Source
    status: str  # downloaded | not_modified
    path: Path | None = None  # the landed file
    sha256: str | None = None
    bytes: int = 0
    etag: str | None = None
    last_modified: str | None = None
    http_status: int | None = None


def sources_file() -> Path:
    return Path(os.environ.get("SEGURIDAD_SOURCES") or SOURCES_FILE)


def load_sources(path: Path | None = None, keys: list[str] | None = None) -> list[Source]:
    with open(path or sources_file(), "rb") as f:
        data = tomllib.load(f)["sources"]
    unknown = set(keys or []) - set(data)
    if unknown:
        raise KeyError(f"unknown source(s) {', '.join(sorted(unknown))}; known: "
                       f"{', '.join(sorted(data))}")
    return [Source(key, s["dataset"], s.get("description", ""), s.get("url", ""),
                   s.get("page", ""), s.get("filename") or f"{key}.csv")
            for key, s in data.items() if not keys or key in keys]


def _filename(response: http.client.HTTPResponse, source: Source) -> str:
    """The server's name for the file (Content-Disposition), else the configured one."""
    disposition = response.headers.get("Content-Disposition", "")
    if disposition:
        msg = email.message.Message()
        msg["content-disposition"] = disposition
        name = msg.get_filename()
        if name:
            return Path(name.replace("\\", "/")).name
    path_name = Path(urllib.parse.urlparse(response.url or "").path).name
    if re.search(r"\.(csv|xlsx|zip)$", path_name, re.I):
        return path_name
    return source.filename


def download(source: Source, raw_dir: Path, scratch: Path, etag: str | None = None,
             last_modified: str | None = None, timeout: float = 60) -> Download:
    """One attempt. Raises NetworkError (retry) or DownloadRefused (do not)."""
    headers = {"User-Agent": f"seguridad/{__version__} (+public-security statistics)"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(source.url, headers=headers)
    scratch.mkdir(parents=True, exist_ok=True)
    partial = scratch / f"download-{uuid.uuid4().hex}.partial"
    try:
        try:
            response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310
        except urllib.error.HTTPError as e:
            if e.code == 304:
                return Download(source, "not_modified", etag=etag, last_modified=last_modified,
                                http_status=304)
            raise DownloadRefused(f"{source.url}: the server answered {e.code} {e.reason}") from e
        with response:
            content_type = response.headers.get("Content-Type", "")
            expected = response.headers.get("Content-Length")
            h = hashlib.sha256()
            size = 0
            with open(partial, "wb") as out:
                while chunk := response.read(CHUNK):
                    if size == 0:
                        _refuse_html(chunk, content_type, source)
                    h.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
            if expected is not None and size != int(expected):
                raise NetworkError(f"{source.url}: the body broke off at {size:,} of "
                                   f"{int(expected):,} bytes")
            if size == 0:
                raise DownloadRefused(f"{source.url}: the server sent an empty body")
            name = _filename(response, source)
            landed = rawfiles.land(partial, raw_dir, h.hexdigest(), name=name)
            return Download(source, "downloaded", landed, h.hexdigest(), size,
                            response.headers.get("ETag"), response.headers.get("Last-Modified"),
                            response.status)
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError) as e:
        # The reason says it all; the chain of low-level exceptions would only bury it.
        raise NetworkError(f"{source.url}: {getattr(e, 'reason', e)}") from None
    finally:
        partial.unlink(missing_ok=True)


def _refuse_html(first: bytes, content_type: str, source: Source) -> None:
    head = first[:1024].lstrip().lower()
    if "text/html" in content_type.lower() or head.startswith((b"<!doctype html", b"<html")):
        raise DownloadRefused(
            f"{source.url}: the server sent an HTML page, not the file (an error, login or "
            "'file too large to scan' page); nothing was landed")


def previous(con, url: str) -> tuple[str | None, str | None]:
    """ETag and Last-Modified of the last good download of a URL, for a conditional GET."""
    rows = con.execute(
        "SELECT etag, last_modified FROM ops.downloads WHERE url = ? AND status IN "
        "('downloaded', 'not_modified') ORDER BY attempted_at DESC LIMIT 1", [url]).fetchall()
    return rows[0] if rows else (None, None)


def record(con, source: Source, status: str, run_id: str, result: Download | None = None,
           message: str | None = None) -> dict:
    from datetime import datetime

    row = {"source": source.key, "url": source.url, "status": status,
           "http_status": result.http_status if result else None,
           "file_sha256": result.sha256 if result else None,
           "bytes": result.bytes if result else None,
           "file_name": result.path.name if result and result.path else None,
           "etag": result.etag if result else None,
           "last_modified": result.last_modified if result else None,
           "message": message, "run_id": run_id,
           "attempted_at": datetime.now().astimezone()}
    con.execute(f"INSERT INTO ops.downloads ({', '.join(row)}) "
                f"VALUES ({', '.join('?' for _ in row)})", list(row.values()))
    return row
