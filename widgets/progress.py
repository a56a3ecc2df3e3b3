"""Progress page: the reader's saved quiz progress, read from this browser's localStorage.

Python cannot see a reader's browser, so the work happens in progress.js. Python hands over the
list of quizzes at build time (id, title, content hash, question count, chapter link) and holds
the reference implementation, summarize(), of the JavaScript function of the same name.

Storage format: the header comment of widgets/quiz.js (keys "crlm-quiz:<id>:<hash>",
"crlm-quiz-exam:<id>:<hash>" and the index "crlm-quiz-progress").
"""
from __future__ import annotations

import json
import math

import traitlets

import quizzes

from .base import CourseWidget

PREFIX = "crlm-quiz:"
EXAM_PREFIX = "crlm-quiz-exam:"
INDEX_KEY = "crlm-quiz-progress"


# Quizzes in the order the book presents them; any other bank follows alphabetically.
COURSE_ORDER = ("quiz-settings", "quiz-haip", "quiz-embolic", "quiz-decisions")


def ordered_ids() -> list[str]:
    ids = quizzes.list_quizzes()
    rank = {q: i for i, q in enumerate(COURSE_ORDER)}
    return sorted(ids, key=lambda q: (rank.get(q, len(rank)), q))


def quiz_list(link_pattern: str = "{id}.html") -> list[dict]:
    """Every valid quiz bank, in course order, with the link to its chapter page."""
    out = []
    for quiz_id in ordered_ids():
        quiz = quizzes.load_bank(quiz_id)
        out.append({"id": quiz.id, "title": quiz.title, "hash": quiz.hash,
                    "questions": len(quiz.questions()), "href": link_pattern.format(id=quiz.id)})
    return out


def _load(text):
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _entry(storage: dict, index: dict, key: str, total: int) -> dict | None:
    """Progress of one storage key: the index entry if usable, else counted from the key."""
    item = index.get(key)
    saved = _load(storage.get(key))
    if saved is None and not isinstance(item, dict):
        return None
    checked = None
    score = None
    saved_at = ""
    if isinstance(item, dict):
        value = item.get("checked")
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and math.isfinite(value) and float(value).is_integer():
            checked = int(value)   # JavaScript's Number.isInteger
        value = item.get("score")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            score = float(value)
        value = item.get("saved_at")
        saved_at = value if isinstance(value, str) else ""
    if checked is None:
        listed = saved.get("checked") if saved else None
        checked = len(listed) if isinstance(listed, list) else 0
    if not saved_at and saved and isinstance(saved.get("saved_at"), str):
        saved_at = saved["saved_at"]
    return {"checked": max(0, min(checked, total)), "score": score, "saved_at": saved_at}


def summarize(quiz_rows: list[dict], storage: dict) -> list[dict]:
    """For each quiz: practice and exam progress on its current version, and how many saved
    versions of earlier banks are kept aside. storage is {key: string value}."""
    index_doc = _load(storage.get(INDEX_KEY)) or {}
    listed = index_doc.get("quizzes")
    index: dict = listed if isinstance(listed, dict) else {}
    out = []
    for q in quiz_rows:
        practice_key = f"{PREFIX}{q['id']}:{q['hash']}"
        exam_key = f"{EXAM_PREFIX}{q['id']}:{q['hash']}"
        older = sorted(k for k in storage
                       if k.startswith((f"{PREFIX}{q['id']}:", f"{EXAM_PREFIX}{q['id']}:"))
                       and k not in (practice_key, exam_key))
        out.append({"id": q["id"], "total": q["questions"],
                    "practice": _entry(storage, index, practice_key, q["questions"]),
                    "exam": _entry(storage, index, exam_key, q["questions"]),
                    "older": len(older)})
    return out


class Progress(CourseWidget):
    """A table of every quiz chapter with the progress saved in this browser."""

    _front_end = "progress"
    _repr_traits = ("quiz_ids",)

    quizzes = traitlets.List(traitlets.Dict()).tag(sync=True)

    def __init__(self, link_pattern: str = "{id}.html", **kwargs):
        super().__init__(quizzes=quiz_list(link_pattern), **kwargs)

    @property
    def quiz_ids(self) -> list[str]:
        return [q["id"] for q in self.quizzes]
