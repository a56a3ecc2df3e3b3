"""Scoring rules ("weighted-mean-of-partial-credit", version 1).

Plain IEEE-754 double arithmetic in a fixed order, so the JavaScript widget reproduces every
score bit for bit:

* single (single best answer): the credit of the chosen option; no choice scores 0.
* multiple (multiple response): start at 0.0 and add the credit of each chosen option, walking
  the options in the order they appear in the bank (not the order they were clicked); then clamp
  the sum to [0, 1]. Negative credits therefore penalise wrong picks, but a question never scores
  below 0 or above 1. Choosing an id twice counts it once.
* quiz: total = sum(weight * score) over questions in bank order, divided by sum(weight) over the
  same questions (both sums accumulated left to right from 0.0). Unanswered questions score 0.

Scores are never rounded here; round only for display (4 decimals in files and tables).
Validation of chosen ids (unknown ids, several picks for a single question) belongs to the
caller (answers.py); unknown ids simply contribute nothing here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from quizzes.parsing.model import Question, Quiz, iter_questions

RULE_NAME = "weighted-mean-of-partial-credit-v1"
DISPLAY_DECIMALS = 4


def score_question(question: Question, chosen: Iterable[str]) -> float:
    chosen = set(chosen)
    if question.type == "single":
        for option in question.options:
            if option.id in chosen:
                return option.credit
        return 0.0
    total = 0.0
    for option in question.options:  # bank order, whatever order the learner clicked
        if option.id in chosen:
            total += option.credit
    return min(1.0, max(0.0, total))


def score_quiz(quiz: Quiz, answers: Mapping[str, Iterable[str]]) -> dict:
    """{"questions": {question id: score}, "score": weighted mean} for answers {qid: [option ids]}."""
    per_question: dict[str, float] = {}
    weighted = 0.0
    weights = 0.0
    for _, question in iter_questions(quiz):
        score = score_question(question, answers.get(question.id, ()))
        per_question[question.id] = score
        weighted += question.weight * score
        weights += question.weight
    return {"questions": per_question, "score": weighted / weights if weights else 0.0}


def display(score: float) -> float:
    return round(score, DISPLAY_DECIMALS)
