"""What the read-only commands need of the reference data without pandas or pandera (a
`report compare` must answer in well under a second): where the files are, the formats, and
how place names are compared."""

from __future__ import annotations

import tomllib
import unicodedata
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
FORMATS_FILE = Path(__file__).resolve().parent / "formats.toml"


def normalize_name(name: str) -> str:
    """Compare place names the way people read them: no accents, any case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.upper().replace(".", ". ").split())


@cache
def formats() -> dict[str, dict]:
    with open(FORMATS_FILE, "rb") as f:
        return tomllib.load(f)["formats"]


def is_yearly(format_name: str) -> bool:
    """Whether a format's figures are yearly (its core table has a year, not a month)."""
    return formats()[format_name].get("grain", "month") == "year"
