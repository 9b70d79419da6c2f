"""What a run says on the command line, in the reader's language: a line per file (loaded,
unchanged, skipped, rejected, unpacked), a line per download, and the headline. The words are
in seguridad/cli_text.toml; the records (ops.runs, the journal, FileOutcome.message) keep
their own text."""

from __future__ import annotations

import csv
import functools
from datetime import date

from schemas.names import REFERENCE_DIR, formats
from seguridad.failure_text import failure_words, warning_words
from seguridad.i18n import has, language, say
from seguridad.outcomes import FileOutcome


@functools.cache
def _series_words() -> dict[str, dict[str, str]]:
    with open(REFERENCE_DIR / "series.csv", encoding="utf-8", newline="") as f:
        return {r["series"]: {"es": r["words_es"], "en": r["words_en"]}
                for r in csv.DictReader(f)}


def series_words(series: str | None, lang: str | None = None) -> str | None:
    """How a reader calls a series: 'metodología 2015 (CNSP/38/15)', 'CONAPO 2023'."""
    if not series:
        return None
    lang = lang or language()
    words = _series_words().get(series)
    if words:
        return words[lang]
    return say(f"series.{series}", lang) if has(f"series.{series}") else series


def dataset_words(dataset: str | None, fmt: str | None = None) -> str | None:
    if dataset is None and fmt:
        dataset = formats().get(fmt, {}).get("dataset")
    if dataset is None:
        return None
    return say(f"dataset.{dataset}") if has(f"dataset.{dataset}") else dataset


def _span(facts: dict) -> str | None:
    first, last = facts.get("first"), facts.get("last")
    if not (isinstance(first, date) and isinstance(last, date)):
        return None
    if facts.get("yearly"):
        return f"{first:%Y}" if first.year == last.year else \
            say("run.span", first=f"{first:%Y}", last=f"{last:%Y}")
    return say("run.span", first=f"{first:%Y-%m}", last=f"{last:%Y-%m}")


def outcome_line(o: FileOutcome) -> tuple[str, bool]:
    """The line for one file, and whether it goes to stderr (what needs the user's eye)."""
    f = o.facts
    if o.status == "loaded":
        what = [dataset_words(o.dataset, o.format)]
        series = series_words(o.series)
        if series and o.dataset and not o.dataset.startswith(("budget", "price")):
            what.append(series)
        if o.cut_date:
            what.append(say("run.cut", cut=f"{o.cut_date:%Y-%m}"))
        parts = [", ".join(w for w in what if w)]
        if span := _span(f):
            parts.append(span)
        if f.get("encoding"):
            parts.append(f["encoding"] if f.get("line_ending") in (None, "n/a", "none")
                         else f"{f['encoding']}, {f['line_ending']}")
        text = say("run.loaded", label=o.label, n=o.rows, rows=f"{o.rows:,}",
                   what="; ".join(parts))
        if f.get("warnings"):
            text += "; " + say("run.warnings", n=f["warnings"], count=f"{f['warnings']:,}",
                               kinds="; ".join(warning_words(k, language())
                                              for k in f.get("warning_kinds") or []))
        return text, False
    if o.status == "unchanged":
        if f.get("archive"):
            return say("run.unchanged_archive", label=o.label), False
        same = f" ({say('run.same_as', other=f['same_as'])})" if f.get("same_as") else ""
        state = [say(f"status.file_{f['known']}") if f.get("known") else None,
                 say("run.cut", cut=f"{f['cut']:%Y-%m}") if f.get("cut") else None]
        return say("run.unchanged", label=o.label, same=same,
                   state=", ".join(x for x in state if x)), False
    if o.status == "skipped":
        return say("run.skipped", label=o.label,
                   reason=failure_words(f.get("reason") or o.message)), True
    if o.status == "unpacked":
        left = f.get("left_packed") or []
        text = say("run.unpacked", label=o.label, n=f.get("members", 0),
                   count=f.get("members", 0))
        if left:
            text += "; " + say("run.left_packed", names=", ".join(left))
        return text, False
    return rejected_text(o), True


