"""Bibliography keys the data may cite.

book/references.bib is written by someone else; when it exists it is the authority. Until then
data/bibkeys.txt (the agreed key list) stands in, so the checker works in either state.
"""
from __future__ import annotations

import re
from pathlib import Path

from . import paths

# "@article{key," ; @string/@comment/@preamble declare no citable key.
_ENTRY = re.compile(r"@\s*([A-Za-z]+)\s*[{(]\s*([^,\s{}()]+)\s*,")
_NOT_ENTRIES = {"string", "comment", "preamble"}


def keys_from_bib(text: str) -> set[str]:
    return {m.group(2) for m in _ENTRY.finditer(text) if m.group(1).lower() not in _NOT_ENTRIES}


def keys_from_list(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")}


def load_keys(bib: Path | None = None, fallback: Path | None = None) -> tuple[set[str], str]:
    """Return (keys, description of where they came from)."""
    bib = paths.REFERENCES_BIB if bib is None else Path(bib)
    fallback = paths.BIBKEYS_FILE if fallback is None else Path(fallback)
    if bib.is_file():
        return keys_from_bib(bib.read_text(encoding="utf-8", errors="replace")), str(bib)
    return keys_from_list(fallback.read_text(encoding="utf-8")), f"{fallback} (no {bib.name} yet)"
