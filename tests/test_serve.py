"""The nightly schedule and the backfill deployment on a real Prefect server (started here on
a free loopback port): registered by `seguridad serve`, the schedule in Mexico City time and
not paused when serve stops, and a backfill triggered through the API runs to completion."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import use_paths

PREFECT = Path(sys.executable).parent / "prefect"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(url: str, path: str, body: dict | None = None) -> dict | list:
    """One call to the Prefect server's REST API. A 503 (its SQLite database busy while the
    runner writes; the request was not applied) is tried again, as Prefect's own client does."""
    data = json.dumps(body).encode() if body is not None else None
    for attempt in range(6):
        request = urllib.request.Request(f"{url}{path}", data=data,
                                         headers={"Content-Type": "application/json"},
                                         method="POST" if body is not None else "GET")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as e:
            if e.code != 503 or attempt == 5:
                raise
            time.sleep(0.5 * 2 ** attempt)
    raise AssertionError("unreachable")


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    env = dict(os.environ, PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_LOGGING_LEVEL="WARNING")
    env.pop("PREFECT_API_URL", None)
    server = subprocess.Popen([str(PREFECT), "server", "start", "--host", "127.0.0.1",
                               "--port", str(port), "--no-ui"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        wait_for(lambda: api(url, "/health") is True, 120, "the Prefect server")
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.slow  # a real Prefect server
def test_serve_registers_the_schedule_and_runs_a_triggered_backfill(prefect_server,
                                                                     small_workspace,
                                                                     monkeypatch):
    workspace = small_workspace
    use_paths(monkeypatch, workspace / "raw", workspace / "warehouse" / "seguridad.duckdb")
    env = dict(os.environ, PREFECT_API_URL=prefect_server, PREFECT_LOGGING_LEVEL="WARNING")
    serve = subprocess.Popen([sys.executable, "-m", "seguridad", "serve"], env=env,
                             cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
    try:
        nightly = wait_for(lambda: api(prefect_server,
                                       "/deployments/name/seguridad-refresh/nightly"),
                           90, "the nightly deployment")
        (schedule,) = nightly["schedules"]
        assert schedule["schedule"]["cron"] == "0 2 * * *"
        assert schedule["schedule"]["timezone"] == "America/Mexico_City"
        assert schedule["active"] and not nightly["paused"]
        backfill = wait_for(lambda: api(prefect_server,
                                        "/deployments/name/seguridad-backfill/backfill"),
                            30, "the backfill deployment")
        run = api(prefect_server, f"/deployments/{backfill['id']}/create_flow_run",
                  {"parameters": {"from_month": "2026-01", "to_month": "2026-03",
                                  "dataset": "crime_state"}})
        final = wait_for(lambda: (lambda r: r if r["state_type"] in
                                  ("COMPLETED", "FAILED", "CRASHED") else None)(
            api(prefect_server, f"/flow_runs/{run['id']}")), 180, "the backfill run")
        assert final["state_type"] == "COMPLETED", final["state"]
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
    after = api(prefect_server, "/deployments/name/seguridad-refresh/nightly")
    assert not after["paused"]  # serve stopped, the schedule did not
    journal = (workspace / "warehouse" / "runs.jsonl").read_text()
    assert '"command": "backfill"' in journal and '"status": "completed"' in journal
