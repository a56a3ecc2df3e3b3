"""`python -m quizzes grade FILE... [--csv gradebook.csv] [--banks DIR]`.

Every score is recomputed from the saved choices; score_shown is only compared (a difference
greater than 1e-9 after rounding both to 4 decimals is flagged as a mismatch). One bad file never
stops the others.

Statuses: graded | duplicate (same bytes as an earlier file, or same learner + quiz + hash +
choices) | old-version (hash differs from the current bank: reported, not graded) |
unknown-quiz | invalid (unreadable, malformed, tampered, or naming ids the quiz lacks).
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import paths, scoring
from .answers import AnswerFileError, answer_problems, parse_answer_bytes
from .bank import parse_bank
from .check import bank_files
from .model import Quiz

CSV_COLUMNS = ("learner", "quiz", "hash", "status", "score", "score_shown", "mismatch", "file")
MISMATCH_TOLERANCE = 1e-9
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class GradeRow:
    file: str
    status: str
    learner: str = ""
    quiz: str = ""
    hash: str = ""
    score: float | None = None
    score_shown: float | None = None
    mismatch: bool | None = None
    reason: str = ""


def load_quizzes(banks_dir=None) -> dict[str, Quiz]:
    """Valid banks by quiz id; invalid banks are skipped (run `check` to see why)."""
    quizzes = {}
    directory = Path(banks_dir) if banks_dir else paths.BANKS_DIR
    for path in bank_files(directory) if directory.is_dir() else []:
        quiz, _ = parse_bank(path, registry=None)
        if quiz is not None:
            quizzes[quiz.id] = quiz
    return quizzes


def grade_files(files, quizzes: dict[str, Quiz]) -> list[GradeRow]:
    rows: list[GradeRow] = []
    seen_bytes: dict[str, str] = {}
    seen_keys: dict[tuple, str] = {}
    for name in files:
        rows.append(_grade_one(str(name), quizzes, seen_bytes, seen_keys))
    return rows


def _grade_one(name, quizzes, seen_bytes, seen_keys) -> GradeRow:
    try:
        with open(name, "rb") as handle:
            raw = handle.read(2_000_001)
    except OSError as exc:
        return GradeRow(name, "invalid", reason=f"cannot read: {exc.strerror or exc}")
    digest = hashlib.sha256(raw).hexdigest()
    try:
        answer = parse_answer_bytes(raw)
    except AnswerFileError as exc:
        p = exc.partial
        row = GradeRow(name, "invalid", p.get("learner", ""), p.get("quiz", ""),
                       p.get("hash", ""), reason=exc.reason)
        if digest in seen_bytes:
            row.status, row.reason = "duplicate", f"same content as {seen_bytes[digest]}"
        seen_bytes.setdefault(digest, name)
        return row
    row = GradeRow(name, "graded", answer.learner, answer.quiz, answer.hash,
                   score_shown=answer.score_shown)
    quiz = quizzes.get(answer.quiz)
    if quiz is None:
        row.status, row.reason = "unknown-quiz", f"no bank named {answer.quiz!r}"
    elif answer.hash != quiz.hash:
        row.status = "old-version"
        row.reason = f"answers quiz version {answer.hash}; current version is {quiz.hash}"
    else:
        problems = answer_problems(answer, quiz)
        if problems:
            row.status, row.reason = "invalid", "; ".join(problems[:3])
        else:
            row.score = scoring.score_quiz(quiz, answer.answers)["score"]
            if row.score_shown is not None:
                row.mismatch = abs(scoring.display(row.score) - scoring.display(row.score_shown)) \
                    > MISMATCH_TOLERANCE
                if row.mismatch:
                    row.reason = (f"score_shown {row.score_shown} differs from recomputed "
                                  f"{scoring.display(row.score)}")
    if digest in seen_bytes:
        row.status, row.reason = "duplicate", f"same content as {seen_bytes[digest]}"
    elif row.status in ("graded", "old-version") and answer.dedup_key() in seen_keys:
        row.status = "duplicate"
        row.reason = f"same learner, quiz version and answers as {seen_keys[answer.dedup_key()]}"
    seen_bytes.setdefault(digest, name)
    seen_keys.setdefault(answer.dedup_key(), name)
    return row


def safe_cell(value) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ (or tab/CR) gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _fmt(number: float | None) -> str:
    return "" if number is None else f"{scoring.display(number):.4f}"


def csv_text(rows: list[GradeRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        mismatch = "" if r.mismatch is None else ("yes" if r.mismatch else "no")
        writer.writerow([safe_cell(v) for v in (r.learner, r.quiz, r.hash, r.status,
                                                 _fmt(r.score), _fmt(r.score_shown), mismatch,
                                                 r.file)])
    return out.getvalue()


def write_csv_atomic(rows: list[GradeRow], target) -> None:
    """Write to a temporary file beside the target, then rename: readers never see half a file."""
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                               dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(csv_text(rows))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _printable(text: str, width: int) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= width else text[: width - 1] + "…"


def summary_table(rows: list[GradeRow]) -> str:
    header = f"{'file':<28} {'learner':<16} {'quiz':<16} {'status':<12} {'score':>6} {'shown':>6}  note"
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(f"{_printable(os.path.basename(r.file), 28):<28} {_printable(r.learner, 16):<16} "
                     f"{_printable(r.quiz, 16):<16} {r.status:<12} {_fmt(r.score):>6} "
                     f"{_fmt(r.score_shown):>6}  {_printable(r.reason, 100)}")
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    mismatches = sum(1 for r in rows if r.mismatch)
    lines.append(", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
                 + f"; {mismatches} score mismatch(es)")
    return "\n".join(lines)


def exit_status(rows: list[GradeRow]) -> int:
    """0 when every file was graded (or is a harmless duplicate) without a mismatch, else 1."""
    bad = any(r.status not in ("graded", "duplicate") or r.mismatch for r in rows)
    return 1 if bad else 0
