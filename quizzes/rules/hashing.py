"""Version id of a quiz, so a saved answer file can be matched to the bank version it answered.

The version id is published on every quiz page, exam pages included, so it must carry nothing a
learner could check a guessed key against. It is computed from what the exam page shows anyway
(ids, types, weights, option ids) and never from credits: every candidate key gives the same id,
so an offline search learns nothing. (Up to course release 0.1 the hash covered the credits
too; an offline search over candidate keys recovered a whole key from it in seconds. That
form survives only as legacy_content_hash, which the grader uses to recognise files saved
before the change; it is never published.)

Canonical form (a JavaScript port must build the same string):
  {"id": quiz id, "scheme": 2,
   "questions": [ {"id", "type", "weight", "options": [ option id ... ]} ... ]}
questions and options in bank order; JSON with sorted keys and no whitespace
(separators "," and ":"), non-ASCII written as-is (UTF-8); numbers that are whole are written as
integers (1, not 1.0) and others in shortest round-trip form, which is what both Python's repr
and JavaScript's Number#toString produce for the values allowed in banks. The id is the first
16 hex characters of the SHA-256 of that UTF-8 string.

Rewording a stem or feedback keeps old answers valid; adding, removing or renaming a question or
an option, or changing a type or a weight, makes a new version. Re-crediting an option does not:
the grader scores every file with the bank's current key (the educator's key is the one that
counts), so a corrected key applies to answers already collected.
"""

from __future__ import annotations

import hashlib
import json

from quizzes.parsing.model import Quiz, iter_questions

SCHEME = 2


def _num(value: float):
    return int(value) if float(value).is_integer() else float(value)


def _digest(doc: dict) -> str:
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def version_doc(quiz_id: str, questions) -> dict:
    """questions: (id, type, weight, [option ids]) in bank order. Shared with the test that
    recomputes the id from an exam page, to prove that it depends on nothing else."""
    return {
        "id": quiz_id,
        "scheme": SCHEME,
        "questions": [
            {"id": qid, "type": qtype, "weight": _num(weight), "options": list(oids)}
            for qid, qtype, weight, oids in questions
        ],
    }


def canonical_json(quiz: Quiz) -> str:
    doc = version_doc(quiz.id, ((q.id, q.type, q.weight, [o.id for o in q.options]) for _, q in iter_questions(quiz)))
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def content_hash(quiz: Quiz) -> str:
    """The published version id (no credits in it)."""
    return hashlib.sha256(canonical_json(quiz).encode("utf-8")).hexdigest()[:16]


def version_id_of_payload(payload: dict) -> str:
    """The version id recomputed from a page's quiz payload alone (what any reader has)."""
    doc = version_doc(
        payload["id"],
        (
            (q["id"], q["type"], q["weight"], [o["id"] for o in q["options"]])
            for case in payload["cases"]
            for q in case["questions"]
        ),
    )
    return _digest(doc)


def legacy_content_hash(quiz: Quiz) -> str:
    """The hash of course release 0.1 (credits included). Grader only: never publish it."""
    return _digest(
        {
            "id": quiz.id,
            "questions": [
                {
                    "id": q.id,
                    "type": q.type,
                    "weight": _num(q.weight),
                    "options": [{"id": o.id, "credit": _num(o.credit)} for o in q.options],
                }
                for _, q in iter_questions(quiz)
            ],
        }
    )
