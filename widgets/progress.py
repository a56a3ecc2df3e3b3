"""Progress page: the reader's saved quiz progress, read from this browser's localStorage.

Python cannot see a reader's browser, so the work happens in progress.js. Python hands over the
list of quizzes at build time (id, title, content hash, question count, chapter link) and holds
the reference implementation, summarize(), of the JavaScript function of the same name.

Storage format: the header comment of widgets/quiz.js (keys PREFIX + "<id>:<hash>", EXAM_PREFIX +
"<id>:<hash>" and the index INDEX_KEY, defined in widgets/storage.js).

Performance by topic: every question is tagged at build time with the modalities it examines
(its own `modality` key and those of the recommendations its options follow or contradict;
none of them: "general") and with those recommendations. topic_credits() is the reference of
the JavaScript function of the same name: the weighted credit of the checked practice answers
of the current version of each quiz, per topic, scored by the engine.
"""
from __future__ import annotations

import json
import math

import traitlets

import quizzes
from quizzes.parsing.registry import load_registry

from .base import CourseWidget
from .storage_keys import EXAM_PREFIX, INDEX_KEY, PREFIX

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


# Modality topics in the order the book teaches them, each with the chapter to revise from.
MODALITY_TOPICS = (
    ("haip", "HAIP (pump chemotherapy)", "haip.html"),
    ("tace", "DEBIRI-TACE (chemoembolization)", "debiri.html"),
    ("tare", "TARE (radioembolization)", "tare.html"),
    ("general", "Choosing between modalities", "which-modality.html"),
)
REVISE_BELOW = 0.75  # a topic under three quarters of full credit is worth revising


def topic_data(link_pattern: str = "{id}.html") -> dict:
    """What the progress page needs to score stored answers by topic, for every quiz bank:
    {"quizzes": [{id, hash, title, href, cases: [{questions: [{id, type, weight, options:
    [{id, credit}], modalities, recommendations}]}]}], "modalities": [...], "recommendations":
    {id: {label, modality}}}. It carries credits (the answer key), so exam builds leave it out."""
    registry = load_registry()
    cited: set[str] = set()
    rows = []
    for quiz_id in ordered_ids():
        quiz = quizzes.load_bank(quiz_id)
        cases = []
        for case in quiz.cases:
            questions = []
            for q in case.questions:
                recs = sorted(q.examines)
                cited.update(recs)
                named = set(q.modality) | {registry.records[r].modality for r in recs if r in registry.records}
                mods = [m for m, _, _ in MODALITY_TOPICS[:3] if m in named] or ["general"]
                questions.append({"id": q.id, "type": q.type, "weight": float(q.weight),
                                  "options": [{"id": o.id, "credit": o.credit} for o in q.options],
                                  "modalities": mods, "recommendations": recs})
            cases.append({"questions": questions})
        rows.append({"id": quiz.id, "hash": quiz.hash, "title": quiz.title,
                     "href": link_pattern.format(id=quiz.id), "cases": cases})
    return {"quizzes": rows,
            "modalities": [{"id": m, "label": label, "href": link_pattern.format(id=page[:-5])}
                           for m, label, page in MODALITY_TOPICS],
            "recommendations": {rid: {"label": rec.label, "modality": rec.modality}
                                for rid, rec in registry.records.items() if rid in cited}}


def _checked_answers(quiz: dict, text) -> dict:
    """The checked answers of a stored quiz key, cleaned as cleanSaved() in quiz-data.js does:
    known options only, in bank order, one for a single-answer question."""
    saved = _load(text) or {}
    listed, ticked = saved.get("answers"), saved.get("checked")
    answers: dict = listed if isinstance(listed, dict) else {}
    checked: list = ticked if isinstance(ticked, list) else []
    out = {}
    for case in quiz["cases"]:
        for q in case["questions"]:
            ids = answers.get(q["id"])
            if not isinstance(ids, list) or q["id"] not in checked:
                continue
            keep = [o["id"] for o in q["options"] if o["id"] in ids]
            keep = keep[:1] if q["type"] == "single" else keep
            if keep:
                out[q["id"]] = keep
    return out


def _credit_rows(keys, tagged: dict, scores: dict, weights: dict) -> list[dict]:
    rows = []
    for key in keys:
        ids = tagged.get(key, [])
        done = [i for i in ids if i in scores]
        weight = sum(weights[i] for i in done)
        credit = sum(weights[i] * scores[i] for i in done) / weight if weight else None
        rows.append({"id": key, "questions": len(ids), "checked": len(done), "credit": credit})
    return rows


def topic_credits(data: dict, storage: dict) -> dict:
    """Per modality and per recommendation: questions tagged, how many are checked, and the
    weighted credit of those (None before any), from the practice answers in `storage`."""
    by_mod: dict[str, list] = {}
    by_rec: dict[str, list] = {}
    scores: dict = {}
    weights: dict = {}
    for quiz in data["quizzes"]:
        chosen = _checked_answers(quiz, storage.get(f"{PREFIX}{quiz['id']}:{quiz['hash']}"))
        engine = quizzes.score_answers(quiz["id"], chosen)["questions"] if chosen else {}
        for case in quiz["cases"]:
            for q in case["questions"]:
                key = (quiz["id"], q["id"])
                weights[key] = q["weight"]
                if q["id"] in chosen:
                    scores[key] = engine[q["id"]]
                for m in q["modalities"]:
                    by_mod.setdefault(m, []).append(key)
                for r in q["recommendations"]:
                    by_rec.setdefault(r, []).append(key)
    return {"modalities": _credit_rows([m["id"] for m in data["modalities"]], by_mod, scores, weights),
            "recommendations": _credit_rows(list(data["recommendations"]), by_rec, scores, weights)}


def to_revise(credits: dict, limit: int = 3) -> list[str]:
    """Modality topics under REVISE_BELOW, weakest first (ties: book order)."""
    weak = [r for r in credits["modalities"] if r["credit"] is not None and r["credit"] < REVISE_BELOW]
    return [r["id"] for r in sorted(weak, key=lambda r: r["credit"])][:limit]


class Progress(CourseWidget):
    """A table of every quiz chapter with the progress saved in this browser."""

    _front_end = "progress"
    _repr_traits = ("quiz_ids",)

    quizzes = traitlets.List(traitlets.Dict()).tag(sync=True)
    # topic_data(), or {} in an exam build (it holds the answer key).
    topics = traitlets.Dict().tag(sync=True)

    def __init__(self, link_pattern: str = "{id}.html", **kwargs):
        topics = {} if quizzes.exam_mode() else topic_data(link_pattern)
        super().__init__(quizzes=quiz_list(link_pattern), topics=topics, **kwargs)

    @property
    def quiz_ids(self) -> list[str]:
        return [q["id"] for q in self.quizzes]
