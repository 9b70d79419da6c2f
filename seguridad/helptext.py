"""The help of the commands in the reader's language. cli.py writes it in English (Typer reads
it from the docstrings and the options' help); in Spanish it comes from the [help] tables of
seguridad/cli_text.toml, put in place on the command tree before it runs, with the headings
of Typer's help panels."""

from __future__ import annotations

import typer.rich_utils as panels

from seguridad.i18n import entry, say

# Typer's headings and markers, as it ships them (restored for English).
_TYPER = {name: getattr(panels, name) for name in (
    "OPTIONS_PANEL_TITLE", "ARGUMENTS_PANEL_TITLE", "COMMANDS_PANEL_TITLE", "DEFAULT_STRING",
    "REQUIRED_LONG_STRING", "ENVVAR_STRING", "RICH_HELP")}
_OURS = {"OPTIONS_PANEL_TITLE": "help.options", "ARGUMENTS_PANEL_TITLE": "help.arguments",
         "COMMANDS_PANEL_TITLE": "help.commands", "DEFAULT_STRING": "help.default",
         "REQUIRED_LONG_STRING": "help.required", "ENVVAR_STRING": "help.envvar",
         "RICH_HELP": "help.try_help"}


def localize(command, lang: str) -> None:
    """Put the help of `lang` on the click command tree Typer built from the app."""
    for name, key in _OURS.items():
        setattr(panels, name, say(key, lang) if lang == "es" else _TYPER[name])
    if lang == "es":
        _walk(command, "root", "seguridad")


def _walk(command, path: str, name: str) -> None:
    own = _spanish(f"help.{path}._")
    if own:
        command.help = own
        command.short_help = None
    for param in command.params:
        text = _spanish(f"help.{path}.{param.name}")
        if text:
            param.help = text
    _help_option(command, name)
    _usage_prefix(command)
    for sub_name, sub in getattr(command, "commands", {}).items():
        _walk(sub, sub_name if path == "root" else f"{path} {sub_name}", sub_name)


def _usage_prefix(command) -> None:
    """'Uso: seguridad report compare [OPCIONES]' where click writes 'Usage: '."""
    prefix = say("help.usage", "es")
    command.options_metavar = say("help.options_metavar", "es")
    if getattr(command, "subcommand_metavar", None):
        command.subcommand_metavar = say("help.subcommand_metavar", "es")

    def format_usage(ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(command.collect_usage_pieces(ctx)),
                              prefix=prefix)

    command.format_usage = format_usage


def _help_option(command, name: str) -> None:
    """The --help of every command says what it does in the reader's language."""
    from typer._click import Context

    option = command.get_help_option(Context(command, info_name=name))
    if option is not None:
        option.help = say("help.help_option", "es")


def _spanish(key: str) -> str | None:
    found = entry(key)
    return found.get("es") if found else None
