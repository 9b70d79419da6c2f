"""Progress of long steps. A command of the command line installs a run display
(`run_display`): on a terminal a Rich progress line names the step under way (starting
Prefect, preparing the warehouse, each file, the marts, publishing, the reports) with a bar
where the step has a count; each file's line is printed as soon as the file is done, on a
terminal or not. Flows and tasks call `step`, `advance` and `file_done`, which do nothing
when no display is installed (a flow run by Prefect's worker, a test calling a flow)."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


class CountColumn(ProgressColumn):
    """'3/18' for a step that counts, nothing for one that does not."""

    def render(self, task) -> Text:
        if task.total is None:
            return Text("")
        return Text(f"{int(task.completed)}/{int(task.total)}", style="progress.download")


class RunDisplay:
    """One command's progress: the step under way (a terminal only) and the per-file lines."""

    def __init__(self, live: bool) -> None:
        self.live = live
        self.started = time.monotonic()
        self.shown: set[int] = set()  # id() of the outcomes and downloads already printed
        self.first_line_at: float | None = None
        self._lock = threading.Lock()
        self._bar: Progress | None = None
        self._task = None
        self._sub = None
        if live:
            self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                 BarColumn(), CountColumn(), TimeElapsedColumn(),
                                 console=Console(stderr=True), transient=True,
                                 redirect_stdout=False, redirect_stderr=False)

    def __enter__(self) -> RunDisplay:
        if self._bar is not None:
            self._bar.start()
            self._task = self._bar.add_task("", total=None)
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()

    def step(self, text: str, total: int | None = None) -> None:
        """A new step: its own line, its own count and clock."""
        if self._bar is not None:
            self._bar.remove_task(self._task)
            self._task = self._bar.add_task(text, total=total)

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    @contextlib.contextmanager
    def sub(self, text: str, total: int) -> Iterator[Callable[[int], None]]:
        """A second line under the step (the rows of a big file being validated)."""
        if self._bar is None:
            yield lambda n: None
            return
        task = self._bar.add_task(text, total=total)
        try:
            yield lambda n: self._bar.advance(task, n)
        finally:
            self._bar.remove_task(task)

    def line(self, text: str, err: bool = False) -> None:
        """A line above the progress line, now: to stdout (or stderr when `err`)."""
        with self._lock:
            if self.first_line_at is None:
                self.first_line_at = time.monotonic() - self.started
            stream = sys.stderr if err else sys.stdout
            if self._bar is not None and stream.isatty():
                self._bar.console.print(text, markup=False, highlight=False,
                                        soft_wrap=True)
            else:
                print(text, file=stream, flush=True)

    def elapsed(self) -> float:
        return time.monotonic() - self.started


_display: RunDisplay | None = None


@contextlib.contextmanager
def run_display(live: bool | None = None) -> Iterator[RunDisplay]:
    """Install a display for one command: live (a progress line) when stderr is a terminal."""
    global _display
    display = RunDisplay(sys.stderr.isatty() if live is None else live)
    _display = display
    try:
        with display:
            yield display
    finally:
        _display = None


def current() -> RunDisplay | None:
    return _display


def step(text: str, total: int | None = None) -> None:
    if _display is not None:
        _display.step(text, total)


def advance(n: int = 1) -> None:
    if _display is not None:
        _display.advance(n)


def file_done(outcomes) -> None:
    """Print the line of each file as soon as it is done (seguridad/runtext.py words it)."""
    if _display is None:
        return
    from seguridad import runtext

    for o in outcomes:
        if id(o) not in _display.shown:
            _display.shown.add(id(o))
            text, err = runtext.outcome_line(o)
            _display.line(text, err)


def download_done(row: dict) -> None:
    if _display is None:
        return
    from seguridad import runtext

    _display.shown.add(id(row))
    text, err = runtext.download_line(row)
    _display.line(text, err)


@contextlib.contextmanager
def progress(total: int, description: str) -> Iterator[Callable[[int], None]]:
    """Yields `advance(n)` over a long step of `total` units. Under a command's display: a
    second progress line on a terminal, nothing otherwise. Outside one: a bar on a terminal,
    else a plain line at every quarter of the way (a Prefect worker's log)."""
    if _display is not None:
        from seguridad.i18n import say

        with _display.sub(say("step.rows"), total) as advance:
            yield advance
        return
    if sys.stderr.isatty():
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), transient=True) as bar:
            task = bar.add_task(description, total=total)
            yield lambda n: bar.advance(task, n)
        return
    done = 0
    next_mark = total / 4

    def advance(n: int) -> None:
        nonlocal done, next_mark
        done += n
        if done >= next_mark or done >= total:
            print(f"{description}: {done:,} of {total:,}", file=sys.stderr, flush=True)
            while next_mark <= done:
                next_mark += total / 4

    yield advance
