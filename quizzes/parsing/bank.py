"""Read and validate one quiz bank (banks/<quiz id>.yaml) against the registry."""

from __future__ import annotations

from pathlib import Path

from quizzes import vocab
from quizzes.parsing.issues import Issues
from quizzes.parsing.loader import load_or_report
from quizzes.parsing.model import Case, Option, Question, Quiz, Registry
from quizzes.parsing.validate import ID_PATTERN, MARKDOWN, Fields, join
from quizzes.rules.decide import recommend
from quizzes.rules.hashing import content_hash

_QUIZ = ("id", "title", "description", "cases")
_CASE = ("id", "title", "vignette", "features", "questions")
_FEATURES = vocab.FEATURE_KEYS
_QUESTION = ("id", "type", "task", "stem", "weight", "reveal_after", "modality", "options")
_QUESTION_REQUIRED = ("id", "type", "task", "stem", "options")
_OPTION = ("id", "text", "credit", "feedback", "follows", "contradicts", "modality", "pin")
_OPTION_REQUIRED = ("id", "text", "credit", "feedback", "follows", "contradicts")


def moodle_fraction(value: float) -> float | None:
    """The canonical Moodle fraction equal to value (within float noise), else None."""
    for fraction in vocab.MOODLE_FRACTIONS:
        if abs(value - fraction) < 1e-9:
            return fraction
    return None


def parse_bank(path, registry: Registry | None) -> tuple[Quiz | None, Issues]:
    """Validate a bank file. registry=None skips the registry cross-references."""
    path = Path(path)
    issues = Issues(str(path))
    loaded, data = load_or_report(path, issues)
    if not loaded:
        return None, issues
    top = Fields(issues, data, "", _QUIZ, ("id", "title", "cases"))
    if not top.ok:
        return None, issues
    quiz_id = top.text("id", pattern=ID_PATTERN)
    if quiz_id and quiz_id != path.stem:
        top.err("id", f"quiz id {quiz_id!r} must equal the file name stem {path.stem!r}")
    state: dict[str, set[str]] = {"case_ids": set(), "question_ids": set()}
    cases = []
    for i, line, value in top.items("cases", max_items=vocab.MAX_CASES):
        case = _parse_case(issues, value, join("cases", i), line, registry, state)
        if case is not None:
            cases.append(case)
    quiz = Quiz(
        id=quiz_id or path.stem,
        title=top.text("title") or "",
        description=top.text("description", required=False, default="", kind=MARKDOWN) or "",
        cases=tuple(cases),
        path=str(path),
    )
    if issues.errors:
        return None, issues
    return Quiz(**{**quiz.__dict__, "hash": content_hash(quiz)}), issues


def _parse_case(issues, value, path, line, registry, state) -> Case | None:
    f = Fields(issues, value, path, _CASE, _CASE, line=line)
    if not f.ok:
        return None
    before = len(issues.errors)
    cid = f.text("id", pattern=ID_PATTERN)
    if cid in state["case_ids"]:
        f.err("id", f"duplicate case id {cid!r}")
    elif cid:
        state["case_ids"].add(cid)
    features = (
        _parse_features(issues, f.raw("features"), join(path, "features"), f.line_of("features"))
        if f.has("features")
        else None
    )
    seen_in_case: list[str] = []
    questions = []
    for i, qline, qvalue in f.items("questions", max_items=vocab.MAX_QUESTIONS_PER_CASE):
        q = _parse_question(
            issues, qvalue, join(join(path, "questions"), i), qline, registry, state, seen_in_case, features
        )
        if q is not None:
            questions.append(q)
    title, vignette = f.text("title"), f.text("vignette", kind=MARKDOWN)
    if len(issues.errors) > before or features is None or cid is None or title is None or vignette is None:
        return None
    return Case(cid, title, vignette, features, tuple(questions))


