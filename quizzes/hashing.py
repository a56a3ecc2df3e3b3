"""Content hash of a quiz, so a saved answer file can be matched to the bank version it answered.

Canonical form (a JavaScript port must build the same string):
  {"id": quiz id,
   "questions": [ {"id", "type", "weight", "options": [ {"id", "credit"} ... ]} ... ]}
questions and options in bank order; JSON with sorted keys and no whitespace
(separators "," and ":"), non-ASCII written as-is (UTF-8); numbers that are whole are written as
integers (1, not 1.0) and others in shortest round-trip form, which is what both Python's repr
and JavaScript's Number#toString produce for the values allowed in banks. The hash is the first
16 hex characters of the SHA-256 of that UTF-8 string.

Only what grading depends on is hashed: rewording a stem or feedback keeps old answers valid;
adding, removing or re-crediting an option, or changing a weight, does not.
"""
from __future__ import annotations

import hashlib
import json

from .model import Quiz, iter_questions


def _num(value: float):
    return int(value) if float(value).is_integer() else float(value)


def canonical_json(quiz: Quiz) -> str:
    doc = {
        "id": quiz.id,
        "questions": [
            {"id": q.id, "type": q.type, "weight": _num(q.weight),
             "options": [{"id": o.id, "credit": _num(o.credit)} for o in q.options]}
            for _, q in iter_questions(quiz)
        ],
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def content_hash(quiz: Quiz) -> str:
    return hashlib.sha256(canonical_json(quiz).encode("utf-8")).hexdigest()[:16]
