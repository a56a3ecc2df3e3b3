"""The source texts the wording tests compare against, kept beside the repository.

They sit in ../shared/source/ relative to the repository root (present in CI and in every
development checkout), never inside it. A missing copy skips the calling test on a laptop, but in
CI (CI=true) it is an error: the verbatim-quote and copied-wording checks must not silently stop.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SOURCE_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "source"
REVIEW_ABSTRACT = SOURCE_DIR / "raphael-2022-jco-abstract.txt"


def require(path: Path, what: str) -> Path:
    """path itself when it exists; otherwise skip (fail in CI) with a message naming `what`."""
    if not path.is_file():
        message = f"{what} not found: {path} is missing"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message)
    return path
