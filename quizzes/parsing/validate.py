"""Small typed accessors used by registry.py and bank.py to read a YAML mapping strictly.

Each accessor reports problems to an Issues list with the line of the offending key and the
dotted field path, and returns None when the value cannot be used, so a single pass over a file
reports every problem instead of stopping at the first.

Every string is also checked for characters that must never reach a page, a spreadsheet or an
LMS file (text_problem): control characters, lone surrogates, bidirectional overrides, XML-illegal
code points; plain-text fields (titles, labels, locators, quotes) may not contain `<` at all,
because they are shown as text and some of them travel unescaped inside widget state.
"""

from __future__ import annotations

import math
import re

from quizzes import vocab
from quizzes.parsing.issues import Issues
from quizzes.parsing.loader import BadValue, YList, YMap

# \Z, not $: "$" also matches before a trailing newline, so "q1\n" would pass as an id.
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")

PLAIN = "plain"  # one line of text shown as text: no `<`, no control characters
MARKDOWN = "markdown"  # prose rendered through Markdown + nh3, or escaped: newlines and `<` allowed

# Characters refused in every text field, with the reason given to the author.
#  - C0 controls (tab and newline are allowed in Markdown only), DEL, C1 controls: invisible,
#    and most are illegal in XML 1.0 (Moodle/QTI exports) or start a new spreadsheet row (CR).
#  - lone surrogates: not encodable as UTF-8; writing them raises UnicodeEncodeError.
#  - bidirectional embeddings/overrides/isolates: make text read differently than it is stored.
#  - U+FFFE/U+FFFF and the other noncharacters: illegal or discouraged in XML.
_BAD_CHAR = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef"
    "\ufffe\uffff\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff"
    "\U0004fffe\U0004ffff\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff"
    "\U0008fffe\U0008ffff\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff"
    "\U000cfffe\U000cffff\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff"
    "\U0010fffe\U0010ffff]"
)
_LINE_BREAK = re.compile("[\t\n]")


def _char_name(ch: str) -> str:
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return f"a lone surrogate U+{code:04X}"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return f"a bidirectional control U+{code:04X}"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"a control character U+{code:04X}"
    return f"a Unicode noncharacter U+{code:04X} (not allowed in XML)"


def text_problem(value: str, kind: str = PLAIN) -> str | None:
    """Why value may not be used as text of this kind, or None when it is fine."""
    limit = vocab.MAX_PLAIN_CHARS if kind == PLAIN else vocab.MAX_MARKDOWN_CHARS
    if len(value) > limit:
        return f"is {len(value)} characters long; at most {limit} allowed"
    bad = _BAD_CHAR.search(value) or (_LINE_BREAK.search(value) if kind == PLAIN else None)
    if bad:
        return f"contains {_char_name(bad.group())} at character {bad.start() + 1}"
    if kind == PLAIN and "<" in value:
        return (
            f"contains '<' at character {value.index('<') + 1}; this field is plain text "
            f"(write 'less than', or use a Markdown field)"
        )
    return None


