"""Open a page in headless Chromium and look at it through the DevTools protocol: what it
requested from the network, what its charts measure on screen, and a screenshot."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

CHECK_CHARTS = """JSON.stringify({
  lines: [...document.querySelectorAll('svg.line-chart polyline.series')]
           .map(p => p.getBBox().width),
  windows: document.querySelectorAll('svg.line-chart rect.window').length,
  bars: [...document.querySelectorAll('svg.ranking-chart rect.bar')]
           .map(r => r.getBoundingClientRect().height),
  maps: [...document.querySelectorAll('svg.map')].map(m => m.getBoundingClientRect().width),
  title: document.title
})"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def inspect_page(page: Path, screenshot: Path, full_page: bool = True,
                 height: int = 1400) -> dict:
    """Load `page` (a file) and return {'requests': [...], 'charts': {...}}. The screenshot
    is of the whole page, or of its first `height` pixels (what a reader sees on opening it)."""
    from websockets.sync.client import connect

    port = _free_port()
    profile = tempfile.mkdtemp(prefix="chromium-")
    proc = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", f"--remote-debugging-port={port}",
         f"--window-size=1000,{height}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json") as r:
                    targets = json.loads(r.read())
                page_target = next(t for t in targets if t["type"] == "page")
                break
            except (OSError, StopIteration):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with connect(page_target["webSocketDebuggerUrl"], max_size=None) as ws:
            counter = iter(range(1, 10_000))
            events: list[dict] = []

            def call(method: str, **params) -> dict:
                n = next(counter)
                ws.send(json.dumps({"id": n, "method": method, "params": params}))
                while True:
                    msg = json.loads(ws.recv(timeout=30))
                    if msg.get("id") == n:
                        return msg.get("result", {})
                    events.append(msg)

            call("Network.enable")
            call("Page.enable")
            call("Page.navigate", url=page.resolve().as_uri())
            while not any(e.get("method") == "Page.loadEventFired" for e in events):
                events.append(json.loads(ws.recv(timeout=30)))
            charts = json.loads(call("Runtime.evaluate", expression=CHECK_CHARTS,
                                     returnByValue=True)["result"]["value"])
            shot = call("Page.captureScreenshot", format="png",
                        captureBeyondViewport=full_page)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
        requests = [e["params"]["request"]["url"] for e in events
                    if e.get("method") == "Network.requestWillBeSent"]
        return {"requests": requests, "charts": charts}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)
