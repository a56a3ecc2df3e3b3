"""npm packages some tests need (ESLint, a SCORM run-time), pinned and installed once into a
cache folder outside the repository; the site build never needs Node.

Without Node and npm the calling test skips on a laptop and fails in CI (CI=true), so a check
that needs them never silently stops running.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

CACHE_ROOT = Path(
    os.environ.get("COURSE_NPM_CACHE", Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "crlm-course")
)


def need_node(why: str, npm: bool = True) -> None:
    """Skip the calling test without Node.js (and npm) on a laptop; fail it in CI."""
    if not (shutil.which("node") and (shutil.which("npm") or not npm)):
        message = f"Node.js{' and npm are' if npm else ' is'} not installed: {why}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message)


def npm_packages(folder: str, packages: list[str], why: str) -> Path:
    """CACHE_ROOT/folder with exactly `packages` ("name@version") in its node_modules."""
    need_node(why)
    cache = CACHE_ROOT / folder
    stamp = cache / "installed.json"
    if not (stamp.exists() and json.loads(stamp.read_text()) == packages):
        cache.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(cache),
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--no-save",
                *packages,
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"npm install of {packages} failed:\n{done.stderr[-2000:]}"
        stamp.write_text(json.dumps(packages))
    return cache
