"""The commands of statements: check-claims checks every figure of a claims file against the
published warehouse; draft-claims drafts a claims file from a speech."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from seguridad import i18n
from seguridad.cli.helpers import Output, a_date, check_format, language, reading, write
from seguridad.cli.root import app
from seguridad.errors import SeguridadError


@app.command("check-claims")
def check_claims(
    file: Annotated[Path, typer.Argument(help="A claims file (TOML; see claims/).")],
    fmt: Annotated[str, typer.Option(
        "--format", help="table, md, json, html or claimreview (schema.org JSON-LD; the "
                         "reviewer is SEGURIDAD_REVIEWER).")] = "table",
    output: Output = None,
    lang: Annotated[str | None, typer.Option(
        help="es or en (default: the statement's, else es).")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Check against only the cuts published by this date (YYYY-MM-DD) "
                        "instead of the newest.")] = None,
) -> None:
    """Check every figure of a statement against the published warehouse: the verdict, the
    definitions that reproduce it, how far it moves under the others, and the caveats."""
    from seguridad.factcheck import claims
    from seguridad.factcheck import engine as factcheck
    from seguridad.reports import factcheck_page as factcheck_report

    check_format(fmt, ("table", "md", "json", "html", "claimreview"))
    lang = language(lang) or i18n.asked_language()
    loaded = claims.load(file, str(file))
    with reading() as con:
        result = factcheck.check_file(con, loaded, lang or loaded.statement.lang or "es",
                                      as_of=a_date(as_of, "--as-of") if as_of else None)
    write(factcheck_report.render(result, fmt), output)


@app.command("draft-claims")
def draft_claims(
    speech: Annotated[Path, typer.Argument(
        help="The statement as plain text (lines starting with # are ignored).")],
    said_on: Annotated[str, typer.Option("--said-on", help="When it was said, YYYY-MM-DD.")],
    baseline_year: Annotated[str, typer.Option(
        "--baseline-year",
        help="The last year before the period the speaker takes credit for, e.g. 2012.")],
    lang: Annotated[str | None, typer.Option(
        help="es or en (default: told from the text).")] = None,
    output: Annotated[Path | None, typer.Option(
        help="Write the claims file here (default: print it).")] = None,
    encoding: Annotated[str, typer.Option(
        help="The speech's encoding when it is not UTF-8, e.g. cp1252.")] = "utf-8",
    title: Annotated[str | None, typer.Option(help="The statement's title.")] = None,
    speaker: Annotated[str, typer.Option(help="Who said it.")] = "",
) -> None:
    """Draft a claims file from a speech: every sentence that states a percent change or an
    amount of pesos becomes a claim, with the words that decided each field; the rest is kept
    as comments with the reason. No warehouse needed; check the draft with check-claims."""
    import re

    from seguridad.factcheck import drafting

    lang = language(lang) or i18n.asked_language()
    said = a_date(said_on, "--said-on")
    if not re.fullmatch(r"\d{4}", baseline_year):
        raise SeguridadError(i18n.say("cli.not_a_year", text=baseline_year))
    try:
        data = speech.read_bytes()
    except FileNotFoundError:
        raise SeguridadError(i18n.say("cli.speech_missing", path=speech)) from None
    except IsADirectoryError:
        raise SeguridadError(i18n.say("cli.speech_is_dir", path=speech)) from None
    except OSError as e:
        raise SeguridadError(i18n.say("cli.speech_unreadable", path=speech,
                                      why=e.strerror or e)) from None
    text = drafting.decode_speech(data, str(speech), encoding)
    draft = drafting.draft(text, said, int(baseline_year), lang, source=str(speech),
                           title=title, speaker=speaker)
    write(drafting.render(draft), output)
    if not draft.claims:
        raise SeguridadError(i18n.say("cli.no_claims", path=speech, kept=len(draft.skipped)))
    typer.echo(i18n.say("cli.drafted", n=len(draft.claims), count=len(draft.claims),
                        kept=len(draft.skipped))
               + (i18n.say("cli.check_them", output=output) if output else ""), err=True)
