"""The browser storage keys, read from widgets/storage.js, where they are defined once.

The Python reference models (progress.py) must look up the same keys as the browser; reading
them from the JavaScript, rather than copying them, means they cannot drift apart. Each key is a
line `export const NAME = "value";` of storage.js; tests/test_js_modules.py checks that this
reading equals what the module exports when Node runs it.
"""

from __future__ import annotations

import re
from pathlib import Path

STORAGE_JS = Path(__file__).with_name("storage.js")
KEY_LINE = re.compile(r'^export const (?P<name>[A-Z][A-Z_]*) = "(?P<value>[^"\\]+)";', re.MULTILINE)


def read_keys(source: str) -> dict[str, str]:
    """{NAME: value} of every `export const NAME = "value";` line of storage.js."""
    return {m["name"]: m["value"] for m in KEY_LINE.finditer(source)}


KEYS = read_keys(STORAGE_JS.read_text(encoding="utf-8"))

PREFIX = KEYS["PREFIX"]  # + "<quiz id>:<content hash>": practice answers
EXAM_PREFIX = KEYS["EXAM_PREFIX"]  # + "<quiz id>:<content hash>": exam answers
INDEX_KEY = KEYS["INDEX_KEY"]  # the index of the two above, which the progress page reads
