"""Citations inside bank text: `[@bibkey]` (a bibliography entry) and `[#record-id]` (a registry
statement).

Authors cite; readers see names. On the site both become links (the bibliography entry, or the
statement in the which-modality chapter's list of sources); in LMS exports, which live outside the
book, they become plain text. Expansion happens before Markdown rendering, so the sanitiser still
sees everything.
"""

from __future__ import annotations

import re
from functools import lru_cache

from quizzes import paths

BIB_TOKEN = re.compile(r"\[@([A-Za-z0-9_:.-]+)\]")
RECORD_TOKEN = re.compile(r"\[#([a-z0-9][a-z0-9-]*)\]")

# Links are relative to the pages that show bank text (quiz chapters and self-checks live in
# book/chapters/). The bibliography's entry ids come from bibtex_cite_id in _config.yml.
BIBLIOGRAPHY_URL = "../bibliography.html#ref-{key}"
STATEMENT_URL = "which-modality.html#rec-{id}"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~-])")


def _md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


@lru_cache(maxsize=4)
def bib_labels(bib_path: str | None = None) -> dict[str, str]:
    """Short author-year labels ("Kemeny et al. 2006") for every entry of references.bib."""
    from pybtex.database import parse_file

    data = parse_file(str(bib_path or paths.REFERENCES_BIB), bib_format="bibtex")
    labels = {}
    for key, entry in data.entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [" ".join(p.prelast_names + p.last_names) for p in people]
        etal = "others" in names  # BibTeX's "and others"
        names = [n for n in names if n != "others"]
        if len(names) >= 3 or (names and etal):
            who = f"{names[0]} et al."
        elif names:
            who = " and ".join(names)
        else:
            title = re.sub(r"[{}\[\]]", "", entry.fields.get("title", key))
            who = " ".join(title.split()[:4]).rstrip(",.:;")
        year = entry.fields.get("year", "")
        labels[key] = f"{who} {year}".strip().replace("{", "").replace("}", "")
    return labels


def expand(text: str, registry=None, links: bool = True) -> str:
    """Replace citation tokens by Markdown (escaped) text or links. Unknown keys stay as they
    are; `check` reports them."""
    if not text or "[" not in text:
        return text
    labels = bib_labels()

    def bib(m):
        key = m.group(1)
        if key not in labels:
            return m.group(0)
        label = _md_escape(labels[key])
        return f"([{label}]({BIBLIOGRAPHY_URL.format(key=key)}))" if links else f"({label})"

    def record(m):
        rid = m.group(1)
        if registry is None or rid not in registry.records:
            return m.group(0)
        label = _md_escape(record_label(registry, rid))
        return f"([{label}]({STATEMENT_URL.format(id=rid)}))" if links else f"({label})"

    return RECORD_TOKEN.sub(record, BIB_TOKEN.sub(bib, text))


def record_label(registry, rid: str) -> str:
    """What a reader sees for a statement: whose it is, then what it says."""
    rec = registry.records[rid]
    return f"{registry.sources[rec.source].short}: {rec.label}"


def tokens(text: str) -> tuple[list[str], list[str]]:
    """(bibliography keys, record ids) cited in a text."""
    return BIB_TOKEN.findall(text or ""), RECORD_TOKEN.findall(text or "")
