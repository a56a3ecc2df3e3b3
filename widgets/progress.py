"""Progress page: the reader's saved quiz progress, read from this browser's localStorage.

Python cannot see a reader's browser, so the work happens in progress.js. Python hands over the
list of quizzes at build time (id, title, content hash, question count, chapter link) and holds
the reference implementation, summarize(), of the JavaScript function of the same name.

Storage format: the header comment of widgets/quiz.js (keys PREFIX + "<id>:<hash>", EXAM_PREFIX +
"<id>:<hash>" and the index INDEX_KEY, defined in widgets/storage.js).

Performance by topic: every question is tagged at build time with the modalities it examines
(its own `modality` key and those of the recommendations its options follow or contradict;
none of them: "general"), with its case's setting, with its `task` from the bank and with the
recommendations it examines. topic_credits() is the reference of the JavaScript function of the
same name: the weighted credit of the checked practice answers of the current version of each
quiz, per topic, scored by the engine.
"""

from __future__ import annotations

import json
import math

import traitlets

import quizzes
from quizzes.parsing.registry import load_registry

from .base import HERE, CourseWidget
from .storage_keys import EXAM_PREFIX, INDEX_KEY, PREFIX

# Quizzes in the order the book presents them; any other bank follows alphabetically.
COURSE_ORDER = ("quiz-settings", "quiz-haip", "quiz-embolic", "quiz-decisions")


def ordered_ids() -> list[str]:
    ids = quizzes.list_quizzes()
    rank = {q: i for i, q in enumerate(COURSE_ORDER)}
    return sorted(ids, key=lambda q: (rank.get(q, len(rank)), q))


def quiz_list(link_pattern: str = "{id}.html") -> list[dict]:
    """Every valid quiz bank, in course order, with the link to its chapter page."""
    out = []
    for quiz_id in ordered_ids():
        quiz = quizzes.load_bank(quiz_id)
        out.append(
            {
                "id": quiz.id,
                "title": quiz.title,
                "hash": quiz.hash,
                "questions": len(quiz.questions()),
                "href": link_pattern.format(id=quiz.id),
            }
        )
    return out


def _load(text):
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _entry(storage: dict, index: dict, key: str, total: int) -> dict | None:
    """Progress of one storage key: the index entry if usable, else counted from the key."""
    item = index.get(key)
    saved = _load(storage.get(key))
    if saved is None and not isinstance(item, dict):
        return None
    checked = None
    score = None
    saved_at = ""
    if isinstance(item, dict):
        value = item.get("checked")
        if (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and math.isfinite(value)
            and float(value).is_integer()
        ):
            checked = int(value)  # JavaScript's Number.isInteger
        value = item.get("score")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            score = float(value)
        value = item.get("saved_at")
        saved_at = value if isinstance(value, str) else ""
    if checked is None:
        listed = saved.get("checked") if saved else None
        checked = len(listed) if isinstance(listed, list) else 0
    if not saved_at and saved and isinstance(saved.get("saved_at"), str):
        saved_at = saved["saved_at"]
    return {"checked": max(0, min(checked, total)), "score": score, "saved_at": saved_at}


def summarize(quiz_rows: list[dict], storage: dict) -> list[dict]:
    """For each quiz: practice and exam progress on its current version, and how many saved
    versions of earlier banks are kept aside. storage is {key: string value}."""
    index_doc = _load(storage.get(INDEX_KEY)) or {}
    listed = index_doc.get("quizzes")
    index: dict = listed if isinstance(listed, dict) else {}
    out = []
    for q in quiz_rows:
        practice_key = f"{PREFIX}{q['id']}:{q['hash']}"
        exam_key = f"{EXAM_PREFIX}{q['id']}:{q['hash']}"
        older = sorted(
            k
            for k in storage
            if k.startswith((f"{PREFIX}{q['id']}:", f"{EXAM_PREFIX}{q['id']}:")) and k not in (practice_key, exam_key)
        )
        out.append(
            {
                "id": q["id"],
                "total": q["questions"],
                "practice": _entry(storage, index, practice_key, q["questions"]),
                "exam": _entry(storage, index, exam_key, q["questions"]),
                "older": len(older),
            }
        )
    return out


