"""Line-aware, type-safe YAML loading.

PyYAML's SafeLoader drops source positions once objects are built. Error messages must name the
line of the offending field, so mappings and sequences are built as dict/list subclasses that
remember where each key and item started. Duplicate keys (silently accepted by PyYAML) are
rejected because the second value would hide the first.

SafeLoader also turns some scalars into Python objects that can fail or surprise: `2024-02-30`
is a timestamp that raises ValueError, `!!int abc` and `!!float abc` raise, an integer of
thousands of digits raises (or overflows float() later), `!!binary`/`!!set` build bytes and sets.
Here:
- dates, timestamps and `=` are never resolved implicitly: they stay strings;
- only the tags a bank needs (str, int, float, bool, null, seq, map) are constructed; any other
  tag, and any scalar whose construction fails, becomes a BadValue kept in place, so the field's
  own validator reports it as `file:line: error: field: message` instead of a traceback;
- a plain (unquoted, untagged) scalar that resolved to a bool or number keeps its source text
  (YMap.plain_text / YList.plain_text), so a field that wants a string can use `No` or `2024`
  as written instead of rejecting False or 2024.
"""

from __future__ import annotations

import os
import re
import stat

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

# Files larger than this are refused before parsing (a real bank is under 100 kB).
DEFAULT_MAX_BYTES = 2_000_000
# A bank holds small numbers (credits, weights, a version): 20 digits is already absurd, and
# int() refuses more than 4300 digits with a ValueError.
MAX_INT_DIGITS = 20

_TAG = "tag:yaml.org,2002:"


