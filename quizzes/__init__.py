"""Quiz engine of the CRLM regional-therapy course.

Public API used by the book (signatures are a contract):
  load_bank(quiz_id) -> Quiz, list_quizzes() -> list[str],
  payload(quiz_id, exam=False) -> dict, score_answers(quiz_id, answers) -> dict.
"""

from quizzes.catalogue import bank_files, exam_mode, list_quizzes, load_bank, payload, score_answers
from quizzes.parsing.issues import DataError
from quizzes.parsing.model import Quiz, iter_questions

__all__ = [
    "load_bank",
    "list_quizzes",
    "exam_mode",
    "payload",
    "score_answers",
    "iter_questions",
    "Quiz",
    "DataError",
    "bank_files",
]
