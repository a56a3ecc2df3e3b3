"""`python -m quizzes grade FILE|FOLDER... [--csv gradebook.csv] [--banks DIR]`.

Every score is recomputed from the saved choices; score_shown is only compared (a difference
greater than 1e-9 after rounding both to 4 decimals is flagged as a mismatch).

Statuses: graded | duplicate (same bytes as an earlier file, or same learner + quiz + hash +
choices) | conflict (one learner, matched by quizzes.grading.learners.learner_key, has two or more
different answer sets for one quiz: none is counted until the educator decides) | refused
(`--exam`: a practice file, a file too old to say, or an exam file showing a score) |
old-version (hash differs from the current bank: reported, not graded) | unknown-quiz |
invalid (unreadable, not a regular file, malformed, tampered, or naming ids the quiz lacks).
A file whose hash is the credit-based hash of release 0.1 for the current bank answered the same
questions and is graded, with a note.

One bad file never stops the others: whatever goes wrong while reading or checking one file
becomes an `invalid` row with its reason. Only regular files are opened (a named pipe would
block the run forever, a device could do anything). A folder argument is walked for *.json, so
a class of 100,000 files needs no shell argument list. The bank folder is checked before any
file is read: a missing or empty folder is an error, not a gradebook of "unknown-quiz".
Everything written to the CSV or the terminal is neutralised first (learner names and file
names are untrusted text).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from quizzes import paths
from quizzes.catalogue import bank_files
from quizzes.files import write_atomic
from quizzes.grading import choices
from quizzes.grading.answers import MAX_BYTES, AnswerFileError, answer_problems, parse_answer_bytes
from quizzes.grading.learners import learner_key
from quizzes.parsing.bank import parse_bank
from quizzes.parsing.model import Quiz
from quizzes.rules import scoring
from quizzes.rules.hashing import legacy_content_hash

CSV_COLUMNS = ("learner", "quiz", "hash", "status", "score", "score_shown", "mismatch", "file", "mode", "note")
COUNTED = ("graded",)  # statuses whose answers enter the gradebook and the statistics
MISMATCH_TOLERANCE = 1e-9
GRADEBOOK_MODE = 0o644  # a gradebook is an ordinary file, not mkstemp's private 0600

# Characters a spreadsheet may read as the start of a formula (OWASP "CSV injection"), and their
# full-width forms as a precaution (in case a spreadsheet folds them to ASCII; not observed).
_FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Replaced by U+FFFD in every cell: C0/C1 controls (CR and LF would start a new spreadsheet row,
# tab a new column), line/paragraph separators, bidirectional embeddings/overrides/isolates (they
# make a cell display reversed) and lone surrogates (not encodable).
_CELL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


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
    mode: str = ""
    choices: tuple | None = None  # graded files: quizzes.grading.choices.encode() of the answers
    key: str = ""  # learner_key(learner)


class BanksError(Exception):
    """The bank folder cannot be used at all (missing, not a folder, no valid bank)."""


class QuizSet(dict):
    """Valid banks by quiz id, plus the banks that did not validate (by file stem: reason), so
    that an answer to a broken bank is reported with the reason instead of a bare unknown-quiz."""

    def __init__(self, source: str = ""):
        super().__init__()
        self.source = source
        self.broken: dict[str, str] = {}


def load_quizzes(banks_dir=None) -> QuizSet:
    """The valid banks of a folder (or one bank file); raises BanksError naming the path when
    there is nothing to grade against. Banks that do not validate are kept in `.broken`."""
    source = Path(banks_dir) if banks_dir else paths.BANKS_DIR
    try:
        if source.is_dir():
            files = bank_files(source)
        elif source.is_file():
            files = [source]
        elif source.exists():
            raise BanksError(f"bank folder {source} is not a folder or a bank file")
        else:
            raise BanksError(f"bank folder {source} does not exist")
    except OSError as exc:
        raise BanksError(f"bank folder {source} cannot be read: {exc.strerror or exc}") from None
    if not files:
        raise BanksError(f"bank folder {source} holds no bank files (*.yaml, *.yml)")
    quizzes = QuizSet(str(source))
    for path in files:
        try:
            quiz, issues = parse_bank(path, registry=None)
            why = str(issues.errors[0]) if issues.errors else ""
        except Exception as exc:  # a crashing validator must not hide the other banks
            quiz, why = None, f"{path}: {type(exc).__name__}: {str(exc)[:200]}"
        if quiz is None:
            quizzes.broken[path.stem] = f"bank {path} does not validate (run `python -m quizzes check`): {why}"
        else:
            quizzes[quiz.id] = quiz
    if not quizzes:
        first = "; ".join(list(quizzes.broken.values())[:3])
        raise BanksError(f"bank folder {source} holds no valid bank: {first}")
    return quizzes


def _answer_paths(arguments):
    """(path, problem) for each file to grade, in order: an argument that is a folder is walked
    (sorted, depth first) for *.json; anything else is passed on as given, to be read or reported.

    Like the shell's `*.json`, names starting with "." are skipped (editor backups, macOS "._"
    files from unzipped archives). Symbolic links to folders are not followed (no loops); one
    named *.json is passed on and reported as a folder. A folder that cannot be listed gives a
    row with the reason rather than being skipped silently."""
    for argument in arguments:
        argument = os.fsdecode(argument)
        if not os.path.isdir(argument):
            yield argument, None
            continue
        stack = [argument]
        while stack:
            folder = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                yield folder, f"cannot list folder: {exc.strerror or exc}"
                continue
            subfolders = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry.path)
                elif entry.name.lower().endswith(".json"):
                    yield entry.path, None
            stack.extend(reversed(subfolders))


def grade_files(files, quizzes: dict[str, Quiz], exam: bool = False) -> list[GradeRow]:
    """One row per answer file; folders among `files` are walked for *.json. With exam=True
    only exam files are graded (others are `refused`). Conflicts are marked last."""
    rows: list[GradeRow] = []
    seen_bytes: dict[str, str] = {}
    seen_keys: dict[tuple, str] = {}
    for name, problem in _answer_paths(files):
        if problem:
            rows.append(GradeRow(name, "invalid", reason=problem))
            continue
        try:
            row = _grade_one(name, quizzes, seen_bytes, seen_keys)
        except Exception as exc:  # the last guard: one file never stops the batch
            row = GradeRow(name, "invalid", reason=f"could not be graded: {type(exc).__name__}: {str(exc)[:200]}")
        if exam and row.status == "graded":
            refusal = _exam_refusal(row)
            if refusal:
                row.status, row.reason = "refused", refusal
        rows.append(row)
    mark_conflicts(rows)
    return rows


def _exam_refusal(row: GradeRow) -> str:
    if row.mode == "practice":
        return (
            'a practice file (mode "practice"): for the exam the learner must answer on '
            "the exam site and download the file there"
        )
    if row.mode != "exam":
        return "saved by an earlier release that did not mark exam files: cannot tell it from a practice file"
    if row.score_shown is not None:
        return "marked as an exam file but carries the score a practice page shows"
    return ""


def mark_conflicts(rows: list[GradeRow]) -> None:
    """One learner (same non-empty learner_key) with different answers to one quiz: every such
    file becomes `conflict`, naming the others, so that no answer set is silently chosen."""
    groups: dict[tuple, list[GradeRow]] = {}
    for row in rows:
        if row.status in COUNTED and row.key:
            groups.setdefault((row.key, row.quiz), []).append(row)
    for group in groups.values():
        if len({r.choices for r in group}) < 2:
            continue
        names = [os.path.basename(path_text(r.file)) for r in group]
        for row in group:
            others = [n for n, r in zip(names, group, strict=True) if r is not row]
            row.status = "conflict"
            row.reason = (
                f"learner {row.key!r} has {len(group)} different answer sets for "
                f"{row.quiz}; also in {', '.join(others[:3])}"
                + (f" and {len(others) - 3} more" if len(others) > 3 else "")
            )


class _Unreadable(Exception):
    pass


def read_regular_file(name: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file (at most limit + 1, so that "too large" can be told).

    stat() first, so a named pipe, device or folder is never opened; then open without blocking
    and fstat() the open file, in case the name was swapped for a pipe in between."""
    try:
        info = os.stat(name)
    except (OSError, ValueError) as exc:
        raise _Unreadable(f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    _require_regular(info)
    if info.st_size > limit:
        raise _Unreadable(f"file larger than {limit} bytes")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(name, flags)
    except OSError as exc:
        raise _Unreadable(f"cannot read: {exc.strerror or exc}") from None
    try:
        _require_regular(os.fstat(fd))
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _Unreadable(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def _require_regular(info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = next((k for test, k in _FILE_KINDS if test(info.st_mode)), "a special file")
        raise _Unreadable(f"not a regular file: {kind}")


def _grade_one(name, quizzes, seen_bytes, seen_keys) -> GradeRow:
    try:
        raw = read_regular_file(name)
    except _Unreadable as exc:
        return GradeRow(name, "invalid", reason=str(exc))
    digest = hashlib.sha256(raw).hexdigest()
    try:
        answer = parse_answer_bytes(raw)
    except AnswerFileError as exc:
        p = exc.partial
        row = GradeRow(name, "invalid", p.get("learner", ""), p.get("quiz", ""), p.get("hash", ""), reason=exc.reason)
        if digest in seen_bytes:
            row.status, row.reason = "duplicate", f"same content as {seen_bytes[digest]}"
        seen_bytes.setdefault(digest, name)
        return row
    row = GradeRow(
        name,
        "graded",
        answer.learner,
        answer.quiz,
        answer.hash,
        score_shown=answer.score_shown,
        mode=answer.mode,
        key=learner_key(answer.learner),
    )
    quiz = quizzes.get(answer.quiz)
    broken = getattr(quizzes, "broken", {})
    legacy = quiz is not None and answer.hash != quiz.hash and answer.hash == legacy_content_hash(quiz)
    if quiz is None:
        row.status = "unknown-quiz"
        row.reason = broken.get(answer.quiz) or f"no bank named {answer.quiz!r}"
    elif answer.hash != quiz.hash and not legacy:
        row.status = "old-version"
        row.reason = f"answers quiz version {answer.hash}; current version is {quiz.hash}"
    else:
        problems = answer_problems(answer, quiz)
        if problems:
            row.status, row.reason = "invalid", "; ".join(problems[:3])
        else:
            row.score = scoring.score_quiz(quiz, answer.answers)["score"]
            row.choices = choices.encode(quiz, answer.answers)
            if legacy:
                row.reason = (
                    "saved by release 0.1 (hash with credits) for this same version; "
                    f"graded; current version id is {quiz.hash}"
                )
            if row.score_shown is not None:
                row.mismatch = abs(scoring.display(row.score) - scoring.display(row.score_shown)) > MISMATCH_TOLERANCE
                if row.mismatch:
                    row.reason = f"score_shown {row.score_shown} differs from recomputed {scoring.display(row.score)}"
    # Same learner (normalised), quiz version and choices: a second download of the same work.
    dedup = (row.key,) + answer.dedup_key()[1:]
    if digest in seen_bytes:
        row.status, row.reason = "duplicate", f"same content as {seen_bytes[digest]}"
    elif row.status in ("graded", "old-version") and dedup in seen_keys:
        row.status = "duplicate"
        row.reason = f"same learner, quiz version and answers as {seen_keys[dedup]}"
    seen_bytes.setdefault(digest, name)
    seen_keys.setdefault(dedup, name)
    return row


def _is_blank(ch: str) -> bool:
    """Whitespace or an invisible character (control, format, surrogate, unassigned)."""
    return ch.isspace() or unicodedata.category(ch).startswith("C")


def safe_cell(value) -> str:
    """A spreadsheet cell that is text and stays on its row.

    Control characters (CR and LF included) and the other unsafe characters become U+FFFD, so a
    cell can never break into a new row; then a cell whose first visible character starts a
    formula, or that starts with a control character or whitespace other than a plain space
    (OWASP: tab, CR), gets a leading quote. The check skips whitespace and invisible characters
    because spreadsheets may trim them before deciding that a cell is a formula."""
    text = "" if value is None else str(value)
    start = 0
    while start < len(text) and _is_blank(text[start]):
        start += 1
    odd_start = start > 0 and text[0] != " "
    formula = text[start:].startswith(_FORMULA_START)
    text = _CELL_UNSAFE.sub("\ufffd", text)
    return "'" + text if odd_start or formula else text


def path_text(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as surrogates) are shown
    as \\xNN rather than failing the write."""
    try:
        raw = os.fsencode(name)
    except (UnicodeError, TypeError):
        raw = str(name).encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


def _fmt(number: float | None) -> str:
    return "" if number is None else f"{scoring.display(number):.4f}"


def csv_text(rows: list[GradeRow]) -> str:
    """The gradebook: every cell quoted and neutralised (safe_cell), one line per row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        mismatch = "" if r.mismatch is None else ("yes" if r.mismatch else "no")
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    r.learner,
                    r.quiz,
                    r.hash,
                    r.status,
                    _fmt(r.score),
                    _fmt(r.score_shown),
                    mismatch,
                    path_text(r.file),
                    r.mode,
                    r.reason,
                )
            ]
        )
    return out.getvalue()


