"""Small typed accessors used by registry.py and bank.py to read a YAML mapping strictly.

Each accessor reports problems to an Issues list with the line of the offending key and the
dotted field path, and returns None when the value cannot be used, so a single pass over a file
reports every problem instead of stopping at the first.
"""
from __future__ import annotations

import math
import re

from .issues import Issues
from .loader import YList, YMap

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def join(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


class Fields:
    """Strict view of one mapping: unknown keys and missing required keys are errors."""

    def __init__(self, issues: Issues, value, path: str, allowed: tuple[str, ...],
                 required: tuple[str, ...], line: int = 0):
        self.issues = issues
        self.path = path
        self.ok = isinstance(value, dict)
        self.map: dict = value if self.ok else {}
        self.line = getattr(value, "line", 0) or line
        if not self.ok:
            issues.error(self.line, path or "(root)",
                         f"expected a mapping, got {_kind(value)}")
            return
        for key in value:
            if key not in allowed:
                issues.error(self.line_of(key), join(path, key),
                             f"unknown field {key!r} (allowed: {', '.join(allowed)})")
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

    def text(self, key, *, required: bool = True, choices=None, pattern=None,
             default: str | None = None) -> str | None:
        if key not in self.map:
            return None if required else default
        value = self.map[key]
        if not isinstance(value, str) or not value.strip():
            self.err(key, f"must be a non-empty string, got {_kind(value)}")
            return None
        if choices is not None and value not in choices:
            self.err(key, f"{value!r} is not one of: {', '.join(choices)}")
            return None
        if pattern is not None and not pattern.match(value):
            self.err(key, f"{value!r} is not a valid id (lowercase letters, digits, hyphens)")
            return None
        return value

    def number(self, key, *, required: bool = True, default: float | None = None
               ) -> float | None:
        if key not in self.map:
            return None if required else default
        value = self.map[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.err(key, f"must be a number, got {_kind(value)}")
            return None
        value = float(value)
        if not math.isfinite(value):
            self.err(key, "must be a finite number")
            return None
        return value

    def str_list(self, key, *, required: bool = True, choices=None, allow_scalar: bool = False,
                 nonempty: bool = False) -> list[str] | None:
        if key not in self.map:
            return None if required else []
        value = self.map[key]
        if allow_scalar and isinstance(value, str):
            value = YList([value])
            value.line = self.line_of(key)
        if not isinstance(value, list):
            self.err(key, f"must be a list of strings, got {_kind(value)}")
            return None
        out: list[str] = []
        ok = True
        for i, item in enumerate(value):
            line = value.line_of(i) if isinstance(value, YList) else self.line_of(key)
            where = join(join(self.path, key), i)
            if not isinstance(item, str) or not item:
                self.issues.error(line, where, f"must be a non-empty string, got {_kind(item)}")
                ok = False
            elif choices is not None and item not in choices:
                self.issues.error(line, where, f"{item!r} is not one of: {', '.join(choices)}")
                ok = False
            elif item in out:
                self.issues.error(line, where, f"{item!r} is listed twice")
                ok = False
            else:
                out.append(item)
        if nonempty and not value:
            self.err(key, "must not be empty")
            ok = False
        return out if ok else None

    def items(self, key) -> list[tuple[int, int, object]]:
        """(index, line, item) for a required non-empty list field."""
        value = self.map.get(key)
        if key not in self.map:
            return []
        if not isinstance(value, list):
            self.err(key, f"must be a list, got {_kind(value)}")
            return []
        if not value:
            self.err(key, "must not be empty")
            return []
        return [(i, value.line_of(i) if isinstance(value, YList) else self.line_of(key), item)
                for i, item in enumerate(value)]


def _kind(value) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"boolean {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"string {value!r}" if len(value) < 40 else "a string"
    return f"{type(value).__name__} {value!r}"
