"""The process of our local Prefect server (started by seguridad/orchestration/prefect_server.py
`ensure`;
its files: seguridad/orchestration/server_state.py): Prefect's API app as Prefect's temporary
server runs it
(the same background services: the ones that record task runs and events; no UI, no
scheduler), on the socket the starting command bound, plus a watch that stops it once no
command has used it for the idle limit.

    python -m seguridad.orchestration.prefect_server_process --fd N --folder DIR --idle SECONDS
    --token T
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import socket
import threading
import time
from pathlib import Path

from seguridad.orchestration.server_state import IDENTITY_PATH, LAST_USED, USERS_LOCK, forget


def identified(app, token: str):
    """The app, answering IDENTITY_PATH with the token: how a command tells our server from
    another program that took its port after it died."""
    body = json.dumps({"token": token, "pid": os.getpid()}).encode()

    async def wrapped(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == IDENTITY_PATH:
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return wrapped


def idle_for(where: Path) -> float:
    try:
        return time.time() - (where / LAST_USED).stat().st_mtime
    except OSError:  # never used yet: count from now
        (where / LAST_USED).touch()
        return 0.0


def watch(server, where: Path, idle_s: float, token: str) -> None:
    """Stop the server once it has been idle for `idle_s` and no command holds it. The
    exclusive hold on users.lock, kept until the process exits, makes a command arriving now
    wait for this server to be gone and start a new one, rather than use one that stops."""
    users = os.open(where / USERS_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    period = max(0.2, min(30.0, idle_s / 4))
    while not server.should_exit:
        time.sleep(period)
        if idle_for(where) < idle_s:
            continue
        try:
            fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a command is using it: its end touches last-used
        forget(where, token)
        server.should_exit = True
        return


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="seguridad.orchestration.prefect_server_process")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--idle", type=float, required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args(argv)
    # What Prefect's temporary server is (prefect.server.api.server.SubprocessASGIServer):
    # the services of an ephemeral server, no UI.
    os.environ.update({"PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1",
                       "PREFECT_UI_ENABLED": "0", "PREFECT_SERVER_UI_ENABLED": "0"})
    os.environ.pop("PREFECT_API_URL", None)
    sock = socket.socket(fileno=args.fd)

    import uvicorn
    from prefect.server.api.server import create_app

    app = identified(create_app(ephemeral=True, final=True), args.token)
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="on"))
    threading.Thread(target=watch, args=(server, args.folder, args.idle, args.token),
                     daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        forget(args.folder, args.token)


if __name__ == "__main__":
    main()
