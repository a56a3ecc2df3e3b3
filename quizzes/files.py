"""Atomic writes for everything the engine saves: a reader sees the old file or the new one,
never half of one, and the file gets a chosen mode (mkstemp alone would leave it 0600)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path, data: bytes, mode: int, within_umask: bool = False) -> None:
    """Write data to a temporary file beside path, then rename it over path.

    The file gets `mode`, narrowed by the process umask when `within_umask` (a file the user
    saves, like a gradebook); without it exactly `mode` (a published download must be readable
    by the web server whatever the umask). On any failure nothing is left behind."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode & ~current_umask() if within_umask else mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def current_umask() -> int:
    try:  # Linux reports it without changing it
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
