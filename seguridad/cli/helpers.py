"""What the commands share, written once: the checks of --lang, --format and of a date option,
the reading connection to the published warehouse, writing a command's output to stdout or a
file, the table printer, and the Latin-1 file-name workaround of the flows. Imports nothing
of the cli package (the command modules and root.py import it)."""

from __future__ import annotations

import contextlib
import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from seguridad import config, i18n
from seguridad.errors import SeguridadError

# The options several commands take, with the same help (and the same Spanish help: the [help]
# tables of cli_text.toml are keyed by the option's name).
ReportLang = Annotated[str | None, typer.Option(
    help="es or en (default: the global --lang, else SEGURIDAD_LANG, else es).")]
Output = Annotated[Path | None, typer.Option(help="Write to this file.")]


def language(lang: str | None) -> str | None:
    """`lang` if it is a language seguridad speaks (None stays None); else a user error."""
    if lang is not None and lang not in i18n.LANGUAGES:
        raise SeguridadError(i18n.say("cli.unknown_lang", value=lang))
    return lang


def report_language(lang: str | None) -> str:
    """The language of a report: the command's own --lang, else the global one."""
    return language(lang) or i18n.language()


def check_format(fmt: str, choices: tuple[str, ...]) -> None:
    """A user error unless --format is one of `choices`."""
    if fmt not in choices:
        raise SeguridadError(i18n.say("cli.unknown_format", fmt=fmt,
                                      choices=", ".join(choices)))


def a_date(text: str, option: str):
    """The date of a date option (--as-of, --said-on): YYYY-MM-DD, of the calendar, with a
    year from 1900 to 2100; else a user error naming the option."""
    from datetime import date

    written = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", written):
        raise SeguridadError(i18n.say("cli.not_a_date", option=option, text=text))
    try:
        value = date.fromisoformat(written)
    except ValueError:
        raise SeguridadError(i18n.say("cli.not_in_calendar", option=option,
                                      text=text)) from None
    if not 1900 <= value.year <= 2100:
        raise SeguridadError(i18n.say("cli.year_range", option=option, text=text))
    return value


@contextlib.contextmanager
def reading(**options):
    """The published warehouse open read-only (DuckDB `options` as its config), closed after."""
    from seguridad.warehouse import build as warehouse

    con = warehouse.connect_read_only(config.settings(), **options)
    try:
        yield con
    finally:
        con.close()


def cannot_write(output: Path, error: OSError) -> SeguridadError:
    """The user error of an output file the system refused."""
    return SeguridadError(i18n.say("cli.cannot_write", output=output,
                                   why=error.strerror or error))


def write(text: str, output: Path | None) -> None:
    """A command's output on stdout, or in the file `output` (its folder created)."""
    if output is None:
        sys.stdout.write(text)
        return
    if output.is_dir():
        raise SeguridadError(i18n.say("cli.output_is_dir", output=output))
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        raise cannot_write(output, e) from None
    typer.echo(i18n.say("cli.written", output=output), err=True)


def print_table(names: list[str], rows: list) -> None:
    """Rows under their column names on stdout: values as DuckDB gives them (a year stays
    2015, not 2,015), NULL for a missing one, the columns of numbers aligned right."""
    from decimal import Decimal

    cells = [names] + [["NULL" if v is None else str(v) for v in r] for r in rows]
    numeric = [bool(rows) and all(isinstance(r[i], int | float | Decimal) and
                                  not isinstance(r[i], bool) for r in rows if r[i] is not None)
               for i in range(len(names))]
    widths = [max(len(row[i]) for row in cells) for i in range(len(names))]
    for n, row in enumerate(cells):
        sys.stdout.write("  ".join(c.rjust(w) if right and n else c.ljust(w)
                                   for c, w, right in zip(row, widths, numeric, strict=True))
                         + "\n")
        if n == 0:
            sys.stdout.write("  ".join("-" * w for w in widths) + "\n")


@contextlib.contextmanager
def text_names(files: list[Path]):
    """The paths as text a flow run can carry: a name whose bytes are not UTF-8 (Latin-1, as
    Windows and old ZIPs write them) is reached through a link named in Latin-1 text."""
    import shutil
    import tempfile

    from seguridad.intake.rawfiles import readable_name

    links = None
    out = []
    for f in files:
        text = str(f)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            links = links or Path(tempfile.mkdtemp(prefix="seguridad-names-"))
            link = links / readable_name(f.name)
            link.symlink_to(f.resolve())
            text = str(link)
        out.append(text)
    try:
        yield out
    finally:
        if links:
            shutil.rmtree(links, ignore_errors=True)
