"""Fault injection for the crash tests: with SEGURIDAD_FAULT_POINT=<name> set, the process
kills itself with SIGKILL when it reaches that point (no cleanup, no finally blocks), as a
power cut or an OOM kill would. Unset, each point costs one dictionary lookup."""

from __future__ import annotations

import os
import signal

POINTS = ("after-copy", "after-first-file", "before-publish", "after-publish")


def point(name: str) -> None:
    if os.environ.get("SEGURIDAD_FAULT_POINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
