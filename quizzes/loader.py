"""Line-aware YAML loading.

PyYAML's SafeLoader drops source positions once objects are built. Error messages must name the
line of the offending field, so mappings and sequences are built as dict/list subclasses that
remember where each key and item started. Duplicate keys (silently accepted by PyYAML) are
rejected because the second value would hide the first.
"""
from __future__ import annotations

import yaml


class YMap(dict):
    """dict that remembers its own start line and the line of each key (1-based)."""
    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines: dict = {}

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class YList(list):
    """list that remembers its start line and the start line of each item (1-based)."""
    line: int = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


class YamlLoadError(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> YMap:
    loader.flatten_mapping(node)
    result = YMap()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key_line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            raise YamlLoadError("mapping key is not a plain scalar", key_line) from None
        if key in result:
            raise YamlLoadError(f"duplicate key {key!r} (first at line {result.key_lines[key]})",
                                key_line)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_line
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> YList:
    result = YList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml_text(text: str):
    """Parse one YAML document; raise YamlLoadError with a 1-based line on any problem."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except YamlLoadError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlLoadError(f"YAML syntax: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise YamlLoadError(f"YAML error: {exc}", 0) from None
    except RecursionError:
        raise YamlLoadError("YAML nesting too deep", 0) from None


def load_yaml_file(path) -> object:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlLoadError(f"file is not UTF-8 ({exc.reason})", 0) from None
    except OSError as exc:
        raise YamlLoadError(f"cannot read file: {exc.strerror}", 0) from None
    return load_yaml_text(text)
