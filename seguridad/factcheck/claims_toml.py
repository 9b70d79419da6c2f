"""draft-claims' output: the draft (its claims and the figures kept as comments) and the
claims file it is written as, TOML by hand so that every claim carries its comments (the
words that decided each field, why a figure was not drafted). The text is read back with the
claims file's own model before it is returned."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field

from seguridad.factcheck.claims import ClaimsFile


@dataclass
class Drafted:
    """One claim of the draft: the fields of a [[claim]], and notes for its TOML comment."""

    fields: dict
    written: str  # the number as it goes into the TOML
    matched: list[str]
    comment: str = ""


@dataclass
class Skipped:
    """A figure (or a sentence with a number) that did not become a claim, and why."""

    sentence: str
    reason: str


@dataclass
class Draft:
    statement: dict
    lang: str
    items: list[Drafted | Skipped] = field(default_factory=list)
    sentences: int = 0
    notes: list[str] = field(default_factory=list)
    source: str = ""

    @property
    def claims(self) -> list[Drafted]:
        return [i for i in self.items if isinstance(i, Drafted)]

    @property
    def skipped(self) -> list[Skipped]:
        return [i for i in self.items if isinstance(i, Skipped)]


# the fields of the forms of issue 21, in the order the TOML writes them
EXTRA_FIELDS = ("measure", "per", "family", "baseline_year", "current", "baseline", "record",
                "since", "compare")


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _string(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a TOML basic string


def render(d: Draft) -> str:
    st = d.statement
    n_claims, n_skipped = len(d.claims), len(d.skipped)
    lines = [
        f"# Claims drafted by `seguridad draft-claims` from {d.source or 'a speech'} "
        f"(language: {d.lang}).",
        "# A draft: read every claim before checking it. `matched` lists the words that "
        "decided each",
        "# field; figures that did not become a claim are comments, with the reason.",
        f"# {plural(d.sentences, 'sentence')} read: {plural(n_claims, 'claim')} drafted, "
        f"{n_skipped} kept as comments.",
    ]
    if d.notes:
        lines.append("# The speech file says:")
        lines += [f"#   {n}" for n in d.notes if n]
    lines += ["", "[statement]", f"title = {_string(st['title'])}",
              f"speaker = {_string(st['speaker'])}"
              + ("" if st["speaker"] else "   # who said it (or --speaker)"),
              f"said_on = {st['said_on'].isoformat()}",
              f"baseline_year = {st['baseline_year']}"]
    if st["source"]:
        lines.append(f"source = {_string(st['source'])}")
    lines.append(f"lang = {_string(st['lang'])}")
    for item in d.items:
        lines.append("")
        if isinstance(item, Skipped):
            lines += [f"# Not drafted: {item.reason}", f"#   «{item.sentence}»"]
            continue
        f = item.fields
        lines += ["[[claim]]", f"id = {_string(f['id'])}"]
        if f["kind"] == "spending":
            lines += ['kind = "spending"', f"text = {_string(f['text'])}",
                      f"program = {_string(f['program'])}", f"amount_pesos = {item.written}"]
        else:
            if f["kind"] != "change":
                lines.append(f"kind = {_string(f['kind'])}")
            lines += [f"text = {_string(f['text'])}",
                      "indicators = [" + ", ".join(map(_string, f["indicators"])) + "]"
                      + ("   # their sum, each crime row once" if len(f["indicators"]) > 1
                         else ""),
                      f"geo = {_string(f['geo'])}"]
            stated = {"change": "change_pct", "difference": "difference",
                      "level": "value"}.get(f["kind"])
            if stated:
                lines.append(f"{stated} = {item.written}"
                             + (f"   # {item.comment}" if item.comment else ""))
            for key in EXTRA_FIELDS:
                if key in f:
                    value = f[key]
                    lines.append(f"{key} = {value if isinstance(value, int) else _string(value)}")
        lines.append(f"bound = {_string(f['bound'])}")
        lines.append("matched = [")
        lines += [f"    {_string(m)}," for m in item.matched]
        lines.append("]")
    text = "\n".join(lines) + "\n"
    if d.claims:  # what check-claims will read: the same model, the same file
        ClaimsFile.model_validate(tomllib.loads(text))
    return text