def write_csv_atomic(rows: list[GradeRow], target) -> None:
    write_text_atomic(csv_text(rows), target)


def write_text_atomic(text: str, target) -> None:
    """A gradebook or CSV written all or nothing, mode 0644 or less if the umask asks for less,
    like a file the educator saved themselves."""
    data = text.encode("utf-8", "backslashreplace")  # built before anything is created
    write_atomic(target, data, GRADEBOOK_MODE, within_umask=True)


def _printable(text: str, width: int) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= width else text[: width - 1] + "…"


def summary_table(rows: list[GradeRow]) -> str:
    """The terminal table; non-printable characters (controls, lone surrogates, bidi
    overrides) are shown as "?", so the table prints on any terminal and cannot move its cursor."""
    header = f"{'file':<28} {'learner':<16} {'quiz':<16} {'status':<12} {'score':>6} {'shown':>6}  note"
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{_printable(os.path.basename(r.file), 28):<28} {_printable(r.learner, 16):<16} "
            f"{_printable(r.quiz, 16):<16} {r.status:<12} {_fmt(r.score):>6} "
            f"{_fmt(r.score_shown):>6}  {_printable(r.reason, 100)}"
        )
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    mismatches = sum(1 for r in rows if r.mismatch)
    lines.append(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + f"; {mismatches} score mismatch(es)")
    return "\n".join(lines)


