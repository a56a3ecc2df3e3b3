"""Answer files: the versioned JSON a learner's browser saves, parsed defensively.

Format (version 3), exactly these fields:
  {"format": "crlm-quiz-answers", "version": 3, "mode": "exam" | "practice",
   "quiz": "<quiz id>", "hash": "<version id>",
   "learner": "<optional name or id>", "order_seed": "<hex seed of the option order shown>",
   "answers": {"<question id>": ["<option id>", ...]},
   "score_shown": <number 0..1 or null>, "saved_at": "<ISO 8601 timestamp>"}
"learner" may be absent or null. "mode" says which build the file was saved on: an exam page
writes "exam" and score_shown null (it shows no score); a practice page writes "practice" and
the score it showed. `grade --exam` accepts only exam files. A learner can edit the JSON, so the
mark proves nothing against a determined forger; it stops the honest mistake of handing in the
practice file, and an exam file with a score_shown is refused as inconsistent.
Version 2 (no "mode") and version 1 (no "mode", no "order_seed") are still read, with mode
"" (unknown), so that files saved by earlier releases are graded or reported as old-version
rather than invalid. Grading never uses the seed: it records what order the learner saw.
Anything else (extra fields, wrong types, NaN, numbers too large for a float, duplicate JSON keys,
non-UTF-8 bytes, lone surrogates such as "\ud800" in any string) makes the file invalid;
parse_answer_bytes raises AnswerFileError with the reason and never anything else. Control
characters in the learner's name are kept here: the gradebook and the terminal neutralise them.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime

from quizzes.parsing.model import Quiz

FORMAT = "crlm-quiz-answers"
VERSION = 3
VERSIONS = (1, 2, 3)
MODES = ("exam", "practice")
MAX_BYTES = 1_000_000  # a real answer file is a few kB
MAX_TEXT = 200  # learner names/ids and ids are short
_HASH = re.compile(r"^[0-9a-f]{16}$")
_FIELDS = {"format", "version", "mode", "quiz", "hash", "learner", "order_seed", "answers", "score_shown", "saved_at"}
_REQUIRED = _FIELDS - {"learner", "order_seed", "mode"}
_SEED = re.compile(r"^[0-9a-f]{8,64}$")


class AnswerFileError(Exception):
    def __init__(self, reason: str, partial: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.partial = partial or {}  # learner/quiz/hash if they could be read, for reports


@dataclass(frozen=True)
class AnswerFile:
    quiz: str
    hash: str
    learner: str
    answers: dict  # question id -> list of option ids, as saved
    score_shown: float | None
    saved_at: str
    order_seed: str = ""
    mode: str = ""  # "exam" | "practice" | "" (a file older than version 3)
    version: int = VERSION

    def dedup_key(self) -> tuple:
        """Same learner, quiz version and choices, whatever the order or timestamp."""
        answers = tuple(sorted((q, tuple(sorted(set(ids)))) for q, ids in self.answers.items()))
        return (self.learner, self.quiz, self.hash, answers)


def _reject_constant(name):
    raise ValueError(f"{name} is not allowed")


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _no_duplicate_keys(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate JSON key {key!r}")
        out[key] = value
    return out


def parse_answer_bytes(raw: bytes) -> AnswerFile:
    if len(raw) > MAX_BYTES:
        raise AnswerFileError(f"file larger than {MAX_BYTES} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnswerFileError("not UTF-8 text") from None
    try:
        data = json.loads(
            text, parse_constant=_reject_constant, parse_float=_finite_float, object_pairs_hook=_no_duplicate_keys
        )
    except RecursionError:
        raise AnswerFileError("JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, huge ints (int max str digits), NaN, dup keys
        raise AnswerFileError(f"not valid JSON: {str(exc)[:120]}") from None
    return parse_answer_data(data)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(text: str) -> bool:
    """True for a lone surrogate ("\ud800" is legal JSON but no character: it cannot be encoded)."""
    return _SURROGATE.search(text) is not None


def _without_surrogates(text: str) -> str:
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def _first_surrogate_field(data: dict) -> str | None:
    """The first field (or answers key / option id) holding a lone surrogate, for the reason."""
    for key, value in data.items():
        if _has_surrogate(key):
            return "a field name"
        if isinstance(value, str) and _has_surrogate(value):
            return key
    answers = data.get("answers")
    if isinstance(answers, dict):
        for qid, ids in answers.items():
            if _has_surrogate(qid):
                return "an answers key"
            if isinstance(ids, list) and any(isinstance(i, str) and _has_surrogate(i) for i in ids):
                return f"answers[{qid[:40]!r}]"
    return None


def _partial(data: dict) -> dict:
    # Only for the report of an invalid file: lone surrogates become U+FFFD so that the row can
    # still be printed and written.
    return {
        k: _without_surrogates(data[k])
        for k in ("learner", "quiz", "hash")
        if isinstance(data.get(k), str) and len(data[k]) <= MAX_TEXT
    }


def parse_answer_data(data) -> AnswerFile:
    if not isinstance(data, dict):
        raise AnswerFileError("top level must be a JSON object")
    partial = _partial(data)

    def fail(reason):
        raise AnswerFileError(reason, partial)

    bad_text = _first_surrogate_field(data)
    if bad_text:
        fail(f"{bad_text} is not valid Unicode text (a lone surrogate such as \\ud800)")
    extra = sorted(set(data) - _FIELDS)
    if extra:
        fail(f"unknown field(s): {', '.join(repr(k)[:40] for k in extra[:5])}")
    missing = sorted(_REQUIRED - set(data))
    if missing:
        fail(f"missing field(s): {', '.join(missing)}")
    if data["format"] != FORMAT:
        fail(f"format must be {FORMAT!r}")
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version not in VERSIONS:
        fail(f"unsupported version {repr(version)[:20]} (expected 1, 2 or {VERSION})")
    if version == 3 and data.get("mode") not in MODES:
        fail('mode must be "exam" or "practice" (version 3)')
    if version < 3 and "mode" in data:
        fail("mode is a version 3 field")
    if "order_seed" in data and (
        version == 1 or not isinstance(data["order_seed"], str) or not _SEED.fullmatch(data["order_seed"])
    ):
        fail("order_seed must be 8 to 64 lowercase hex characters (version 2 and later)")
    for key in ("quiz", "hash", "saved_at"):
        if not isinstance(data[key], str) or not data[key] or len(data[key]) > MAX_TEXT:
            fail(f"{key} must be a non-empty string of at most {MAX_TEXT} characters")
    if not _HASH.fullmatch(data["hash"]):  # fullmatch: "$" would let a trailing newline in
        fail("hash must be 16 lowercase hex characters")
    learner = data.get("learner")
    if learner is None:
        learner = ""
    elif not isinstance(learner, str) or len(learner) > MAX_TEXT:
        fail(f"learner must be a string of at most {MAX_TEXT} characters or null")
    try:
        datetime.fromisoformat(data["saved_at"].replace("Z", "+00:00"))
    except ValueError:
        fail("saved_at is not an ISO 8601 timestamp")
    shown = data["score_shown"]
    if shown is not None:
        if isinstance(shown, bool) or not isinstance(shown, (int, float)):
            fail("score_shown must be a number or null")
        # Compare before converting: float() of a 310-digit integer raises OverflowError.
        if not 0 <= shown <= 1:
            fail("score_shown must lie between 0 and 1")
        shown = float(shown)
    answers = data["answers"]
    if not isinstance(answers, dict):
        fail("answers must be an object of question id -> list of option ids")
    clean = {}
    for qid, ids in answers.items():
        if (
            len(qid) > MAX_TEXT
            or not isinstance(ids, list)
            or not all(isinstance(i, str) and 0 < len(i) <= MAX_TEXT for i in ids)
        ):
            fail(f"answers[{qid[:40]!r}] must be a list of option id strings")
        clean[qid] = list(ids)
    return AnswerFile(
        data["quiz"],
        data["hash"],
        learner,
        clean,
        shown,
        data["saved_at"],
        data.get("order_seed", ""),
        data.get("mode", ""),
        version,
    )


def answer_problems(answer: AnswerFile, quiz: Quiz) -> list[str]:
    """Ids that do not exist in the quiz version answered, or impossible choices."""
    problems = []
    by_id = {q.id: q for q in quiz.questions()}
    for qid, ids in answer.answers.items():
        question = by_id.get(qid)
        if question is None:
            problems.append(f"unknown question id {qid[:40]!r}")
            continue
        known = {o.id for o in question.options}
        for oid in ids:
            if oid not in known:
                problems.append(f"unknown option id {oid[:40]!r} for question {qid!r}")
        if len(set(ids)) != len(ids):
            problems.append(f"an option is chosen twice in question {qid!r}")
        if question.type == "single" and len(set(ids)) > 1:
            problems.append(f"question {qid!r} takes one answer, {len(set(ids))} were given")
    return problems