# Modality topics in the order the book teaches them, each with the chapter to revise from.
MODALITY_TOPICS = (
    ("haip", "HAIP (pump chemotherapy)", "haip.html"),
    ("tace", "DEBIRI-TACE (chemoembolization)", "debiri.html"),
    ("tare", "TARE (radioembolization)", "tare.html"),
    ("general", "Choosing between modalities", "which-modality.html"),
)
# The chapters' own titles, for the what-to-revise links.
CHAPTER_TITLES = {
    "haip": "Hepatic arterial infusion pump chemotherapy",
    "tace": "Chemoembolization with irinotecan-loaded beads (DEBIRI-TACE)",
    "tare": "Radioembolization with yttrium-90 (TARE)",
    "general": "Which modality and when",
}

# Chapter sections to revise from: (chapter, section anchor, what the link says). The anchors are
# the ids Sphinx gives those headings; tests/test_progress.py checks each one in the built site.
_THREE_SETTINGS = ("which-modality", "three-settings", "Which modality and when: three settings")
_EVIDENCE_DEBIRI = ("debiri", "the-evidence-by-setting", "DEBIRI-TACE: the evidence by setting")
_EVIDENCE_TARE = ("tare", "the-evidence-by-setting", "TARE: the evidence by setting")

# Settings are the case's features.setting (vocab.SETTINGS), never a tag of their own. Conversion
# is a goal there, not a setting: a conversion case counts under first line or after progression.
SETTING_TOPICS = (
    (
        "adjuvant",
        "Adjuvant, after resection",
        (_THREE_SETTINGS, ("haip", "adjuvant-therapy-after-resection", "HAIP: adjuvant therapy after resection")),
    ),
    (
        "first-line",
        "First line, before any chemotherapy",
        (
            _THREE_SETTINGS,
            ("haip", "unresectable-disease-first-line-and-conversion", "HAIP: first line and conversion"),
            _EVIDENCE_TARE,
        ),
    ),
    (
        "after-progression",
        "After progression on chemotherapy",
        (
            _THREE_SETTINGS,
            (
                "which-modality",
                "the-systemic-alternatives-after-progression",
                "The systemic alternatives after progression",
            ),
            _EVIDENCE_DEBIRI,
            _EVIDENCE_TARE,
        ),
    ),
)

# Tasks: the bank's `task` field (vocab.TASKS, defined in quizzes/README.md).
TASK_TOPICS = (
    (
        "selection",
        "Choosing the therapy for the patient",
        (
            _THREE_SETTINGS,
            ("which-modality", "disease-outside-the-liver", "Disease outside the liver"),
            ("which-modality", "explore-the-decision-rules", "Explore the decision rules"),
        ),
    ),
    (
        "contraindications",
        "Contraindications and cautions",
        (
            (
                "which-modality",
                "factors-that-rule-a-therapy-out-or-call-for-caution",
                "Factors that rule a therapy out, or call for caution",
            ),
            ("haip", "who-is-a-candidate-and-who-is-not", "HAIP: who is a candidate"),
            ("debiri", "who-is-a-candidate-and-who-is-not", "DEBIRI-TACE: who is a candidate"),
            ("tare", "who-is-a-candidate-and-who-is-not", "TARE: who is a candidate"),
        ),
    ),
    (
        "toxicity",
        "Toxicity: prevention and management",
        (
            ("haip", "toxicity-prevention-monitoring-and-treatment", "HAIP: toxicity"),
            ("debiri", "toxicity-prevention-and-management", "DEBIRI-TACE: toxicity"),
            ("tare", "toxicity-prevention-and-management", "TARE: toxicity"),
        ),
    ),
    (
        "evidence",
        "Reading the evidence",
        (
            ("haip", "the-evidence-by-setting", "HAIP: the evidence by setting"),
            _EVIDENCE_DEBIRI,
            _EVIDENCE_TARE,
            ("evidence", "explore-the-studies", "Evidence explorer: explore the studies"),
        ),
    ),
    (
        "counselling",
        "Talking with the patient",
        (
            ("which-modality", "the-patient-s-values-come-first", "The patient's values come first"),
            (
                "which-modality",
                "what-scarce-randomized-evidence-means-in-a-conversation",
                "What scarce randomized evidence means in a conversation",
            ),
            ("haip", "what-to-discuss-with-the-patient", "HAIP: what to discuss with the patient"),
            ("debiri", "what-to-discuss-with-the-patient", "DEBIRI-TACE: what to discuss with the patient"),
            ("tare", "what-to-discuss-with-the-patient", "TARE: what to discuss with the patient"),
        ),
    ),
)
# The three groups of the page, in the order it shows them: (credits key, question field).
TOPIC_GROUPS = (("modalities", "modalities"), ("settings", "setting"), ("tasks", "task"))
REVISE_BELOW = 0.75  # a topic under three quarters of full credit is worth revising


