"""The "Review what is due" page: a spaced-repetition queue of every quiz question checked in
this browser, scheduled by FSRS.

All interaction is in review.js (the queue is in the reader's localStorage, see
widgets/review-store.js). Python hands over the practice payload of every quiz chapter at build
time, so a due question can be shown and scored exactly as on its quiz page, and holds the
reference of the browser's scheduling: the `fsrs` package from PyPI, driven by replay() with
the same settings as widgets/fsrs.js (tests/test_review_schedule.py compares the two).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import traitlets

import quizzes
from quizzes.vocab import MODALITIES

from .base import HERE, CourseWidget
from .progress import quiz_list

FULL = 1 - 1e-6  # as FULL in widgets/quiz-data.js: three credits of 0.3333333 make a full answer

# The course's scheduler settings, as COURSE_SCHEDULER in widgets/fsrs.js: whole days only.
COURSE_SCHEDULER = {"learning_steps": [], "relearning_steps": [], "desired_retention": 0.9, "maximum_interval": 36500}


def rating_for(score: float, certainty: int | None = None) -> int:
    """FSRS rating of a checked answer: full credit Good (3), part credit Hard (2), none Again
    (1); a full answer given with high certainty (3) is Easy (4), with low certainty (1) Hard."""
    if score >= FULL:
        return {3: 4, 1: 2}.get(certainty or 0, 3)
    return 2 if score > 0 else 1


def cbm_mark(score: float, certainty: int) -> int:
    """Certainty-based marking (Moodle's CBM): fully correct 1/2/3 for low/medium/high
    certainty, anything else 0/-2/-6. A calibration score; the graded score never uses it."""
    return (1, 2, 3)[certainty - 1] if score >= FULL else (0, -2, -6)[certainty - 1]


def practice_score(drawn: list[tuple[str, str]], answers: dict) -> float:
    """Score of a practice test, as practiceScore() in widgets/review-practice.js: the drawn
    questions [(quiz id, question id)] weighted as in their quizzes, scored by the engine;
    an unanswered question counts as 0. answers: {"<quiz id>/<question id>": [option ids]}."""
    weighted = weights = 0.0
    for quiz_id, qid in drawn:
        question = quizzes.load_bank(quiz_id).question(qid)
        if question is None:
            raise KeyError(f"{quiz_id} has no question {qid!r}")
        chosen = answers.get(f"{quiz_id}/{qid}") or []
        score = quizzes.score_answers(quiz_id, {qid: chosen})["questions"][qid] if chosen else 0.0
        weighted += question.weight * score
        weights += question.weight
    return weighted / weights if weights else 0.0


PRACTICE_MODALITIES = MODALITIES  # the practice test's modality picks: the course's three, book order


def question_modalities(quiz_id: str) -> dict[str, list[str]]:
    """{question id: the modalities it concerns} for one quiz, tagged as the progress page tags
    its topics: the question's own `modality` and those of the recommendations its options
    follow or contradict ("all" and untagged questions concern none in particular)."""
    from quizzes.parsing.registry import load_registry

    records = load_registry().records
    out = {}
    for q in quizzes.load_bank(quiz_id).questions():
        named = q.modalities_examined(records)
        out[q.id] = [m for m in PRACTICE_MODALITIES if m in named]
    return out


def _utc(ms: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=ms)


def _ms(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(milliseconds=1)


def replay(config: dict | None, start: int, reviews: list[dict]) -> list[dict]:
    """Review one new card with py-fsrs at each {rating, at (epoch ms)}; the card after each.

    config holds py-fsrs Scheduler settings (steps in seconds); fuzzing is always off, as in
    the browser. Same input and output shape as replay() in tests/js/adapters.js.
    """
    from fsrs import Card, Rating, Scheduler

    cfg = {**COURSE_SCHEDULER, **(config or {})}
    scheduler = Scheduler(
        desired_retention=cfg["desired_retention"],
        maximum_interval=cfg["maximum_interval"],
        learning_steps=[timedelta(seconds=s) for s in cfg["learning_steps"]],
        relearning_steps=[timedelta(seconds=s) for s in cfg["relearning_steps"]],
        enable_fuzzing=False,
    )
    card = Card(card_id=1, due=_utc(start))
    out = []
    for review in reviews:
        card, _ = scheduler.review_card(card, Rating(review["rating"]), _utc(review["at"]))
        out.append(
            {
                "state": int(card.state),
                "step": card.step,
                "stability": card.stability,
                "difficulty": card.difficulty,
                "due": _ms(card.due),
                "last_review": _ms(card.last_review) if card.last_review else None,
            }
        )
    return out


class Review(CourseWidget):
    """Due questions from every quiz chapter, reviewed one at a time with the quiz's feedback."""

    _front_end = "review"
    _repr_traits = ("quiz_ids", "exam")

    # [{id, title, href, payload, modalities}] in course order; payload is quizzes.payload()
    # (practice); modalities is question_modalities() of the quiz (the practice test's picks).
    quizzes = traitlets.List(traitlets.Dict()).tag(sync=True)
    exam = traitlets.Bool(False).tag(sync=True)
    # The recommendation records cited by any quiz, once: {id: record} as in quizzes.payload().
    recommendations = traitlets.Dict().tag(sync=True)
    # Where the learning history is exported and imported (widgets/history.js on the progress page).
    history_href = traitlets.Unicode("progress.html#crlm-history").tag(sync=True)

    def __init__(self, link_pattern: str = "{id}.html", *, exam: bool | None = None, **kwargs):
        exam = quizzes.exam_mode() if exam is None else bool(exam)
        rows = quiz_list(link_pattern)
        # An exam build carries no answer key anywhere, so there is nothing to review against.
        listed = (
            []
            if exam
            else [
                {
                    "id": r["id"],
                    "title": r["title"],
                    "href": r["href"],
                    "payload": quizzes.payload(r["id"]),
                    "modalities": question_modalities(r["id"]),
                }
                for r in rows
            ]
        )
        # Quizzes cite many of the same recommendations: the page carries each record once (the
        # browser hands the shared table back to every payload). A quiz page's own description
        # is not shown here.
        shared: dict = {}
        for row in listed:
            shared.update(row["payload"].pop("recommendations", {}))
            row["payload"].pop("description_html", None)
        kwargs.setdefault("history_href", link_pattern.format(id="progress") + "#crlm-history")
        super().__init__(quizzes=listed, recommendations=shared, exam=exam, **kwargs)

    @property
    def quiz_ids(self) -> list[str]:
        return [q["id"] for q in self.quizzes]


# The due questions look like the quiz's: its stylesheet first, then the page's own.
Review._css = (
    (HERE / "theme.css").read_text(encoding="utf-8")
    + (HERE / "quiz.css").read_text(encoding="utf-8")
    + (HERE / "review.css").read_text(encoding="utf-8")
)
