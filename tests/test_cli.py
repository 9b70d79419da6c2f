"""The command line as a person meets it (issue 23): a mistake in the command is one line with
the fix and exit 2, never a traceback; an error found by damaged input or a folder that
cannot be written is one line and a non-zero exit, in Prefect's log too. Every case runs in
this process (the writing commands against the session's test Prefect server)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, RNID_2026_FILE


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real command line, in this process."""
    from seguridad.cli.app import run

    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    os.chdir(REPO)
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(list(args))
    finally:
        os.chdir(previous)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def usage_error(result: subprocess.CompletedProcess, *words: str) -> str:
    """A usage error: exit 2, one line on stderr naming the fix, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def no_traceback(result: subprocess.CompletedProcess, caplog, code: int = 1) -> str:
    """A clear error, and nothing like a traceback in what the terminal shows: the command's
    output and Prefect's log (its records reach the root logger, where caplog formats them
    as Prefect's console handler would, traceback included)."""
    shown = result.stdout + result.stderr + caplog.text
    assert result.returncode == code, (result.returncode, shown)
    assert "Traceback" not in shown, shown
    assert 'File "' not in shown, shown
    return shown


# --- mistakes in the command itself -----------------------------------------------------

def test_bare_seguridad_prints_the_help_and_exits_2():
    result = cli()
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert "refresh" in result.stdout + result.stderr  # the commands are listed


def test_a_bare_group_prints_its_help():
    result = cli("report")
    assert result.returncode == 2
    assert "compare" in result.stdout + result.stderr


def test_a_misspelt_option_names_the_right_one():
    line = usage_error(cli("report", "compare", "--indicador", "homicidio_doloso"),
                       "--indicador", "--indicator", "seguridad report compare --help")
    assert line.startswith("error: no existe la opción")
    assert "--indicator? Ayuda:" in line  # the question ends the sentence: no "?."


def test_a_missing_option_is_named():
    usage_error(cli("draft-claims", "x.txt"), "--said-on", "falta",
                "seguridad draft-claims --help")
    usage_error(cli("sql"), "QUERY", "falta")


def test_an_unknown_command_suggests_the_nearest():
    usage_error(cli("refesh"), "'refesh'", "¿quiso decir refresh?", "seguridad --help")
    usage_error(cli("nope"), "no existe la orden 'nope'")


def test_a_value_that_does_not_fit_says_what_fits():
    usage_error(cli("refresh", "--workers", "0"), "--workers", "1 o más")
    usage_error(cli("report", "compare", "--indicator", "homicidio_doloso", "--geo", "national",
                    "--preset", "r12", "--low-count", "abc"), "--low-count", "número entero")
    usage_error(cli("status", "extra"), "extra")


def test_usage_errors_in_english_on_request():
    usage_error(cli("--lang", "en", "report", "compare", "--indicador", "x"),
                "no such option --indicador", "did you mean --indicator?")
    usage_error(cli("draft-claims", "x.txt", "--lang", "en"), "missing the option --said-on")
    usage_error(cli("refesh", env={"SEGURIDAD_LANG": "en"}), "did you mean refresh?")


def test_lang_after_the_command_points_before_it():
    usage_error(cli("status", "--lang", "en"), "--lang goes before the command")


def test_an_unknown_language_is_one_line():
    result = cli("status", env={"SEGURIDAD_LANG": "fr"})
    assert result.returncode == 1 and "SEGURIDAD_LANG='fr'" in result.stderr
    result = cli("--lang", "fr", "status")
    assert result.returncode == 1 and "'fr'" in result.stderr


def test_the_help_speaks_spanish_and_english_on_request():
    es = cli("--help")
    assert es.returncode == 0
    assert "Órdenes" in es.stdout and "Opciones" in es.stdout
    assert "Muestra esta ayuda y termina." in es.stdout
    assert "Show this message" not in es.stdout and "Commands" not in es.stdout
    compare = cli("report", "compare", "--help").stdout
    assert "Compara un indicador entre dos periodos" in compare and "[obligatorio]" in compare
    en = cli("--lang", "en", "report", "compare", "--help").stdout
    assert "Compare an indicator between two windows" in en and "[required]" in en
    assert "Opciones" not in en


