"""Mistakes on the command line, said in one line with the way out: the unknown option or
command with the nearest right one, the missing option, the value that does not fit. Typer
ships its own copy of click (typer._click); its exceptions are not click's."""

from __future__ import annotations

import difflib
import re

from seguridad.i18n import say

try:  # Typer 0.2x carries its own click; older Typer uses click itself
    from typer._click import exceptions as _click_exceptions
except ImportError:  # pragma: no cover - depends on the Typer installed
    from click import exceptions as _click_exceptions

import click.exceptions

# Both families: Typer's own copy (what the command line raises) and click's (what a click
# command of a plugin would raise).
USAGE_ERRORS = (_click_exceptions.UsageError, click.exceptions.UsageError)
CLICK_ERRORS = (_click_exceptions.ClickException, click.exceptions.ClickException)
ABORTS = (_click_exceptions.__dict__.get("Abort", click.exceptions.Abort),
          click.exceptions.Abort)
NO_ARGS = tuple(c for c in (getattr(_click_exceptions, "NoArgsIsHelpError", None),
                            getattr(click.exceptions, "NoArgsIsHelpError", None)) if c)


def nearest(word: str, choices, cutoff: float = 0.6) -> str | None:
    """The choice closest to a misspelt word (difflib), or None when none is close."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return found[0] if found else None


def help_hint(ctx) -> str:
    path = ctx.command_path if ctx is not None else "seguridad"
    return say("usage.help", command=f"{path} --help")


def one_line(error) -> str:
    """The usage error as one line: what is wrong, the nearest right word, where the help is."""
    try:
        return _one_line(error)
    except Exception:  # a Typer whose errors look otherwise: its own words, still one line
        return f"{say('usage.error')}: {error.format_message()}".splitlines()[0]


def _one_line(error) -> str:
    ctx = getattr(error, "ctx", None)
    name = type(error).__name__
    if name == "NoSuchOption":
        option = error.option_name
        guess = nearest(option, error.possibilities or _options(ctx)) \
            if option.startswith("--") else None
        text = say("usage.no_such_option", option=option)
        if guess:
            text += "; " + say("usage.did_you_mean", guess=guess)
        if option == "--lang":
            text += "; " + say("usage.lang_first")
    elif name == "MissingParameter":
        text = say("usage.missing", what=_param_name(error.param, error.param_hint))
    elif name in ("BadParameter",):
        text = say("usage.bad_value", what=_param_name(error.param, error.param_hint),
                   why=_why(error.message))
    elif (found := re.match(r"No such command '(.*?)'\.", error.message or "")) \
            and ctx is not None:
        word = found.group(1)
        commands = ctx.command.list_commands(ctx)
        text = say("usage.no_such_command", command=word)
        guess = nearest(word, commands)
        if guess:
            text += "; " + say("usage.did_you_mean", guess=guess)
    elif found := re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", error.message or ""):
        text = say("usage.extra", words=found.group(1))
    else:
        text = error.format_message()
    end = "" if text.endswith(("?", "!")) else "."  # "¿quiso decir --indicator?" ends itself
    return f"{say('usage.error')}: {text.rstrip('.')}{end} {help_hint(ctx)}"


def _options(ctx) -> list[str]:
    if ctx is None:
        return []
    return [o for p in ctx.command.params for o in getattr(p, "opts", []) if o.startswith("--")]


def _param_name(param, hint) -> str:
    if param is not None:
        opts = [o for o in getattr(param, "opts", []) if o.startswith("-")]
        if opts:
            return say("usage.option", option=max(opts, key=len))
        return say("usage.argument", name=(param.name or "").upper())
    if hint:
        return hint if isinstance(hint, str) else " / ".join(hint)
    return say("usage.a_value")


# What Typer says of a value that does not fit, in the words of the catalogue.
_WHY = [
    (re.compile(r"Input should be a valid integer.*"), "usage.why_integer", {}),
    (re.compile(r"Input should be a valid number.*"), "usage.why_number", {}),
    (re.compile(r"Input should be greater than or equal to (\S+)"), "usage.why_at_least",
     {"n": 1}),
    (re.compile(r"Input should be less than or equal to (\S+)"), "usage.why_at_most", {"n": 1}),
    (re.compile(r"Input should be a valid boolean.*"), "usage.why_boolean", {}),
]


def _why(message: str) -> str:
    for pattern, key, groups in _WHY:
        match = pattern.fullmatch(message.strip())
        if match:
            return say(key, **{k: match.group(i) for k, i in groups.items()})
    return message
