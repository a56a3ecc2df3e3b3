"""A graded file's choices, kept small: one integer per question, bit m set when option m (in
bank order) was chosen.

A class of 100,000 answer files is held in memory between grading and the gradebook or report:
as dictionaries of strings that would be about 10 kB a file (1 GB); as a tuple of small integers
it is well under 1 kB.
"""

from __future__ import annotations

from quizzes.parsing.model import Quiz


def encode(quiz: Quiz, answers: dict) -> tuple[int, ...]:
    """answers: {question id: [option ids]}, already checked against the quiz (answers.py)."""
    out = []
    for q in quiz.questions():
        chosen = set(answers.get(q.id, ()))
        out.append(sum(1 << m for m, o in enumerate(q.options) if o.id in chosen))
    return tuple(out)


def decode(quiz: Quiz, choices: tuple[int, ...]) -> dict[str, list[str]]:
    """The answered questions as {question id: [option ids in bank order]}."""
    out = {}
    for q, mask in zip(quiz.questions(), choices, strict=False):
        if mask:
            out[q.id] = [o.id for m, o in enumerate(q.options) if mask >> m & 1]
    return out
