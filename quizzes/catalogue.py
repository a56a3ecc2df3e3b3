"""The one loading path of the engine: bank files, the registry and banks parsed once per file
version, and the public API built on them (re-exported by quizzes/__init__.py)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from quizzes import paths
from quizzes.pages.payload import build_payload
from quizzes.parsing.bank import parse_bank
from quizzes.parsing.issues import DataError
from quizzes.parsing.model import Quiz
from quizzes.parsing.registry import file_version, load_registry
from quizzes.rules import scoring


def list_quizzes() -> list[str]:
    return [p.stem for p in bank_files(paths.BANKS_DIR)]


def bank_files(banks) -> list[Path]:
    """A directory's *.yaml/*.yml files (sorted), or the given file(s)."""
    if isinstance(banks, (list, tuple)):
        return [Path(p) for p in banks]
    banks = Path(banks)
    if not banks.is_dir():  # a file, or anything else: the loader reports what it is
        return [banks]
    return sorted(p for p in banks.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_bank(quiz_id: str) -> Quiz:
    """The validated bank for quiz_id; raises KeyError if absent, DataError if invalid."""
    path = next((p for p in bank_files(paths.BANKS_DIR) if p.stem == quiz_id), None)
    if path is None:
        raise KeyError(f"no quiz bank named {quiz_id!r}")
    versions = (file_version(path), file_version(paths.REGISTRY_FILE), file_version(paths.REFERENCES_BIB))
    return _cached_bank(str(path), *versions)


@lru_cache(maxsize=32)
def _cached_bank(path: str, *versions: tuple[int, int]) -> Quiz:
    """One parse per version of the bank and of the files it is checked against."""
    quiz, issues = parse_bank(Path(path), load_registry())
    if quiz is None:
        raise DataError(issues.errors)
    return quiz


def exam_mode() -> bool:
    """True when the book is built as an exam (COURSE_EXAM=1): no answer key, feedback or
    LMS downloads may reach the pages."""
    return os.environ.get("COURSE_EXAM") == "1"


def payload(quiz_id: str, exam: bool = False) -> dict:
    return build_payload(load_bank(quiz_id), load_registry(), exam=exam)


def score_answers(quiz_id: str, answers: dict) -> dict:
    """Score {question id: [option ids] (or one option id)}; unknown ids raise ValueError.

    Returns {"quiz", "hash", "rule", "questions": {id: score}, "score", "score_display"}.
    """
    quiz = load_bank(quiz_id)
    chosen = {}
    for qid, ids in dict(answers).items():
        question = quiz.question(qid)
        if question is None:
            raise ValueError(f"unknown question id {qid!r} in quiz {quiz_id!r}")
        ids = [ids] if isinstance(ids, str) else list(ids)
        known = {o.id for o in question.options}
        bad = [i for i in ids if i not in known]
        if bad:
            raise ValueError(f"unknown option id(s) {bad} for question {qid!r}")
        if question.type == "single" and len(set(ids)) > 1:
            raise ValueError(f"question {qid!r} takes one answer")
        chosen[qid] = ids
    result = scoring.score_quiz(quiz, chosen)
    return {
        "quiz": quiz.id,
        "hash": quiz.hash,
        "rule": scoring.RULE_NAME,
        "questions": result["questions"],
        "score": result["score"],
        "score_display": scoring.display(result["score"]),
    }