class YMap(dict):
    """dict that remembers its own start line and the line of each key (1-based)."""

    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines: dict = {}
        self.plain_text: dict = {}  # key -> source text of a plain scalar that is not a str

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class YList(list):
    """list that remembers its start line and the start line of each item (1-based)."""

    line: int = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.item_lines: list[int] = []
        self.plain_text: dict = {}  # index -> source text of a plain scalar that is not a str

    def line_of(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


class BadValue:
    """A value PyYAML could not (or must not) build, left where it stood for the validator."""

    __slots__ = ("message", "line")

    def __init__(self, message: str, line: int):
        self.message = message
        self.line = line

    def __repr__(self) -> str:
        return f"BadValue({self.message!r}, line {self.line})"


class YamlLoadError(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


class _LineLoader(yaml.SafeLoader):
    def compose_scalar_node(self, anchor):
        # Remember whether the scalar was written plain (no quotes, no tag): only then is its
        # source text the author's intended string when the schema wants one.
        event = self.peek_event()
        node = super().compose_scalar_node(anchor)
        node.plain = event.tag in (None, "!") and event.style is None
        return node


# No implicit dates/timestamps (2024-02-30 would raise), no `=` value tag, no `!`/`&`/`*`
# "yaml" tag: those plain scalars resolve to strings.
_DROPPED = {_TAG + "timestamp", _TAG + "value", _TAG + "yaml"}
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _line(node) -> int:
    return node.start_mark.line + 1


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def _scalar_constructor(base, kind: str):
    def construct(loader, node):
        if not isinstance(node, ScalarNode):
            return BadValue(f"YAML tag {_short_tag(node.tag)} needs a single value", _line(node))
        if kind == "int" and sum(c.isdigit() for c in node.value) > MAX_INT_DIGITS:
            return BadValue(
                f"integer with {sum(c.isdigit() for c in node.value)} digits is too long (at most {MAX_INT_DIGITS})",
                _line(node),
            )
        try:
            return base(loader, node)
        except (ValueError, OverflowError, TypeError, yaml.YAMLError):
            return BadValue(f"{_show(node.value)} is not a valid {kind}", _line(node))

    return construct


def _refuse_tag(loader, node):
    return BadValue(
        f"YAML tag {_short_tag(node.tag)} is not allowed in course data (write the value as plain text or a number)",
        _line(node),
    )


def _construct_mapping(loader: _LineLoader, node) -> YMap | BadValue:
    if not isinstance(node, MappingNode):
        return BadValue("YAML tag !!map needs a mapping", _line(node))
    loader.flatten_mapping(node)
    result = YMap()
    result.line = _line(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key_line = _line(key_node)
        if getattr(key_node, "plain", False) and not isinstance(key, (str, BadValue)):
            key = key_node.value  # field names and ids are text: `yes:` is the key "yes"
        if isinstance(key, BadValue):
            raise YamlLoadError(f"mapping key: {key.message}", key_line)
        try:
            hash(key)
        except TypeError:
            raise YamlLoadError("mapping key is not a plain scalar", key_line) from None
        if key in result:
            raise YamlLoadError(f"duplicate key {_show(key)} (first at line {result.key_lines[key]})", key_line)
        value = loader.construct_object(value_node, deep=True)
        result[key] = value
        result.key_lines[key] = key_line
        if getattr(value_node, "plain", False) and not isinstance(value, str):
            result.plain_text[key] = value_node.value
    return result


def _construct_sequence(loader: _LineLoader, node) -> YList | BadValue:
    if not isinstance(node, SequenceNode):
        return BadValue("YAML tag !!seq needs a list", _line(node))
    result = YList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = _line(node)
    result.item_lines = [_line(child) for child in node.value]
    pairs = enumerate(zip(node.value, result, strict=True))
    result.plain_text = {
        i: child.value for i, (child, value) in pairs if getattr(child, "plain", False) and not isinstance(value, str)
    }
    return result


# Start from nothing: only the constructors below exist, everything else is refused.
_LineLoader.yaml_constructors = {}
_LineLoader.yaml_multi_constructors = {}
for _name, _base in (
    ("str", yaml.SafeLoader.construct_yaml_str),
    ("int", yaml.SafeLoader.construct_yaml_int),
    ("float", yaml.SafeLoader.construct_yaml_float),
    ("bool", yaml.SafeLoader.construct_yaml_bool),
    ("null", yaml.SafeLoader.construct_yaml_null),
):
    _LineLoader.add_constructor(_TAG + _name, _scalar_constructor(_base, _name))
# `<<` as a value (not a merge key, which flatten_mapping has already handled) is just text.
_LineLoader.add_constructor(_TAG + "merge", _scalar_constructor(yaml.SafeLoader.construct_yaml_str, "str"))
_LineLoader.add_constructor(_TAG + "map", _construct_mapping)
_LineLoader.add_constructor(_TAG + "seq", _construct_sequence)
_LineLoader.add_constructor(None, _refuse_tag)


def _show(value, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "...'"


def load_yaml_text(text: str):
    """Parse one YAML document; raise YamlLoadError with a 1-based line on any problem."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except YamlLoadError:
        raise
    except yaml.reader.ReaderError as exc:
        # A character YAML refuses outright in the file itself (e.g. a raw U+0001).
        line = text.count("\n", 0, exc.position) + 1
        if not isinstance(exc.character, int):
            raise YamlLoadError(f"YAML error: {exc.reason}", line) from None
        # The parser never got to the field, so name the key written on that line, if any.
        source_line = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
        key = re.match(r"\s*(?:-\s+)?([A-Za-z_][\w-]*):", source_line)
        where = f" (in the value of {key.group(1)!r})" if key else ""
        raise YamlLoadError(f"character U+{exc.character:04X} is not allowed in YAML text{where}", line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlLoadError(f"YAML syntax: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise YamlLoadError(f"YAML error: {exc}", 0) from None
    except RecursionError:
        raise YamlLoadError("YAML nesting too deep", 0) from None
    if isinstance(data, BadValue):
        raise YamlLoadError(data.message, data.line)
    return data


def load_yaml_file(path, max_bytes: int = DEFAULT_MAX_BYTES) -> object:
    try:
        # A FIFO or device would block or never end: only regular files are read.
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise YamlLoadError("not a regular file", 0)
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
        if len(raw) > max_bytes:
            raise YamlLoadError(f"file is larger than {max_bytes} bytes", 0)
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlLoadError(f"file is not UTF-8 ({exc.reason})", 0) from None
    except OSError as exc:
        raise YamlLoadError(f"cannot read file: {exc.strerror}", 0) from None
    return load_yaml_text(text)


def load_or_report(path, issues) -> tuple[bool, object]:
    """(True, the parsed file), or (False, None) with the load error recorded in issues.

    The flag is separate because an empty file parses to None, which the field checks report."""
    try:
        return True, load_yaml_file(path)
    except YamlLoadError as exc:
        issues.error(exc.line, "", exc.message)
        return False, None