def exit_status(rows: list[GradeRow]) -> int:
    """0 when every file was graded (or is a harmless duplicate) without a mismatch, else 1."""
    bad = any(r.status not in ("graded", "duplicate") or r.mismatch for r in rows)
    return 1 if bad else 0


def _say(stream, text: str) -> None:
    """Print text on a stream whatever its encoding (an ASCII terminal, a pipe)."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    stream.write(text.encode(encoding, "backslashreplace").decode(encoding) + "\n")
    stream.flush()


def _csv_target_problem(target) -> str | None:
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        return f"cannot write {path_text(str(target))}: it is a folder"
    if not folder.is_dir():
        return f"cannot write {path_text(str(target))}: folder {path_text(str(folder))} does not exist"
    return None


def _write_outputs(rows, quizzes, targets, out) -> str | None:
    """Write each requested file (atomically); the first failure's message, or None."""
    from quizzes.grading.gradebook import gradebook_text

    stats = None
    for kind, target in targets:
        if kind == "csv":
            text = csv_text(rows)
        elif kind == "gradebook":
            text = gradebook_text(rows, quizzes)
        else:
            from quizzes.grading import report  # numpy and matplotlib only when a report is asked for

            if stats is None:
                stats = report.analyse_rows(rows, quizzes, _registry_or_none())
            text = report.items_csv_text(stats) if kind == "items" else report.report_html(stats, quizzes, rows)
        try:
            write_text_atomic(text, target)
        except OSError as exc:
            return f"cannot write {path_text(str(target))}: {exc.strerror or exc}"
        size = (
            f"{len(text.encode('utf-8', 'replace')) // 1024 + 1} kB"
            if kind == "report"
            else f"{text.count(chr(10)) - 1} rows"
        )
        _say(out, f"wrote {path_text(str(target))} ({size})")
    return None


