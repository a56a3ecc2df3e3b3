"""What the Moodle and QTI exporters share: HTML of each question and the credit formats.

All text goes through quizzes.pages.render.markdown_html (the same sanitiser the browser payload
uses); the exporters then write it with xml.etree, which escapes it by construction.
"""

from __future__ import annotations

import io
import zipfile
from html import escape

from quizzes.pages import cite
from quizzes.pages.render import markdown_html
from quizzes.parsing.model import Case, Option, Question, Quiz, Registry
from quizzes.rules.order import display_order

BANK_NAME = "crlm-quizzes"  # file stem of the whole-bank downloads
CATEGORY_ROOT = "CRLM regional therapy"
# Exports list options in a shuffled order (the LMS may shuffle again per attempt), so that an
# LMS set not to shuffle still shows no key in a fixed place; pinned options stay last.
EXPORT_SEED = "0000000000lms000"
FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # reproducible zips: same bank, same bytes


def reproducible_zip(files: dict[str, bytes]) -> bytes:
    """A zip of {name: bytes} in the given order, every entry dated FIXED_TIME and mode 0644."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buffer.getvalue()


def export_options(quiz: Quiz, question: Question) -> list[Option]:
    by_id = {o.id: o for o in question.options}
    return [by_id[i] for i in display_order(question.options, EXPORT_SEED, quiz.id, question.id)]


def percent(credit: float) -> str:
    """A credit as Moodle's percent fraction: 1 -> "100", 0.3333333 -> "33.33333", -0.5 -> "-50"."""
    text = f"{credit * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def number(value: float) -> str:
    """Weights and points without a trailing .0 ("1", "2", "1.5")."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def question_html(case: Case, question: Question) -> str:
    """Case title, vignette and stem: each LMS question stands alone, so it carries the case."""
    parts = [f"<p><strong>{escape(case.title)}</strong></p>", markdown_html(case.vignette, links=False)]
    if question.reveal_after:
        parts.append("<p><em>The case continues.</em></p>")
    parts.append(markdown_html(question.stem, links=False))
    if question.type == "multiple" and "select all" not in question.stem.lower():
        parts.append("<p><em>Select all that apply.</em></p>")
    return "\n".join(p for p in parts if p)


def general_feedback_html(question: Question, registry: Registry) -> str:
    """The recommendations the question examines, each with its source and locator."""
    items = []
    for rid in sorted(question.examines, key=lambda r: list(registry.records).index(r)):
        rec = registry.records[rid]
        origin = "the review" if rec.is_review else "not the review"
        items.append(
            f"<li>{escape(cite.record_label(registry, rid))} ({escape(registry.citation(rec))}; {origin})</li>"
        )
    if not items:
        return ""
    return "<p>This question examines:</p>\n<ul>" + "".join(items) + "</ul>"


def option_html(text: str) -> str:
    return markdown_html(text, links=False)


def select_quizzes(quizzes: list[Quiz], ids: list[str] | None) -> list[Quiz]:
    if not ids:
        return list(quizzes)
    known = {q.id: q for q in quizzes}
    missing = [i for i in ids if i not in known]
    if missing:
        raise KeyError(f"no quiz bank named {', '.join(map(repr, missing))}; known: {', '.join(known)}")
    return [known[i] for i in ids]