def _topics(rows, link_pattern: str) -> list[dict]:
    """Topic rows for the page: id, label, the first section as the topic's link, all sections."""
    out = []
    for topic_id, label, sections in rows:
        links = [{"href": f"{link_pattern.format(id=page)}#{anchor}", "label": text} for page, anchor, text in sections]
        out.append({"id": topic_id, "label": label, "href": links[0]["href"], "sections": links})
    return out


def topic_data(link_pattern: str = "{id}.html") -> dict:
    """What the progress page needs to score stored answers by topic, for every quiz bank:
    {"quizzes": [{id, hash, title, href, cases: [{questions: [{id, type, weight, options:
    [{id, credit}], modalities, recommendations}]}]}], "modalities": [...], "recommendations":
    {id: {label, modality}}}. It carries credits (the answer key), so exam builds leave it out."""
    registry = load_registry()
    cited: set[str] = set()
    rows = []
    for quiz_id in ordered_ids():
        quiz = quizzes.load_bank(quiz_id)
        cases = []
        for case in quiz.cases:
            questions = []
            for q in case.questions:
                recs = sorted(q.examines)
                cited.update(recs)
                named = q.modalities_examined(registry.records)
                mods = [m for m, _, _ in MODALITY_TOPICS[:3] if m in named] or ["general"]
                questions.append(
                    {
                        "id": q.id,
                        "type": q.type,
                        "weight": float(q.weight),
                        "options": [{"id": o.id, "credit": o.credit} for o in q.options],
                        "modalities": mods,
                        "setting": case.features["setting"],
                        "task": q.task,
                        "recommendations": recs,
                    }
                )
            cases.append({"questions": questions})
        rows.append(
            {
                "id": quiz.id,
                "hash": quiz.hash,
                "title": quiz.title,
                "href": link_pattern.format(id=quiz.id),
                "cases": cases,
            }
        )
    # A modality is revised from its whole chapter.
    modalities = [
        {
            "id": m,
            "label": label,
            "href": link_pattern.format(id=page[:-5]),
            "sections": [{"href": link_pattern.format(id=page[:-5]), "label": CHAPTER_TITLES[m]}],
        }
        for m, label, page in MODALITY_TOPICS
    ]
    return {
        "quizzes": rows,
        "modalities": modalities,
        "settings": _topics(SETTING_TOPICS, link_pattern),
        "tasks": _topics(TASK_TOPICS, link_pattern),
        "recommendations": {
            rid: {"label": rec.label, "modality": rec.modality} for rid, rec in registry.records.items() if rid in cited
        },
    }


