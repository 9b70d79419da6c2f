"""The Typer app every command registers on, its `report` group, and the options given before
any command (--lang). The command modules import `app` from here; app.py imports them."""

from __future__ import annotations

from typing import Annotated

import typer

from seguridad import i18n
from seguridad.cli.helpers import language

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Mexico's public-security statistics: raw SESNSP files to a DuckDB "
                       "warehouse and change reports anyone can check.")
report_app = typer.Typer(no_args_is_help=True, help="Comparisons and reports.")
app.add_typer(report_app, name="report")


@app.callback()
def global_options(lang: Annotated[str | None, typer.Option(
        "--lang", help="Language of the messages: es (default) or en; also "
                       "SEGURIDAD_LANG.")] = None) -> None:
    """Options of every command, given before it: seguridad --lang en status."""
    if lang is not None:
        i18n.set_language(language(lang))
