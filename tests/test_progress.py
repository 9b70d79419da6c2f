"""Progress while a run works (issue 23): each file's line is printed as soon as the file is
done, not with the others at the end; on a terminal a progress line names the step under way
from the first second; elsewhere (a cron job's log) only the file lines and the summary; a
first build does not claim the reference data changed since a build there never was."""

from __future__ import annotations

import contextlib
import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO, RNID_2026_FILE, add_revised_cut, rnid_2026_landing_zone, run_cli


def cli(*args: str, watch=None) -> subprocess.CompletedProcess:
    """The real command line, in this process."""
    from seguridad.cli.app import run

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        if watch:
            watch(out, err)
        code = run(list(args))
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def two_new_files(small_workspace: Path) -> list[str]:
    first = add_revised_cut(small_workspace)
    second = small_workspace / "raw" / "estatal_RNID_2026_mar2026_crlf.csv"
    second.write_bytes(RNID_2026_FILE.read_bytes().replace(b"\n", b"\r\n"))
    return [first.name, second.name]


def test_each_file_line_is_printed_when_the_file_is_done(small_workspace, monkeypatch):
    """What the terminal showed when the marts began to be rebuilt (the long step after the
    files): both files' lines, already."""
    from flows import tasks

    names = two_new_files(small_workspace)
    seen: dict[str, str] = {}
    real = tasks.rebuild_marts

    def watch(out, err):
        def rebuild_marts(build, settings):
            seen["at_marts"] = out.getvalue() + err.getvalue()
            return real(build, settings)

        monkeypatch.setattr(tasks, "rebuild_marts", rebuild_marts)

    result = cli("refresh", "--no-report", watch=watch)
    assert result.returncode == 0, result.stderr
    for name in names:
        assert re.search(rf"cargado +\S*{re.escape(name)}: 3,648 filas de incidencia",
                         seen["at_marts"]), seen["at_marts"]
    assert "2 cargados" not in seen["at_marts"]  # the summary comes at the end
    assert re.search(r"2 cargados, \d+ sin cambios u omitidos\. Tiempo: \d+\.\d s\.",
                     result.stdout), result.stdout


def test_quiet_when_not_a_terminal(small_workspace):
    two_new_files(small_workspace)
    result = cli("refresh", "--no-report")
    assert result.returncode == 0, result.stderr
    shown = result.stdout + result.stderr
    assert "\x1b[" not in shown and "Revisando y cargando" not in shown  # no progress line
    words = [x.split()[0] for x in result.stdout.splitlines()]
    assert words[:-2].count("cargado") == 2, result.stdout  # a line per file, nothing else
    assert set(words[:-2]) == {"cargado", "igual"} and len(words) > 4, result.stdout
    assert words[-2:] == ["2", "almacén:"]  # the headline, where the warehouse is
    assert result.stderr == ""


def test_a_first_build_does_not_say_the_reference_data_changed(empty_workspace):
    rnid_2026_landing_zone(empty_workspace / "raw")
    result = cli("refresh", "--no-report")
    assert result.returncode == 0, result.stderr
    assert "referencia" not in result.stdout + result.stderr
    assert "4 cargados." in result.stdout


def test_on_a_terminal_the_step_under_way_shows_at_once(small_workspace):
    """A real terminal (a pty): the progress line is there before Prefect has started, names
    each step, and the file lines come above it."""
    from prefect.settings import PREFECT_API_URL

    two_new_files(small_workspace)
    env = dict(os.environ)
    if PREFECT_API_URL.value():
        env["PREFECT_API_URL"] = PREFECT_API_URL.value()
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "seguridad", "refresh", "--no-report"],
                            stdout=follower, stderr=follower, cwd=REPO, env=env)
    os.close(follower)
    out = b""
    with contextlib.suppress(OSError):
        while chunk := os.read(leader, 65536):
            out += chunk
    assert proc.wait(timeout=300) == 0, out[-2000:]
    os.close(leader)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.decode(errors="replace"))
    steps = ["Iniciando Prefect", "Preparando el almacén", "Revisando y cargando archivos",
             "Reconstruyendo los marts", "Publicando el almacén"]
    where = [text.find(s) for s in steps]
    assert all(i >= 0 for i in where), text[-3000:]
    assert where == sorted(where)  # in the order they run
    assert re.search(r"cargado +\S+: 3,648 filas", text)
    assert re.search(r"2 cargados, \d+ sin cambios u omitidos\.", text)


def test_one_language_per_run(small_workspace):
    """The run's own words, Spanish by default and English with --lang en, none of the other
    language. (The kinds of warning after 'ops.data_warnings:' are the checks' own names,
    reworded by issue 22.)"""
    two_new_files(small_workspace)
    english = run_cli("--lang", "en", "refresh", "--no-report")
    assert english.returncode == 0, english.stderr
    en = re.sub(r"ops\.data_warnings: .*", "", english.stdout + english.stderr)
    assert re.search(r"^loaded +\S+: 3,648 rows of state crime counts, the 2026 catalogue "
                     r"\(RNID\), cut 2026-03; 2026-01 to 2026-03", en, re.M), en
    assert re.search(r"^2 loaded, \d+ unchanged or skipped\. Took \d+\.\d s\.$", en, re.M)
    for word in ("cargado", "filas", "almacén", "igual", "corte", "Tiempo", "advertencia"):
        assert word not in en, word
    (small_workspace / "raw" / "otro.csv").write_bytes(RNID_2026_FILE.read_bytes() + b"\n\n")
    spanish = run_cli("refresh", "--no-report")
    es = re.sub(r"ops\.data_warnings: .*", "", spanish.stdout + spanish.stderr)
    assert re.search(r"^cargado +\S+: 3,648 filas de incidencia delictiva estatal, catálogo "
                     r"2026 \(RNID\), corte 2026-03; 2026-01 a 2026-03", es, re.M), es
    for word in ("loaded", "rows", "warehouse:", "same", "cut ", "Took", "warning"):
        assert word not in es, word