def _checked_answers(quiz: dict, text) -> dict:
    """The checked answers of a stored quiz key, cleaned as cleanSaved() in quiz-data.js does:
    known options only, in bank order, one for a single-answer question."""
    saved = _load(text) or {}
    listed, ticked = saved.get("answers"), saved.get("checked")
    answers: dict = listed if isinstance(listed, dict) else {}
    checked: list = ticked if isinstance(ticked, list) else []
    out = {}
    for case in quiz["cases"]:
        for q in case["questions"]:
            ids = answers.get(q["id"])
            if not isinstance(ids, list) or q["id"] not in checked:
                continue
            keep = [o["id"] for o in q["options"] if o["id"] in ids]
            keep = keep[:1] if q["type"] == "single" else keep
            if keep:
                out[q["id"]] = keep
    return out


def _credit_rows(keys, tagged: dict, scores: dict, weights: dict) -> list[dict]:
    rows = []
    for key in keys:
        ids = tagged.get(key, [])
        done = [i for i in ids if i in scores]
        weight = sum(weights[i] for i in done)
        credit = sum(weights[i] * scores[i] for i in done) / weight if weight else None
        rows.append({"id": key, "questions": len(ids), "checked": len(done), "credit": credit})
    return rows


def topic_credits(data: dict, storage: dict) -> dict:
    """Per modality, setting, task and recommendation: questions tagged, how many are checked,
    and the weighted credit of those (None before any), from the practice answers in `storage`."""
    tagged: dict[str, dict[str, list]] = {group: {} for group, _ in TOPIC_GROUPS + (("recommendations", ""),)}
    scores: dict = {}
    weights: dict = {}
    for quiz in data["quizzes"]:
        chosen = _checked_answers(quiz, storage.get(f"{PREFIX}{quiz['id']}:{quiz['hash']}"))
        engine = quizzes.score_answers(quiz["id"], chosen)["questions"] if chosen else {}
        for case in quiz["cases"]:
            for q in case["questions"]:
                key = (quiz["id"], q["id"])
                weights[key] = q["weight"]
                if q["id"] in chosen:
                    scores[key] = engine[q["id"]]
                for group, field in TOPIC_GROUPS:
                    # modalities is a list per question; setting and task are one value each
                    values = q[field] if isinstance(q[field], list) else [q[field]]
                    for v in values:
                        tagged[group].setdefault(v, []).append(key)
                for r in q["recommendations"]:
                    tagged["recommendations"].setdefault(r, []).append(key)
    out = {
        group: _credit_rows([t["id"] for t in data[group]], tagged[group], scores, weights) for group, _ in TOPIC_GROUPS
    }
    out["recommendations"] = _credit_rows(list(data["recommendations"]), tagged["recommendations"], scores, weights)
    return out


def to_revise(credits: dict, limit: int = 3) -> list[tuple[str, str]]:
    """(group, topic id) of the topics under REVISE_BELOW across modalities, settings and tasks,
    weakest first (ties: the page's order)."""
    weak = [
        (r["credit"], group, r["id"])
        for group, _ in TOPIC_GROUPS
        for r in credits.get(group, [])
        if r["credit"] is not None and r["credit"] < REVISE_BELOW
    ]
    return [(group, topic) for _, group, topic in sorted(weak, key=lambda w: w[0])][:limit]


class Progress(CourseWidget):
    """A table of every quiz chapter with the progress saved in this browser."""

    _front_end = "progress"
    _repr_traits = ("quiz_ids",)

    quizzes = traitlets.List(traitlets.Dict()).tag(sync=True)
    # topic_data(), or {} in an exam build (it holds the answer key).
    topics = traitlets.Dict().tag(sync=True)

    def __init__(self, link_pattern: str = "{id}.html", **kwargs):
        topics = {} if quizzes.exam_mode() else topic_data(link_pattern)
        super().__init__(quizzes=quiz_list(link_pattern), topics=topics, **kwargs)

    @property
    def quiz_ids(self) -> list[str]:
        return [q["id"] for q in self.quizzes]


# Export and import of the learning history (widgets/history.js) is a section of this page.
Progress._css += (HERE / "history.css").read_text(encoding="utf-8")
