"""JSON-serialisable data for the browser quiz widget.

In exam mode the answer key never leaves Python: credit, feedback_html, follows, contradicts and
the recommendations dict are left out entirely (absent, not null).
"""

from __future__ import annotations

from quizzes.pages.render import markdown_html
from quizzes.parsing.model import Quiz, Registry, iter_questions
from quizzes.rules import scoring


def build_payload(quiz: Quiz, registry: Registry, exam: bool = False, links: bool = True) -> dict:
    """links=False: citations as plain text (a SCORM package has no book to link into)."""

    def html(text: str) -> str:
        return markdown_html(text, links=links)

    cases = []
    for case in quiz.cases:
        questions = []
        for q in case.questions:
            options = []
            for o in q.options:
                entry: dict[str, object] = {"id": o.id, "text_html": html(o.text)}
                if o.pin:
                    entry["pin"] = o.pin  # shown after the shuffled options (quizzes/rules/order.py)
                if not exam:
                    entry.update(
                        credit=float(o.credit),
                        feedback_html=html(o.feedback),
                        follows=list(o.follows),
                        contradicts=list(o.contradicts),
                    )
                options.append(entry)
            questions.append(
                {
                    "id": q.id,
                    "type": q.type,
                    "stem_html": html(q.stem),
                    "weight": float(q.weight),
                    "reveal_after": q.reveal_after,
                    "options": options,
                }
            )
        cases.append({"id": case.id, "title": case.title, "vignette_html": html(case.vignette), "questions": questions})
    data = {
        "id": quiz.id,
        "title": quiz.title,
        "description_html": html(quiz.description),
        "hash": quiz.hash,
        "exam": bool(exam),
        "scoring": scoring.RULE_NAME,
        "cases": cases,
    }
    if not exam:
        cited = set()
        for _, q in iter_questions(quiz):
            cited |= q.examines
        data["recommendations"] = {
            rid: {
                "label": rec.label,
                "source": rec.source,
                "source_label": registry.sources[rec.source].short,
                "paraphrase_html": html(rec.paraphrase),
                "citation": registry.citation(rec),
            }
            for rid, rec in registry.records.items()
            if rid in cited
        }
    return data
