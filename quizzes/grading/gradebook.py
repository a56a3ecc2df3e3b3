"""The per-question gradebook: one row per learner and quiz, one column per question.

Built from the per-file rows of grade.grade_files(). Learners are matched by
quizzes.grading.learners.learner_key; a file without a learner name is its own row (two anonymous files
are never assumed to be the same person). Row status:
  graded    one answer set counted (further files with the same answers are duplicates)
  conflict  the learner handed in different answer sets: no score until the educator decides
  otherwise the status of the learner's files (refused, old-version, invalid, unknown-quiz), none
  of which is counted.
Number cells are written as plain decimals (sortable; a number cannot be a formula); every text
cell goes through grade.safe_cell.
"""

from __future__ import annotations

import csv
import io
import os

from quizzes.grading import choices
from quizzes.grading.grade import COUNTED, GradeRow, path_text, safe_cell, write_text_atomic
from quizzes.parsing.model import Quiz
from quizzes.rules import scoring

FIXED_COLUMNS = ("learner", "learner_key", "quiz", "status", "score", "answered", "files", "note")
# When a learner's files disagree on status, the row shows the first of these that occurs.
_STATUS_ORDER = ("conflict", "graded", "refused", "old-version", "invalid", "unknown-quiz", "duplicate")


def question_columns(quizzes: dict[str, Quiz], quiz_ids) -> list[tuple[str, str, str]]:
    """(quiz id, question id, header) for the quizzes present, in sorted quiz then bank order.
    A question id used by two quizzes is written quiz:question, so that headers stay unique."""
    pairs = [(qz, q.id) for qz in sorted(quiz_ids) if qz in quizzes for q in quizzes[qz].questions()]
    counts: dict[str, int] = {}
    for _, qid in pairs:
        counts[qid] = counts.get(qid, 0) + 1
    return [(qz, qid, qid if counts[qid] == 1 else f"{qz}:{qid}") for qz, qid in pairs]


def learner_rows(rows: list[GradeRow]) -> list[dict]:
    """One dict per (learner, quiz): the files and the status that applies to them."""
    groups: dict[tuple, dict] = {}
    for row in rows:
        if not row.quiz:
            continue  # unreadable files have no quiz: they are in the per-file CSV only
        who = row.key or f"\0{row.file}"
        group = groups.setdefault(
            (who, row.quiz), {"learner": row.learner, "key": row.key, "quiz": row.quiz, "files": [], "counted": []}
        )
        group["files"].append(row)
        if row.status in COUNTED:
            group["counted"].append(row)
    out = []
    for group in groups.values():
        statuses = {r.status for r in group["files"]}
        group["status"] = (
            next(s for s in _STATUS_ORDER if s in statuses) if statuses & set(_STATUS_ORDER) else sorted(statuses)[0]
        )
        out.append(group)
    out.sort(key=lambda g: (g["quiz"], g["key"] or "\uffff", path_text(g["files"][0].file)))
    return out


def _number(value) -> str:
    return "" if value is None else f"{round(value, 4):.4f}"


def gradebook_text(rows: list[GradeRow], quizzes: dict[str, Quiz]) -> str:
    groups = learner_rows(rows)
    columns = question_columns(quizzes, {g["quiz"] for g in groups})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([*FIXED_COLUMNS, *(safe_cell(h) for _, _, h in columns)])
    for g in groups:
        counted = g["counted"][0] if g["status"] == "graded" and g["counted"] else None
        credits = answered = None
        if counted and g["quiz"] in quizzes:
            answers = choices.decode(quizzes[g["quiz"]], counted.choices)
            credits = scoring.score_quiz(quizzes[g["quiz"]], answers)["questions"]
            answered = len(answers)
        text = [g["learner"], g["key"], g["quiz"], g["status"]]
        cells = [safe_cell(v) for v in text]
        cells += [
            _number(counted.score) if counted else "",
            "" if answered is None else str(answered),
            str(len(g["files"])),
            safe_cell(
                "; ".join(
                    os.path.basename(path_text(r.file)) + ": " + r.reason
                    for r in g["files"]
                    if r.reason and r.status != "duplicate"
                )
            ),
        ]
        cells += [
            _number(credits.get(qid)) if credits is not None and qz == g["quiz"] else "" for qz, qid, _ in columns
        ]
        writer.writerow(cells)
    return out.getvalue()


def write_gradebook(rows: list[GradeRow], quizzes: dict[str, Quiz], target) -> int:
    text = gradebook_text(rows, quizzes)
    write_text_atomic(text, target)
    return text.count("\n") - 1
