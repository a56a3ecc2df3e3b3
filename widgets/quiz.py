"""The quiz widget: one quiz chapter of the case bank, checked and scored in the browser.

All interaction is in quiz.js, so the same widget works live in Jupyter and on the static
site. Python hands the front end the payload of quizzes.payload() (without the answer key when
the book is built with COURSE_EXAM=1); in Jupyter the learner's answers sync back here.
"""

from __future__ import annotations

import traitlets

import quizzes

from .base import CourseWidget


class Quiz(CourseWidget):
    """Cases, questions, feedback, a running score and a downloadable answer file."""

    _front_end = "quiz"
    _repr_traits = ("quiz_id", "exam")

    quiz_id = traitlets.Unicode().tag(sync=True)
    exam = traitlets.Bool(False)
    payload = traitlets.Dict().tag(sync=True)
    # {question id: [option ids]}: current choices; only questions in `checked` count.
    answers = traitlets.Dict().tag(sync=True)
    checked = traitlets.List(traitlets.Unicode()).tag(sync=True)
    learner = traitlets.Unicode("").tag(sync=True)
    # Display-order seed (quizzes/rules/order.py); the browser creates it and keeps it with the answers.
    seed = traitlets.Unicode("").tag(sync=True)

    def __init__(self, quiz_id: str, *, exam: bool | None = None, **kwargs):
        exam = quizzes.exam_mode() if exam is None else bool(exam)
        super().__init__(quiz_id=quiz_id, exam=exam, payload=quizzes.payload(quiz_id, exam=exam), **kwargs)

    def result(self) -> dict:
        """The engine's score of the checked answers: what the page shows outside exam mode."""
        chosen = {qid: self.answers[qid] for qid in self.checked if qid in self.answers}
        return quizzes.score_answers(self.quiz_id, chosen)