def _parse_features(issues, value, path, line) -> dict | None:
    f = Fields(issues, value, path, _FEATURES, _FEATURES, line=line)
    if not f.ok:
        return None
    out = {
        "setting": f.text("setting", choices=vocab.SETTINGS),
        "disease": f.text("disease", choices=vocab.DISEASES),
        "goal": f.text("goal", choices=vocab.GOALS),
        "contraindications": f.str_list("contraindications", choices=vocab.CONTRAINDICATIONS),
    }
    return None if any(v is None for v in out.values()) else out


def _parse_question(issues, value, path, line, registry, state, seen_in_case, features):
    f = Fields(issues, value, path, _QUESTION, _QUESTION_REQUIRED, line=line)
    if not f.ok:
        return None
    before = len(issues.errors)
    qid = f.text("id", pattern=ID_PATTERN)
    if qid in state["question_ids"]:
        f.err("id", f"duplicate question id {qid!r} (ids must be unique within the bank)")
    qtype = f.text("type", choices=vocab.QUESTION_TYPES)
    task = f.text("task", choices=vocab.TASKS)
    stem = f.text("stem", kind=MARKDOWN)
    weight = f.number("weight", required=False, default=1.0)
    if weight is not None and weight <= 0:
        f.err("weight", "must be greater than 0")
    reveal = f.text("reveal_after", required=False, pattern=ID_PATTERN)
    if reveal is not None and reveal not in seen_in_case:
        f.err("reveal_after", f"{reveal!r} is not an earlier question of the same case")
    modality = f.str_list("modality", required=False, choices=vocab.OPTION_MODALITIES, allow_scalar=True)
    if modality is not None and qtype == "single" and len(modality) > 1:
        f.err("modality", "a single-answer question's key concerns one modality")
    if modality and "none" in modality and len(modality) > 1:
        f.err("modality", "'none' cannot be combined with a modality")
    options = []
    option_lines = []
    option_ids: set[str] = set()
    raw_options = f.items("options", max_items=vocab.MAX_OPTIONS)
    if 0 < len(raw_options) < vocab.MIN_OPTIONS:
        f.err("options", f"a question needs at least {vocab.MIN_OPTIONS} options (found {len(raw_options)})")
    for i, oline, ovalue in raw_options:
        opt = _parse_option(issues, ovalue, join(join(path, "options"), i), oline, registry)
        if opt is None:
            continue
        if opt.id in option_ids:
            issues.error(
                oline, join(join(path, "options"), i) + ".id", f"duplicate option id {opt.id!r} in this question"
            )
            continue
        option_ids.add(opt.id)
        options.append(opt)
        option_lines.append(_credit_line(ovalue, oline))
    if qid:
        state["question_ids"].add(qid)
        seen_in_case.append(qid)
    if len(issues.errors) > before or qtype is None or task is None or weight is None:
        return None
    _check_credits(f, qtype, options)
    question = Question(
        qid, qtype, stem or "", tuple(options), weight, reveal, tuple(modality or ()), task, line=line, path=path
    )
    if features is not None:
        _check_key_against_decision(issues, question, features, option_lines, path, f)
    return question if len(issues.errors) == before else None


def _credit_line(value, fallback: int) -> int:
    return value.line_of("credit") if hasattr(value, "line_of") else fallback


