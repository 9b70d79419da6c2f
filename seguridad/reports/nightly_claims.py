"""The fact checks of the nightly set: every claims file under claims/ checked again against
tonight's warehouse (claims/<name>.json, .md, .html), each verdict compared with the one of
the newest earlier report folder that checked the same file, and the section of cambios.md
that says them and what changed."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from seguridad.errors import SeguridadError
from seguridad.factcheck import claims
from seguridad.factcheck import engine as factcheck
from seguridad.reports.factcheck_json import render_json, to_dict
from seguridad.reports.factcheck_md import render_md
from seguridad.reports.factcheck_page import render_html
from seguridad.reports.factcheck_words import VERDICT_WORDS, said_text, who_and_when


def check_all_claims(con: duckdb.DuckDBPyConnection, out_dir: Path, claims_dir: Path | None,
                     lang: str = "es") -> list[dict]:
    """Re-check every claims file under claims_dir against tonight's warehouse; write
    claims/<name>.{json,md,html} and say which verdicts changed since the last report set that
    checked the same file. A bad claims file is reported, never stops the night."""

    files = sorted(claims_dir.glob("*.toml")) if claims_dir and claims_dir.is_dir() else []
    if not files:
        return []
    folder = out_dir / "claims"
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for path in files:
        entry: dict = {"name": path.stem, "file": str(path), "error": None, "changes": []}
        try:
            loaded = claims.load(path, path.name)
            fc = factcheck.check_file(con, loaded, lang)
        except SeguridadError as e:
            entry["error"] = str(e)
            out.append(entry)
            continue
        data = to_dict(fc)
        (folder / f"{path.stem}.json").write_text(render_json(fc),
                                                  encoding="utf-8")
        (folder / f"{path.stem}.md").write_text(render_md(fc),
                                                encoding="utf-8")
        (folder / f"{path.stem}.html").write_text(render_html(fc),
                                                  encoding="utf-8")
        previous, when = previous_verdicts(out_dir, path.stem)
        for claim in data["claims"]:
            before = previous.get(claim["id"])
            if before is not None and before != claim["verdict"]:
                entry["changes"].append({"id": claim["id"], "before": before,
                                         "after": claim["verdict"], "since": when})
        entry.update(factcheck=fc, data=data)
        out.append(entry)
    return out


def previous_verdicts(out_dir: Path, name: str) -> tuple[dict[str, str], str | None]:
    """Verdicts of the newest earlier report set that checked this claims file."""
    parent = out_dir.parent
    if not parent.is_dir():
        return {}, None
    for folder in sorted((p for p in parent.iterdir() if p.is_dir() and p.name < out_dir.name),
                         reverse=True):
        path = folder / "claims" / f"{name}.json"
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                return {c["id"]: c["verdict"] for c in data["claims"]}, folder.name
            except (ValueError, KeyError, TypeError):
                continue  # a damaged earlier report never stops tonight's
    return {}, None


def _verdict(key: str, lang: str) -> str:
    return VERDICT_WORDS.get(key, {}).get("es" if lang == "es" else "en", key)


def claims_markdown(entries: list[dict], lang: str) -> list[str]:

    if not entries:
        return []
    es = lang == "es"
    lines = ["", "## " + ("Verificación de declaraciones" if es else "Fact checks"), ""]
    for e in entries:
        if e["error"]:
            lines.append(f"- `{e['file']}`: {e['error']}")
            continue
        st = e["factcheck"].loaded.statement
        lines.append(f"- **{st.title}** ({who_and_when(st)}): "
                     f"`claims/{e['name']}.md`")
        texts = {}
        for c in e["factcheck"].checks:
            texts[c.claim.id] = f"«{c.claim.text}»"
            lines.append(f"  - «{c.claim.text}» ({said_text(c, lang)}): "
                         f"{VERDICT_WORDS[c.verdict]['es' if es else 'en']}")
        for ch in e["changes"]:
            lines.append(f"  - **{'Cambió' if es else 'Changed'}**: "
                         f"{texts.get(ch['id'], ch['id'])} "
                         f"{_verdict(ch['before'], lang)} → {_verdict(ch['after'], lang)} "
                         f"({'desde' if es else 'since'} {ch['since']})")
    return lines
