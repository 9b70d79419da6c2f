"""Downloads from a local HTTP server on 127.0.0.1 (no outside network here): a file lands
once, the same ETag downloads nothing, error pages and broken bodies never land, and only
network errors are retried."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import duckdb
import pytest

from conftest import RNID_2026_FILE, run_cli
from flows import tasks
from flows.fetch import fetch_flow

BODY = RNID_2026_FILE.read_bytes()


class Handler(http.server.BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        n = Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        if self.path == "/IDEFC.csv":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self._send(BODY, etag='"v1"',
                       disposition='attachment; filename="estatal_RNID_2026_mar2026.csv"')
        elif self.path == "/quota.csv":  # what Google Drive sends instead of a big file
            self._send(b"<!DOCTYPE html><html><body>Google Drive - Virus scan warning"
                       b"</body></html>", content_type="text/html; charset=utf-8")
        elif self.path == "/short.csv":
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY[: len(BODY) // 2])
            self.close_connection = True
        elif self.path == "/flaky.csv" and n <= 2:
            self.close_connection = True  # hang up without an answer
        elif self.path == "/flaky.csv":
            self._send(BODY)
        else:
            self.send_error(404, "Not Found")

    def _send(self, body: bytes, etag: str | None = None, disposition: str | None = None,
              content_type: str = "text/csv") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        if disposition:
            self.send_header("Content-Disposition", disposition)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def sources(server, empty_workspace, monkeypatch):
    path = empty_workspace / "sources.toml"
    entries = {"good": "/IDEFC.csv", "html": "/quota.csv", "short": "/short.csv",
               "flaky": "/flaky.csv", "missing": "/missing.csv"}
    path.write_text("".join(
        f'[sources.{k}]\ndataset = "crime_state"\nurl = "{server}{p}"\nfilename = "{k}.csv"\n'
        for k, p in entries.items()), encoding="utf-8")
    monkeypatch.setenv("SEGURIDAD_SOURCES", str(path))
    monkeypatch.setattr(tasks, "download_source",
                        tasks.download_source.with_options(retry_delay_seconds=0))
    Handler.hits.clear()
    return empty_workspace


def downloads(workspace: Path) -> list[tuple]:
    con = duckdb.connect(str(workspace / "warehouse" / "seguridad.duckdb"), read_only=True)
    try:
        return con.execute("SELECT source, status, http_status, file_name, etag FROM "
                           "ops.downloads ORDER BY attempted_at").fetchall()
    finally:
        con.close()


def test_a_download_lands_once_and_the_same_etag_downloads_nothing(sources):
    first = fetch_flow(sources=["good"], return_state=True)
    assert first.is_completed(), first.message
    landed = sources / "raw" / "estatal_RNID_2026_mar2026.csv"
    assert landed.read_bytes() == BODY  # named as the server said, bytes untouched
    assert [o.status for o in first.result().outcomes] == ["loaded"]
    second = fetch_flow(sources=["good"], return_state=True).result()
    assert second.outcomes == [] and second.downloads[0]["status"] == "not_modified"
    assert downloads(sources) == [
        ("good", "downloaded", 200, "estatal_RNID_2026_mar2026.csv", '"v1"'),
        ("good", "not_modified", 304, None, '"v1"')]
    assert list((sources / "raw").iterdir()) == [landed]
    assert not list((sources / "warehouse" / ".build").glob("download-*"))


def test_an_html_page_is_refused_and_nothing_lands(sources):
    state = fetch_flow(sources=["html"], return_state=True)
    assert state.is_failed()
    (row,) = state.result(raise_on_failure=False).downloads
    assert row["status"] == "refused" and "HTML page" in row["message"]
    assert not (sources / "raw").exists() or not any((sources / "raw").iterdir())
    assert Handler.hits["/quota.csv"] == 1  # the server answered: no retry


def test_a_truncated_body_is_retried_then_given_up(sources):
    state = fetch_flow(sources=["short"], return_state=True)
    (row,) = state.result(raise_on_failure=False).downloads
    assert row["status"] == "failed" and "broke off" in row["message"]
    assert Handler.hits["/short.csv"] == 5  # one try and four retries
    assert not (sources / "raw").exists() or not any((sources / "raw").iterdir())


def test_network_errors_are_retried_http_errors_are_not(sources):
    state = fetch_flow(sources=["flaky", "missing"], return_state=True)
    rows = {d["source"]: d for d in state.result(raise_on_failure=False).downloads}
    assert rows["flaky"]["status"] == "downloaded" and Handler.hits["/flaky.csv"] == 3
    assert rows["missing"]["status"] == "refused" and "404" in rows["missing"]["message"]
    assert Handler.hits["/missing.csv"] == 1
    assert state.is_failed()  # one source failed: the run says so


def test_fetch_from_the_command_line(sources):
    result = run_cli("fetch", "--source", "good", cwd=sources)
    assert result.returncode == 0, result.stderr
    assert "descargado" in result.stdout and "cargado" in result.stdout