def _parse_option(issues, value, path, line, registry) -> Option | None:
    f = Fields(issues, value, path, _OPTION, _OPTION_REQUIRED, line=line)
    if not f.ok:
        return None
    before = len(issues.errors)
    oid = f.text("id", pattern=ID_PATTERN)
    credit = f.number("credit")
    if credit is not None:
        canonical = moodle_fraction(credit)
        if canonical is None:
            f.err(
                "credit",
                f"{credit!r} is not a fraction from Moodle's list "
                "(1, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, "
                "0.3333333, 0.3, 0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, "
                "0.1, 0.05, 0 or a negative of one)",
            )
        credit = canonical
    follows = f.str_list("follows", pattern=ID_PATTERN)
    contradicts = f.str_list("contradicts", pattern=ID_PATTERN)
    for key, ids in (("follows", follows), ("contradicts", contradicts)):
        for rid in ids or ():
            if registry is not None and rid not in registry.records:
                f.err(key, f"unknown recommendation id {rid!r}")
    both = set(follows or ()) & set(contradicts or ())
    if both:
        f.err("contradicts", f"an option cannot both follow and contradict {sorted(both)}")
    modality = f.text("modality", required=False, choices=vocab.OPTION_MODALITIES)
    pin = f.text("pin", required=False, choices=("last",))
    text, feedback = f.text("text", kind=MARKDOWN), f.text("feedback", kind=MARKDOWN)
    # Each field is None only when it recorded an error; the explicit test tells the type checker.
    if (
        len(issues.errors) > before
        or oid is None
        or text is None
        or credit is None
        or feedback is None
        or follows is None
        or contradicts is None
    ):
        return None
    return Option(oid, text, credit, feedback, tuple(follows), tuple(contradicts), modality, pin, line=line)


def _check_credits(f, qtype, options) -> None:
    if qtype == "single":
        full = [o for o in options if o.credit == 1.0]
        if len(full) != 1:
            f.err("options", f"a single-answer question needs exactly one option with credit 1 (found {len(full)})")
    else:
        positive = sum(o.credit for o in options if o.credit > 0)
        if abs(positive - 1.0) > vocab.CREDIT_SUM_TOLERANCE:
            f.err(
                "options",
                f"positive credits of a multiple-response question must sum to 1 (they sum to {positive:.7g})",
            )


def _check_key_against_decision(issues, q: Question, features, lines, path, f) -> None:
    """The key of a modality choice must agree with decide.recommend() for the case features."""
    verdict = recommend(features)
    for i, opt in enumerate(q.options):
        where = join(join(path, "options"), i)
        if opt.modality in vocab.MODALITIES and opt.credit < 0 and verdict[opt.modality]["stance"] == "caution":
            # a caution is for the MDT to weigh: neither a key nor a mistake to tick
            issues.error(
                lines[i],
                where + ".credit",
                f"option names {opt.modality}, which recommend() marks caution for "
                f"this case, but gives it negative credit (use 0)",
            )
        if (
            opt.modality in vocab.MODALITIES
            and opt.credit > 0
            and verdict[opt.modality]["stance"] in ("contraindicated", "caution")
        ):
            issues.error(
                lines[i],
                where + ".credit",
                f"option names {opt.modality}, which recommend() marks "
                f"{verdict[opt.modality]['stance']} for this case, but gives it "
                f"positive credit",
            )
    if not q.modality:
        return
    for m in q.modality:
        if m == "none":
            # "No regional therapy" is a key only where nothing is an option or a caution: a
            # caution is for the MDT to weigh, not to rule out.
            offered = [x for x in vocab.MODALITIES if verdict[x]["stance"] in ("option", "caution")]
            if offered:
                marked = ", ".join(f"{x} {verdict[x]['stance']}" for x in offered)
                f.err("modality", f"key says no regional therapy, but recommend() marks {marked} for this case")
        elif verdict[m]["stance"] != "option":
            f.err("modality", f"key concerns {m}, but recommend() gives {verdict[m]['stance']!r} for this case")
    keyed = {o.modality for o in q.options if o.credit > 0}
    for i, opt in enumerate(q.options):
        if opt.credit > 0 and opt.modality not in q.modality:
            issues.error(
                lines[i],
                join(join(path, "options"), i) + ".modality",
                f"credited option must name one of the key's modalities "
                f"({', '.join(q.modality)}), got {opt.modality or 'no modality'}",
            )
    missing = [m for m in q.modality if m not in keyed]
    if missing:
        f.err("modality", f"no credited option names {', '.join(missing)}")
