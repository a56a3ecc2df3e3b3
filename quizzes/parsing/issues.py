"""Problems found while checking data files: file, line, field path, message."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    file: str
    line: int
    path: str
    message: str
    level: str = "error"  # error | warning

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.path}:" if self.path else ""
        return f"{where}: {self.level}:{field} {self.message}"


class Issues(list):
    """Collects Issue objects for one file."""

    def __init__(self, file: str):
        super().__init__()
        self.file = os.path.relpath(file) if os.path.isabs(file) else file

    def error(self, line: int, path: str, message: str) -> None:
        self.append(Issue(self.file, line, path, message, "error"))

    def warning(self, line: int, path: str, message: str) -> None:
        self.append(Issue(self.file, line, path, message, "warning"))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self if i.level == "error"]


class DataError(Exception):
    """Raised by loaders used from the book when a data file does not pass its checks."""

    def __init__(self, issues: list[Issue]):
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues) or "invalid data")
