"""What a reader sees for a source inside a widget: a readable name, never a bibliography key.

The data files cite by bibliography key (``kemeny1999``) and tag each figure V or S; keys are for
authors. Widgets show the short author-year label the quizzes use (quizzes.pages.cite.bib_labels,
"Kemeny et al. 1999"), and explain the tags in words wherever they appear (TAG_LEGEND).
"""

from __future__ import annotations

import re

from quizzes.pages.cite import BIBLIOGRAPHY_URL, bib_labels

# What the fact-sheet tags mean, in the words the course uses everywhere they are shown.
# They say what kind of report a figure comes from, not how it was found.
TAGS = {"V": "from the cited report itself", "S": "from a secondary source"}
TAG_LEGEND = "V: from the cited report itself; S: from a secondary source."


def source_label(key: str) -> str:
    """ "Kemeny et al. 1999" for ``kemeny1999``; a key missing from references.bib is an error."""
    labels = bib_labels()
    if key not in labels:
        raise ValueError(f"source {key!r} is not in book/references.bib")
    # Entries without authors are labelled by their title, some of which BibTeX brackets
    # ("[Review of ...]", a translated title): the brackets mean nothing to a reader.
    return labels[key].replace("[", "").replace("]", "").strip()


def source_labels(keys) -> dict[str, str]:
    """{key: readable label} for every key given (for a widget's front end)."""
    return {key: source_label(key) for key in sorted(set(keys))}


def cited(key: str, tag: str | None = None) -> str:
    """The bracketed citation a widget prints after a figure: "[Pernot et al. 2020, V]"."""
    return f"[{source_label(key)}, {tag}]" if tag else f"[{source_label(key)}]"


def bibliography_href(key: str) -> str:
    """The link from a chapter page (book/chapters/) to the key's entry in the bibliography."""
    return BIBLIOGRAPHY_URL.format(key=key)


# "[ffcd1201, V]" or "[fiorentini2008, cvirlidocaine, V]" inside a sentence written in Python.
_BRACKETED = re.compile(r"\[([^\[\]]+)\]")


def readable_citations(text: str) -> str:
    """The same text with every bibliography key inside square brackets replaced by its label.

    For the few sentences the widgets' Python holds with citations in them; anything in brackets
    that is not a key (a tag, "illustrative") is left as it is.
    """
    labels = bib_labels()

    def swap(match: re.Match) -> str:
        parts = [p.strip() for p in match.group(1).split(",")]
        return "[" + ", ".join(source_label(p) if p in labels else p for p in parts) + "]"

    return _BRACKETED.sub(swap, text)
