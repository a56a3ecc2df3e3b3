"""Item-writing checks: cues a test-wise reader could use without knowing the subject.

The rules follow the licensing boards' item-writing guides (one best answer, homogeneous options
of similar length, no absolutes, no linked items, no fixed key position). Each finding names a
rule code; `check` reports them as warnings, or errors with --strict. Citation tokens that name
no bibliography entry or registry record are always errors: they would show as raw text.

Rules (code: what it flags):
  key-longest       more than a third of a bank's single-answer keys are strictly the longest option
  key-shortest      the same for the shortest option
  key-middle        more than 70% of the keys are neither the longest nor the shortest option
                    ("avoid the extremes" would then beat guessing)
  length-spread     an option is more than 1.6 times or less than 0.5 times the question's mean length
  absolute          a distractor uses an absolute term ("always", "never", "no role", ...)
  hedge-only-key    only the key carries a hedge ("may", "potential", "consider", ...)
  caution-only-key  only the key leaves something for the team to weigh ("weigh", "MDT",
                    "multidisciplinary"): a reader would learn that the caution answer is right
  few-options       fewer than 4 options
  all-none-above    "all of the above" / "none of the above"
  duplicate-option  two options with the same text
  negative-lead-in  a lead-in in capitals such as EXCEPT or NOT
  linked-stem       a later stem of the same case repeats four words of an earlier key (the
                    whole key when it has three)
  key-position      in bank order, one position holds more than half the single-answer keys, or
                    every select-all question lists its credited options first
  select-all-share  more than a fifth of a bank's questions are select-all
  uncited-number    a feedback sentence states a figure (%, months, P, HR, doses) without [@key]
  telling-id        an option id names its own status ("correct", "wrong", "key", "best", ...):
                    option ids are in every page, exam pages included, so the id must not say it
  untagged-modality an option that opens with one therapy's name ("Chemoembolization with ...")
                    has no `modality`: the check of keys against recommend() finds a therapy
                    option by its tag, so an untagged one escapes it
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from quizzes.pages import cite
from quizzes.parsing.issues import Issues
from quizzes.parsing.model import Quiz, Registry

ABSOLUTES = re.compile(
    r"\b(always|never|no role|guarantee[sd]?|cures?|cured|no side effects?|completely|"
    r"impossible|all patients|no patient|nothing can|entirely|100% safe|without any risk)\b",
    re.IGNORECASE,
)
HEDGES = re.compile(
    r"\b(may|might|potential(ly)?|consider|possibly|could|not (been )?shown|"
    r"uncertain|suggests?)\b",
    re.IGNORECASE,
)
CAUTION_WORDS = re.compile(r"\bweigh|\bMDT\b|multidisciplinary", re.IGNORECASE)
ALL_NONE = re.compile(r"\b(all|none) of the above\b", re.IGNORECASE)
NEGATIVE = re.compile(r"\b(EXCEPT|NOT|LEAST)\b")
# Whole hyphen-separated words of an option id that would tell an exam taker its credit.
# ("right" is left out: right-sided tumours and the right lobe are content, not status.)
TELLING_ID = re.compile(r"(^|-)(correct|incorrect|wrong|key|best|distractor|answer)($|-)")
FIGURE = re.compile(
    r"\d(\.\d+)?\s*(%|months?|mg|Gy|GBq|mL|weeks?|years?)|\bP\s*[=<>]|\bHR\b|"
    r"\b\d+\s*(of|out of)\s*\d+\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+")
# The regional therapies by the names options use, each to its modality ("-induced" is a diagnosis).
_THERAPY_NAMES = {
    "haip": r"hepatic arterial infusion|pump|HAIP",
    "tace": r"chemoembolization|DEBIRI|TACE",
    "tare": r"radioembolization|TARE|SIRT|yttrium-90",
}
THERAPY = {m: re.compile(rf"\b(?:{names})(?![\w-])", re.IGNORECASE) for m, names in _THERAPY_NAMES.items()}
_STOP = {
    "a",
    "an",
    "the",
    "of",
    "in",
    "on",
    "to",
    "and",
    "or",
    "for",
    "with",
    "by",
    "is",
    "are",
    "be",
    "was",
    "were",
    "it",
    "its",
    "this",
    "that",
    "as",
    "at",
    "from",
    "his",
    "her",
    "their",
    "he",
    "she",
    "they",
}

KEY_LONGEST_MAX = 1 / 3
KEY_MIDDLE_MAX = 0.7
SELECT_ALL_MAX = 1 / 5
POSITION_MAX = 1 / 2
LENGTH_HIGH, LENGTH_LOW = 1.6, 0.5


@dataclass(frozen=True)
class CueRow:
    quiz: str
    single: int
    multiple: int
    key_longest: int
    key_first: int
    hedge_only_key: int
    absolutes: int


def plain(markdown: str) -> str:
    """The words a reader sees: citation tokens and Markdown marks removed."""
    text = cite.BIB_TOKEN.sub("", cite.RECORD_TOKEN.sub("", markdown or ""))
    return re.sub(r"[*_`#>\[\]()]", "", text).strip()


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(plain(text).lower()) if w not in _STOP]


def lint_bank(quiz: Quiz, registry: Registry | None, bibkeys: set[str], strict: bool) -> Issues:
    issues = Issues(quiz.path or quiz.id)
    warn = issues.error if strict else issues.warning
    _check_citations(issues, quiz, registry, bibkeys)
    singles = [(c, q) for c in quiz.cases for q in c.questions if q.type == "single"]
    multiples = [(c, q) for c in quiz.cases for q in c.questions if q.type == "multiple"]
    total = len(singles) + len(multiples)

    longest = [q for _, q in singles if _key_is_longest(q)]
    if singles and len(longest) / len(singles) > KEY_LONGEST_MAX:
        warn(
            0,
            "",
            f"key-longest: the key is the longest option in {len(longest)} of "
            f"{len(singles)} single-answer questions (at most a third allowed): " + ", ".join(q.id for q in longest),
        )
    shortest = [q for _, q in singles if _key_is_shortest(q)]
    if singles and len(shortest) / len(singles) > KEY_LONGEST_MAX:
        warn(
            0,
            "",
            f"key-shortest: the key is the shortest option in {len(shortest)} of "
            f"{len(singles)} single-answer questions (at most a third allowed): " + ", ".join(q.id for q in shortest),
        )
    middle = [q for _, q in singles if not _key_is_longest(q) and not _key_is_shortest(q)]
    if len(singles) >= 4 and len(middle) / len(singles) > KEY_MIDDLE_MAX:
        warn(
            0,
            "",
            f"key-middle: the key is neither the longest nor the shortest option in "
            f"{len(middle)} of {len(singles)} single-answer questions (at most 70%): "
            "make some keys the longest or the shortest",
        )
    if total and len(multiples) / total > SELECT_ALL_MAX:
        warn(0, "", f"select-all-share: {len(multiples)} of {total} questions are select-all (at most a fifth)")
    _check_positions(warn, singles, multiples)

    for case in quiz.cases:
        earlier_keys: list[tuple[str, list[str]]] = []
        for q in case.questions:
            _check_question(warn, q)
            stem = _words(q.stem)
            for qid, key_words in earlier_keys:
                if len(key_words) >= 3 and _shares_run(key_words, stem, min(4, len(key_words))):
                    warn(q.line, q.path + ".stem", f"linked-stem: the stem repeats the wording of the key of {qid}")
            for o in q.options:
                if o.credit > 0:
                    earlier_keys.append((q.id, _words(o.text)))
    return issues


def _check_question(warn, q) -> None:
    where = q.path + ".options"
    if len(q.options) < 4:
        warn(q.line, where, f"few-options: {len(q.options)} options (use 4 or 5)")
    if NEGATIVE.search(q.stem):
        warn(q.line, q.path + ".stem", "negative-lead-in: avoid EXCEPT/NOT/LEAST lead-ins")
    lengths = [len(plain(o.text)) for o in q.options]
    mean = sum(lengths) / len(lengths) if lengths else 0
    seen: dict[str, str] = {}
    for o, n in zip(q.options, lengths, strict=True):
        text = " ".join(plain(o.text).lower().split())
        if text in seen:
            warn(o.line, where, f"duplicate-option: {o.id} repeats {seen[text]}")
        seen.setdefault(text, o.id)
        if ALL_NONE.search(o.text):
            warn(o.line, where, f"all-none-above: option {o.id}")
        if TELLING_ID.search(o.id):
            warn(
                o.line,
                where,
                f"telling-id: option id {o.id!r} names its status, and ids are in every page: use a neutral id",
            )
        named = [m for m, name in THERAPY.items() if name.search(plain(o.text))]
        if not o.modality and len(named) == 1 and THERAPY[named[0]].match(plain(o.text)):
            warn(
                o.line,
                where,
                f"untagged-modality: option {o.id} opens with a therapy ({named[0]}) but has no modality tag",
            )
        absolute = ABSOLUTES.search(plain(o.text)) if o.credit <= 0 else None
        if absolute:
            warn(o.line, where, f"absolute: distractor {o.id} says {absolute.group(0)!r}")
        if mean and not (LENGTH_LOW * mean <= n <= LENGTH_HIGH * mean):
            warn(o.line, where, f"length-spread: option {o.id} is {n} characters against a mean of {mean:.0f}")
        for sentence in re.split(r"(?<=[.;])\s+", o.feedback or ""):
            if FIGURE.search(plain(sentence)) and not cite.BIB_TOKEN.search(sentence):
                warn(
                    o.line,
                    where,
                    f"uncited-number: feedback of {o.id} states a figure without [@key]: {plain(sentence)[:60]!r}",
                )
                break
    if q.type == "single" and _hedge_only_key(q):
        warn(q.line, where, "hedge-only-key: only the key carries a hedging word")
    if q.type == "single" and _only_key_matches(q, CAUTION_WORDS):
        warn(q.line, where, "caution-only-key: only the key leaves something for the MDT to weigh")


def _key_is_longest(q) -> bool:
    lengths = {o.id: len(plain(o.text)) for o in q.options}
    key = next(o.id for o in q.options if o.credit >= 1.0)
    return all(lengths[key] > n for oid, n in lengths.items() if oid != key)


def _key_is_shortest(q) -> bool:
    lengths = {o.id: len(plain(o.text)) for o in q.options}
    key = next(o.id for o in q.options if o.credit >= 1.0)
    return all(lengths[key] < n for oid, n in lengths.items() if oid != key)


def _only_key_matches(q, pattern) -> bool:
    """The key's text matches `pattern` and no other option's does."""
    hits = [o for o in q.options if pattern.search(plain(o.text))]
    return len(hits) == 1 and hits[0].credit >= 1.0


def _hedge_only_key(q) -> bool:
    return _only_key_matches(q, HEDGES)


def _check_positions(warn, singles, multiples) -> None:
    if len(singles) >= 4:
        where = Counter(next(i for i, o in enumerate(q.options) if o.credit >= 1.0) for _, q in singles)
        pos, n = where.most_common(1)[0]
        if n / len(singles) > POSITION_MAX:
            warn(
                0,
                "",
                f"key-position: in bank order the key is option {pos + 1} in {n} of "
                f"{len(singles)} single-answer questions",
            )
    if len(multiples) >= 2 and all(_credited_first(q) for _, q in multiples):
        warn(0, "", "key-position: every select-all question lists its credited options first")


def _credited_first(q) -> bool:
    flags = [o.credit > 0 for o in q.options]
    return flags == sorted(flags, reverse=True)


def _shares_run(a: list[str], b: list[str], n: int) -> bool:
    runs = {tuple(a[i : i + n]) for i in range(len(a) - n + 1)}
    return any(tuple(b[i : i + n]) in runs for i in range(len(b) - n + 1))


def _check_citations(issues, quiz: Quiz, registry, bibkeys) -> None:
    """Unknown [@key] / [#record] tokens would reach a reader as raw text."""

    def texts():
        yield 0, "description", quiz.description
        for case in quiz.cases:
            yield 0, f"{case.id}.vignette", case.vignette
            for q in case.questions:
                yield q.line, q.path + ".stem", q.stem
                for o in q.options:
                    yield o.line, q.path + f".options.{o.id}", o.text
                    yield o.line, q.path + f".options.{o.id}.feedback", o.feedback

    for line, where, text in texts():
        keys, records = cite.tokens(text)
        for key in keys:
            if key not in bibkeys:
                issues.error(line, where, f"[@{key}] is not a key of the bibliography")
        for rid in records:
            if registry is not None and rid not in registry.records:
                issues.error(line, where, f"[#{rid}] is not a registry record id")


def cue_rows(quizzes: list[Quiz]) -> list[CueRow]:
    rows = []
    for quiz in quizzes:
        singles = [q for c in quiz.cases for q in c.questions if q.type == "single"]
        multiples = [q for c in quiz.cases for q in c.questions if q.type == "multiple"]
        rows.append(
            CueRow(
                quiz.id,
                len(singles),
                len(multiples),
                sum(_key_is_longest(q) for q in singles),
                sum(q.options[0].credit >= 1.0 for q in singles),
                sum(_hedge_only_key(q) for q in singles),
                sum(
                    1
                    for c in quiz.cases
                    for q in c.questions
                    for o in q.options
                    if o.credit <= 0 and ABSOLUTES.search(plain(o.text))
                ),
            )
        )
    return rows


def format_cue_table(rows: list[CueRow]) -> list[str]:
    lines = [
        "Item-writing cues (single-answer keys; bank order, before shuffling)",
        f"{'quiz':<18} {'single':>6} {'multi':>5} {'key longest':>11} {'key first':>9} "
        f"{'hedge-only key':>14} {'absolutes':>9}",
    ]
    for r in rows:
        lines.append(
            f"{r.quiz:<18} {r.single:>6} {r.multiple:>5} {r.key_longest:>11} "
            f"{r.key_first:>9} {r.hedge_only_key:>14} {r.absolutes:>9}"
        )
    return lines
