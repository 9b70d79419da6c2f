"""The `seguridad` command: the entry point (main), how it runs (the user's errors as one
line, usage errors as exit 2, the help in the reader's language) and how it ends. The commands
live in the *_commands modules, registered on the app of root.py when imported here. Reading
commands (report, status, sql) open the published warehouse read-only and never import
Prefect; writing commands run the Prefect flows (flowrun.py)."""

from __future__ import annotations

import contextlib
import os
import sys

import typer

from seguridad import i18n

# Imported so that their commands register on the app, in the order `seguridad --help` lists
# them: the modules' names sort in that order (build, claims, warehouse; report is a group).
from seguridad.cli import (  # noqa: F401
    build_commands,
    claims_commands,
    report_commands,
    warehouse_commands,
)
from seguridad.cli.flowrun import quiet_prefect
from seguridad.cli.root import app
from seguridad.errors import SeguridadError


def run(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code: errors meant for the user are printed
    as one line, not raised; a mistake in the command itself is a usage error (exit 2)."""
    import duckdb

    from seguridad import usage

    args = list(sys.argv[1:] if argv is None else argv)
    quiet_prefect()
    i18n.set_language(_asked_language(args))
    try:
        if i18n.unknown_language() is not None and _asked_language(args) is None:
            raise SeguridadError(i18n.say("error.unknown_lang", variable=i18n.LANGUAGE_VARIABLE,
                                          value=i18n.unknown_language()))
        from typer.main import get_command

        from seguridad.cli import helptext

        command = get_command(app)
        helptext.localize(command, i18n.language())
        code = command.main(args=args, prog_name="seguridad", standalone_mode=False)
    except usage.NO_ARGS:  # bare `seguridad` or `seguridad report`: Typer printed the help
        return 2
    except usage.USAGE_ERRORS as e:
        typer.echo(usage.one_line(e), err=True)
        return 2
    except usage.CLICK_ERRORS as e:
        typer.echo(f"{i18n.say('error.prefix')}: {e.format_message()}", err=True)
        return e.exit_code
    except (*usage.ABORTS, KeyboardInterrupt):
        typer.echo(i18n.say("error.aborted"), err=True)
        return 130
    except (SeguridadError, duckdb.Error) as e:
        typer.echo(f"{i18n.say('error.prefix')}: {e}", err=True)
        return 1
    except OSError as e:  # a file or folder the system refused (permissions, a full disk)
        why = e.strerror or str(e)
        text = (i18n.say("error.os", path=e.filename, why=why) if e.filename
                else i18n.say("error.os_nameless", why=why))
        typer.echo(f"{i18n.say('error.prefix')}: {text}", err=True)
        return 1
    finally:
        i18n.set_language(None)
    return code if isinstance(code, int) else 0


def _asked_language(args: list[str]) -> str | None:
    """The --lang given anywhere on the line (before the command, or a command's own), so that
    even a usage error is said in the language asked for."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            args[i + 1] if arg == "--lang" and i + 1 < len(args) else None)
        if value in i18n.LANGUAGES:
            return value
    return None


def main() -> None:
    code = run()
    if "prefect" in sys.modules:
        _exit_now(code)
    sys.exit(code)


def _exit_now(code: int) -> None:
    """End a process that ran a flow without Python's teardown of its modules: 0.2-0.5 s
    spent freeing Prefect's objects one by one, for nothing (issue 24). What the normal exit
    does that matters still happens: the threads that are not daemons are waited for, the
    exit hooks run (Prefect sends its last events and logs to the server), the logs and
    the output are flushed."""
    import atexit
    import logging
    import threading

    try:
        for thread in threading.enumerate():
            if thread is not threading.main_thread() and not thread.daemon:
                thread.join()
        atexit._run_exitfuncs()  # CPython's own exit hooks, in their order; then none left
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to add
                stream.flush()
    finally:
        os._exit(code)