def show(value, limit: int = 40) -> str:
    """repr() cut to a readable length: messages never carry a whole hostile value."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "...'"


_SAFE_KEY = re.compile(r"[A-Za-z0-9_-]{1,60}\Z")


def join(path: str, key) -> str:
    if isinstance(key, int) and not isinstance(key, bool):
        return f"{path}[{key}]"
    # A key that is not a plain word (control characters, surrogates, 10,000 characters) is
    # shown as a short repr so the message can always be printed.
    name = key if isinstance(key, str) and _SAFE_KEY.match(key) else show(key)
    return f"{path}.{name}" if path else name


class Fields:
    """Strict view of one mapping: unknown keys and missing required keys are errors."""

    def __init__(
        self, issues: Issues, value, path: str, allowed: tuple[str, ...], required: tuple[str, ...], line: int = 0
    ):
        self.issues = issues
        self.path = path
        self.ok = isinstance(value, dict)
        self.map: dict = value if self.ok else {}
        self.line = getattr(value, "line", 0) or line
        if not self.ok:
            issues.error(self.line, path or "(root)", f"expected a mapping, got {_kind(value)}")
            return
        for key in value:
            if key not in allowed:
                issues.error(
                    self.line_of(key), join(path, key), f"unknown field {show(key)} (allowed: {', '.join(allowed)})"
                )
        for key in required:
            if key not in value:
                issues.error(self.line, join(path, key), "missing required field")

    def line_of(self, key) -> int:
        return self.map.line_of(key) if isinstance(self.map, YMap) else self.line

    def has(self, key) -> bool:
        return key in self.map

    def raw(self, key):
        return self.map.get(key)

    def err(self, key, message: str) -> None:
        self.issues.error(self.line_of(key), join(self.path, key), message)

    def _string(self, key):
        """The value as the author wrote it: a plain `No` or `2024` counts as that text."""
        value = self.map[key]
        if (
            not isinstance(value, str)
            and value is not None
            and isinstance(self.map, YMap)
            and key in self.map.plain_text
        ):
            return self.map.plain_text[key]
        return value

    def text(
        self, key, *, required: bool = True, choices=None, pattern=None, default: str | None = None, kind: str = PLAIN
    ) -> str | None:
        """A non-empty string. kind PLAIN (default) or MARKDOWN sets the allowed characters;
        ids (pattern) are at most vocab.MAX_ID_CHARS long, the limit the grader uses."""
        if key not in self.map:
            return None if required else default
        value = self._string(key)
        if isinstance(value, BadValue):
            self.err(key, value.message)
            return None
        if not isinstance(value, str) or not value.strip():
            self.err(key, f"must be a non-empty string, got {_kind(value)}")
            return None
        if pattern is not None and len(value) > vocab.MAX_ID_CHARS:
            self.err(
                key, f"id is {len(value)} characters long; at most {vocab.MAX_ID_CHARS} allowed (the grader's limit)"
            )
            return None
        problem = text_problem(value, kind)
        if problem:
            self.err(key, problem)
            return None
        if choices is not None and value not in choices:
            self.err(key, f"{show(value)} is not one of: {', '.join(choices)}")
            return None
        if pattern is not None and not pattern.match(value):
            self.err(key, f"{show(value)} is not a valid id (lowercase letters, digits, hyphens)")
            return None
        return value

    def number(self, key, *, required: bool = True, default: float | None = None) -> float | None:
        if key not in self.map:
            return None if required else default
        value = self.map[key]
        if isinstance(value, BadValue):
            self.err(key, value.message)
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.err(key, f"must be a number, got {_kind(value)}")
            return None
        try:
            value = float(value)
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            self.err(key, "must be a finite number")
            return None
        return value

    def str_list(
        self,
        key,
        *,
        required: bool = True,
        choices=None,
        allow_scalar: bool = False,
        nonempty: bool = False,
        pattern=None,
    ) -> list[str] | None:
        """A list of short distinct strings (ids, keys, vocabulary words)."""
        if key not in self.map:
            return None if required else []
        value = self.map[key]
        if allow_scalar and (isinstance(value, str) or key in getattr(self.map, "plain_text", {})):
            value = YList([self._string(key)])
            value.line = self.line_of(key)
        if isinstance(value, BadValue):
            self.err(key, value.message)
            return None
        if not isinstance(value, list):
            self.err(key, f"must be a list of strings, got {_kind(value)}")
            return None
        if len(value) > vocab.MAX_LIST_ITEMS:
            self.err(key, f"lists {len(value)} items; at most {vocab.MAX_LIST_ITEMS} allowed")
            return None
        out: list[str] = []
        ok = True
        for i, item in enumerate(value):
            line = value.line_of(i) if isinstance(value, YList) else self.line_of(key)
            where = join(join(self.path, key), i)
            if isinstance(value, YList) and not isinstance(item, str) and item is not None:
                item = value.plain_text.get(i, item)
            problem = None
            if isinstance(item, BadValue):
                problem = item.message
            elif not isinstance(item, str) or not item:
                problem = f"must be a non-empty string, got {_kind(item)}"
            elif len(item) > vocab.MAX_ID_CHARS:
                problem = f"is {len(item)} characters long; at most {vocab.MAX_ID_CHARS} allowed"
            else:
                problem = text_problem(item, PLAIN)
            if problem is None and choices is not None and item not in choices:
                problem = f"{show(item)} is not one of: {', '.join(choices)}"
            if problem is None and pattern is not None and not pattern.match(item):
                problem = f"{show(item)} is not a valid id (lowercase letters, digits, hyphens)"
            if problem is None and item in out:
                problem = f"{show(item)} is listed twice"
            if problem:
                self.issues.error(line, where, problem)
                ok = False
            else:
                out.append(item)
        if nonempty and not value:
            self.err(key, "must not be empty")
            ok = False
        return out if ok else None

    def items(self, key, *, max_items: int | None = None) -> list[tuple[int, int, object]]:
        """(index, line, item) for a required non-empty list field of at most max_items."""
        value = self.map.get(key)
        if key not in self.map:
            return []
        if isinstance(value, BadValue):
            self.err(key, value.message)
            return []
        if not isinstance(value, list):
            self.err(key, f"must be a list, got {_kind(value)}")
            return []
        if not value:
            self.err(key, "must not be empty")
            return []
        if max_items is not None and len(value) > max_items:
            self.err(key, f"lists {len(value)} items; at most {max_items} allowed")
            return []
        return [
            (i, value.line_of(i) if isinstance(value, YList) else self.line_of(key), item)
            for i, item in enumerate(value)
        ]


def _kind(value) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, BadValue):
        return value.message
    if isinstance(value, bool):
        return f"boolean {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"string {value!r}" if len(value) < 40 else "a string"
    if isinstance(value, int):
        return f"int {value}" if abs(value) < 10**20 else "a very large int"
    return f"{type(value).__name__} {show(value)}"