def test_every_command_and_option_has_its_spanish_help():
    """A new option without Spanish help would print English in the Spanish help."""
    import typer.main

    from seguridad.cli.app import app
    from seguridad.i18n import entry

    missing = []

    def walk(command, path):
        if not entry(f"help.{path}._"):
            missing.append(path)
        missing.extend(f"{path} {p.name}" for p in command.params
                       if p.help and not entry(f"help.{path}.{p.name}"))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, name if path == "root" else f"{path} {name}")

    walk(typer.main.get_command(app), "root")
    assert missing == []


# --- errors found by damaged input or the machine ---------------------------------------

def test_an_unreadable_speech_is_one_line(tmp_path, caplog):
    speech = tmp_path / "discurso.txt"
    speech.mkdir()  # a folder where a file was expected: unreadable as text
    shown = no_traceback(cli("draft-claims", str(speech), "--said-on", "2015-12-18",
                             "--baseline-year", "2012"), caplog)
    assert str(speech) in shown


def test_refresh_full_over_an_empty_landing_zone_logs_one_line(small_workspace, caplog):
    shutil.rmtree(small_workspace / "raw")
    (small_workspace / "raw").mkdir()
    shown = no_traceback(cli("refresh", "--full", "--no-report"), caplog)
    assert "--force" in shown
    logged = [line for line in shown.splitlines() if "SeguridadError" in line]
    assert len(logged) <= 1, logged  # Prefect's own record of it: one line


def test_a_read_only_landing_zone_logs_one_line(small_workspace, monkeypatch, caplog):
    from seguridad.intake import rawfiles

    def refuse(source, target):
        raise PermissionError(13, os.strerror(13), str(target))

    monkeypatch.setattr(rawfiles, "_copy", refuse)
    copy = small_workspace / "entrante.csv"
    copy.write_bytes(RNID_2026_FILE.read_bytes().replace(b"\n", b"\r\n"))
    shown = no_traceback(cli("ingest", str(copy)), caplog)
    assert os.strerror(13) in shown


@pytest.mark.parametrize("command", [["refresh", "--no-report"], ["rollback"]])
def test_a_warehouse_folder_that_cannot_be_written(small_workspace, monkeypatch, caplog, command):
    """The run journal (runs.jsonl) is the first thing a writing command writes: a read-only
    folder refuses it (simulated: the tests run as root, whom permissions do not stop)."""
    from seguridad.warehouse import journal

    def read_only(*args, **kwargs):
        raise PermissionError(13, os.strerror(13), str(args[0]))

    monkeypatch.setattr(journal, "open", read_only, raising=False)
    (small_workspace / "raw" / "nuevo.csv").write_bytes(RNID_2026_FILE.read_bytes() + b"\n")
    shown = no_traceback(cli(*command), caplog)
    assert "runs.jsonl" in shown and "SEGURIDAD_WAREHOUSE" in shown


def test_a_journal_that_is_a_folder(small_workspace, caplog):
    (small_workspace / "warehouse" / "runs.jsonl").unlink(missing_ok=True)
    (small_workspace / "warehouse" / "runs.jsonl").mkdir()
    (small_workspace / "raw" / "nuevo.csv").write_bytes(RNID_2026_FILE.read_bytes() + b"\n")
    shown = no_traceback(cli("refresh", "--no-report"), caplog)
    assert "runs.jsonl" in shown


# --- Prefect's first run -------------------------------------------------------------------

def test_no_telemetry_notice_on_a_terminals_first_run(tmp_path):
    """Prefect's client prints its telemetry notice on the first import in a terminal, whatever
    prefect.toml says; the command line switches the client's telemetry off."""
    import pty
    import sys

    code = ("from seguridad.cli.flowrun import quiet_prefect; quiet_prefect(); import prefect; "
            "from prefect._internal.analytics import initialize_analytics; "
            "initialize_analytics(); print('done')")
    env = {k: v for k, v in os.environ.items() if k not in ("DO_NOT_TRACK", "CI")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")  # a first run
    for k in [k for k in env if k.startswith(("GITHUB_", "GITLAB_", "BUILDKITE", "TRAVIS"))]:
        env.pop(k)
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=follower, stderr=follower,
                            cwd=tmp_path, env=env)
    os.close(follower)
    out = b""
    with contextlib.suppress(OSError):
        while chunk := os.read(leader, 4096):
            out += chunk
    proc.wait(timeout=120)
    os.close(leader)
    assert b"done" in out, out
    assert b"anonymous usage data" not in out, out
