"""Which answer files belong to the same learner: names and ids compared in a normalised form.

learner_key(name):
  1. Unicode NFKC (full-width "Ａｄａ" is "Ada", the ligature "ﬁ" is "fi");
  2. invisible characters removed: zero-width space/joiners, word joiner, BOM, soft hyphen and
     every other format (Cf) or control (Cc) character;
  3. every run of white space becomes one space; leading and trailing space is dropped;
  4. case-folded ("ADA", "Ada" and "ada" match; "Straße" matches "STRASSE");
  5. confusable letters: in a name that mixes Latin with Cyrillic or Greek letters, the Cyrillic
     and Greek letters that look like Latin ones (a small table after Unicode's confusables.txt)
     are read as Latin, so "Аda" with a Cyrillic "А" matches "Ada". A name written wholly in one
     script is left alone: "Анна" in Cyrillic is a real name and is not merged with a Latin one.
     Names that still differ only by other look-alikes are not merged: merging two real people
     would be worse than a second row the educator can see.
An empty key means "no name given": such files are never matched with each other.
"""

from __future__ import annotations

import re
import unicodedata

# Cyrillic and Greek letters (after NFKC and case folding) whose glyph is a Latin letter's.
_CONFUSABLE = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "с": "c",
        "е": "e",
        "һ": "h",
        "і": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "ѕ": "s",
        "т": "t",
        "у": "y",
        "х": "x",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "ѵ": "v",
        "ӏ": "l",
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ζ": "z",
    }
)
_SPACE = re.compile(r"\s+")


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    for script in ("LATIN", "CYRILLIC", "GREEK"):
        if name.startswith(script):
            return script
    return "OTHER"


def learner_key(name: str | None) -> str:
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc") or ch in "\t\n\r")
    text = _SPACE.sub(" ", text).strip().casefold()
    scripts = {_script(ch) for ch in text if ch.isalpha()}
    if "LATIN" in scripts and scripts & {"CYRILLIC", "GREEK"}:
        text = text.translate(_CONFUSABLE)
    return text