def _registry_or_none():
    from quizzes.parsing.registry import load_registry

    try:
        return load_registry()
    except Exception:  # labels are a convenience: the report shows ids without them
        return None


def command(
    files, csv_path=None, banks=None, out=None, err=None, *, gradebook=None, report=None, items=None, exam=False
) -> int:
    """The `grade` command. Exit 2 before grading anything when the banks or an output target
    cannot be used; otherwise exit_status() of the rows."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        quizzes = load_quizzes(banks)
    except BanksError as exc:
        _say(err, f"error: {path_text(str(exc))}")
        return 2
    for reason in quizzes.broken.values():
        _say(err, f"warning: {path_text(reason)}")
    targets = [
        (kind, target)
        for kind, target in (("csv", csv_path), ("gradebook", gradebook), ("items", items), ("report", report))
        if target
    ]
    for _, target in targets:
        problem = _csv_target_problem(target)
        if problem:
            _say(err, f"error: {problem}")
            return 2
    rows = grade_files(files, quizzes, exam=exam)
    if not rows:  # e.g. the wrong folder: say so rather than write an empty gradebook
        _say(err, "error: no answer files found (a folder is searched for *.json)")
        return 1
    _say(out, summary_table(rows))
    problem = _write_outputs(rows, quizzes, targets, out)
    if problem:
        _say(err, f"error: {problem}")
        return 2
    return exit_status(rows)
