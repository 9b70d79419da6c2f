"""`seguridad serve`: register the nightly refresh and the backfill as deployments on a
Prefect server and run them when they are due (or triggered) from this process."""

from __future__ import annotations

from prefect import serve
from prefect.schedules import Cron
from prefect.settings import PREFECT_API_URL

from flows.backfill import backfill_flow
from flows.refresh import refresh_flow
from seguridad.errors import SeguridadError
from seguridad.i18n import say

NIGHTLY = "nightly"
BACKFILL = "backfill"


def deployments(cron: str, timezone: str, fetch: bool) -> list:
    nightly = refresh_flow.to_deployment(
        name=NIGHTLY, schedules=[Cron(cron, timezone=timezone)], parameters={"fetch": fetch},
        description="Ingest new files of the landing zone (and the official sources if fetch "
                    "is on), rebuild, publish, and write the standard change report.",
        tags=["seguridad"])
    backfill = backfill_flow.to_deployment(
        name=BACKFILL, description="Rebuild a range of months from the raw vintages the "
                                   "warehouse keeps. Parameters: from_month, to_month "
                                   "(YYYY-MM), dataset (optional).",
        tags=["seguridad"])
    return [nightly, backfill]


def serve_forever(cron: str = "0 2 * * *", timezone: str = "America/Mexico_City",
                  fetch: bool = False) -> None:
    if not PREFECT_API_URL.value():
        raise SeguridadError(say("cli.serve_needs_server"))
    # Not paused when this process stops: the schedule stays on, runs wait for the next
    # `seguridad serve`.
    serve(*deployments(cron, timezone, fetch), pause_on_shutdown=False)
