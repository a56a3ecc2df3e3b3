"""The bibliography keys the data may cite: the entries of book/references.bib (the one list)."""

from __future__ import annotations

import re
from pathlib import Path

from quizzes import paths

# "@article{key," ; @string/@comment/@preamble declare no citable key.
_ENTRY = re.compile(r"@\s*([A-Za-z]+)\s*[{(]\s*([^,\s{}()]+)\s*,")
_NOT_ENTRIES = {"string", "comment", "preamble"}


def keys_from_bib(text: str) -> set[str]:
    return {m.group(2) for m in _ENTRY.finditer(text) if m.group(1).lower() not in _NOT_ENTRIES}


def load_keys(bib: Path | None = None) -> tuple[set[str], str]:
    """Return (keys, the file they came from); a missing bibliography is an error, not an empty list."""
    bib = paths.REFERENCES_BIB if bib is None else Path(bib)
    if not bib.is_file():
        raise FileNotFoundError(f"{bib}: no bibliography file (every citation key is checked against it)")
    return keys_from_bib(bib.read_text(encoding="utf-8", errors="replace")), str(bib)