def rejected_text(o: FileOutcome, examples: int = 3, kinds: int = 6) -> str:
    """A rejection: the file, the reason and a few examples of each kind of failure, rarest
    first (as errors.FileRejected.summary orders them). The reasons and the failures are the
    checks' own words, said in the reader's language (seguridad/failure_text.py)."""
    r = o.rejection
    if r is None:
        return say("run.rejected", label=o.label,
                   reason=failure_words(o.facts.get("reason") or _reason(o)))
    lines = [say("run.rejected", label=o.label, reason=failure_words(r.reason))]
    groups: dict[str, list] = {}
    for failure in r.failures:
        groups.setdefault(failure.check, []).append(failure)
    ordered = sorted(groups.values(), key=len)
    for group in ordered[:kinds]:
        lines += [f"  - {failure_words(failure.message)}" for failure in group[:examples]]
        if len(group) > examples:
            more = len(group) - examples
            lines.append("    " + say("run.more_like_this", n=more, count=f"{more:,}"))
    if len(ordered) > kinds:
        rest = sum(len(g) for g in ordered[kinds:])
        lines.append("  " + say("run.other_kinds", count=f"{rest:,}",
                                kinds=len(ordered) - kinds))
    if len(r.failures) > examples:
        lines.append("  " + say("run.all_in_quarantine"))
    return "\n".join(lines)


def _reason(o: FileOutcome) -> str:
    """A rejection's message without its 'label: rejected: ' (the line names the file)."""
    prefix = f"{o.label}: rejected: "
    return o.message[len(prefix):] if o.message.startswith(prefix) else o.message


def download_line(d: dict) -> tuple[str, bool]:
    status = d["status"]
    detail = d["file_name"] or failure_words(d["message"]) or (
        say("run.not_modified") if status == "not_modified" else "")
    word = say(f"download.{status}") if has(f"download.{status}") else status
    return f"{word:<14} {d['source']}: {detail}", status in ("failed", "refused")


def headline(run) -> str:
    """The run's last line: what it did, in the reader's language."""
    return words_text(headline_words(run))


def words_text(words: list) -> str:
    """Catalogue keys and parameters (as headline_words gives them) as one sentence."""
    text = ", ".join(say(key, **params) for key, params in words)
    return text + "." if words and words[-1][0].startswith("run.n_") else text


def headline_words(run) -> list[tuple[str, dict]]:
    """The headline as catalogue keys and their parameters: the journal keeps them, so that
    `seguridad status` says an old run in the language of today's reader."""
    if run.command == "backfill":
        if not run.published:
            return [("run.dry_run", {})]
        rows = sum(n for _, n in run.rebuilt)
        return [("run.backfill_done", {"n": len(run.rebuilt), "files": len(run.rebuilt),
                                       "rows": f"{rows:,}"})]
    if run.command == "rollback":
        return [("run.rolled_back", {})]
    if run.downloads and not run.outcomes:
        done = sum(1 for d in run.downloads if d["status"] == "downloaded")
        return [("run.downloads_only", {"done": done, "failed": len(run.failed_downloads)})]
    if not run.loaded and not run.rejected and run.known_files:
        return [("run.nothing_new", {"n": run.known_files, "count": run.known_files})]
    if not run.outcomes:
        return [("run.nothing_to_ingest", {})]
    if not run.loaded and not run.rejected:
        key = "run.nothing_new_rebuilt" if run.reference_rebuilt else "run.nothing_new"
        return [(key, {"n": len(run.skipped), "count": len(run.skipped)})]
    counts = [("run.n_loaded", len(run.loaded)), ("run.n_rejected", len(run.rejected)),
              ("run.n_skipped", len(run.skipped))]
    return [(key, {"n": n, "count": n}) for key, n in counts if n or key == "run.n_loaded"]
