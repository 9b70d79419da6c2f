"""Progress of long steps: a bar on a terminal, a few plain log lines otherwise (a cron job's
log, CI, a Prefect worker)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@contextlib.contextmanager
def progress(total: int, description: str) -> Iterator[Callable[[int], None]]:
    """Yields `advance(n)`. Plain mode prints at every quarter of the way."""
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
