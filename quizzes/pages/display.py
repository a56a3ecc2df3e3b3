"""HTML snippets for book chapters (executed at build time)."""

from __future__ import annotations

from html import escape

from IPython.display import HTML

from quizzes import vocab
from quizzes.parsing.registry import load_registry
from quizzes.rules.order import display_order

SELF_CHECK_SEED = "00000000selfcheck"

_CERTAINTY_TEXT = {
    "randomized": "randomized trials",
    "limited-randomized": "limited randomized evidence",
    "nonrandomized": "non-randomized studies",
    "expert-consensus": "expert consensus",
    "manufacturer": "manufacturer information",
    "secondary": "secondary source",
    "physiology": "physiological rationale",
    "value-judgement": "value judgement",
}


def review_position(modality: str | None) -> HTML:
    """The registry records for a modality (and those covering all modalities), or every record
    when modality is None: the review's statements first, then other sources, each with its
    source and certainty. With None each item carries the anchor rec-<id> that bank citations
    ([#id], quizzes/pages/cite.py) link to."""
    if modality is not None and modality not in vocab.MODALITIES:
        raise ValueError(f"modality must be None or one of {', '.join(vocab.MODALITIES)}")
    registry = load_registry()
    records = [r for r in registry.records.values() if modality is None or r.modality in (modality, "all")]
    review = [r for r in records if r.is_review]
    other = [r for r in records if not r.is_review]

    def item(rec) -> str:
        src = registry.sources[rec.source]
        anchor = f' id="rec-{escape(rec.id)}"' if modality is None else ""
        return (
            f"<li{anchor}><strong>"
            + escape(rec.label)
            + "</strong>: "
            + escape(rec.paraphrase)
            + " <small>("
            + escape(src.short)
            + ": "
            + escape(src.label)
            + ", "
            + escape(rec.locator)
            + "; basis: "
            + escape(_CERTAINTY_TEXT.get(rec.certainty, rec.certainty))
            + " &mdash; "
            + escape(rec.certainty_note)
            + ")</small></li>"
        )

    parts = [
        '<div class="crlm-review-position">',
        "<p><strong>What the review says</strong> (Raphael et al., JCO 2022; abstract only)</p>",
        "<ul>" + "".join(item(r) for r in review) + "</ul>",
    ]
    if other:
        parts += [
            "<p><strong>Other sources the course uses</strong> (not the review's statements)</p>",
            "<ul>" + "".join(item(r) for r in other) + "</ul>",
        ]
    parts.append("</div>")
    return HTML("".join(parts))


def left_out_of_exam(what: str) -> HTML:
    """What an exam build shows instead of a tool that would answer exam questions."""
    return HTML(
        f'<p class="crlm-exam-note"><strong>Exam build:</strong> {escape(what)} is left '
        "out while the quizzes are an exam, because it would answer some of their "
        "questions. It is back in the practice build.</p>"
    )


def self_check(quiz_id: str, question_ids: list[str], exam: bool | None = None) -> HTML:
    """A few questions of a bank, shown in a chapter as self-check items.

    Each shows its case vignette, stem and options; outside exam mode a native
    <details> reveals the best answer(s) with the bank's feedback. Text comes from
    the payload, which is sanitized at build time; everything else is escaped. In an exam
    build the questions are exam questions: none is shown.
    """
    from quizzes.catalogue import exam_mode, payload

    exam = exam_mode() if exam is None else exam
    if exam:
        return left_out_of_exam("the self-check")
    data = payload(quiz_id, exam=exam)
    found = {q["id"]: (case, q) for case in data["cases"] for q in case["questions"]}
    missing = [qid for qid in question_ids if qid not in found]
    if missing:
        raise KeyError(f"{quiz_id} has no question(s) {', '.join(missing)}")
    parts = ['<div class="crlm-self-check">']
    for n, qid in enumerate(question_ids, 1):
        case, q = found[qid]
        kind = "choose one" if q["type"] == "single" else "choose all that apply"
        parts.append(f'<section class="crlm-self-check-item" aria-labelledby="sc-{escape(qid)}">')
        parts.append(
            f'<p class="crlm-self-check-title" id="sc-{escape(qid)}"><strong>Self-check {n}: '
            f"{escape(case['title'])}</strong> ({kind})</p>"
        )
        parts.append(case["vignette_html"] + q["stem_html"] + '<ol type="A">')
        # A static page has no learner seed: one fixed shuffle, so the key is in no set place.
        by_id = {o["id"]: o for o in q["options"]}
        shown = [by_id[i] for i in display_order(q["options"], SELF_CHECK_SEED, quiz_id, qid)]
        parts.extend(f"<li>{o['text_html']}</li>" for o in shown)
        parts.append("</ol>")
        if not exam:
            best = max(o["credit"] for o in q["options"])
            keyed = [o for o in q["options"] if o["credit"] > 0]
            parts.append("<details><summary>Show the answer and why</summary><ul>")
            for o in shown:
                if o["credit"] > 0:
                    label = "Best answer" if o["credit"] == best and len(keyed) == 1 else f"Credit {o['credit']:g}"
                    parts.append(f"<li><strong>{label}:</strong> {o['text_html']}{o['feedback_html']}</li>")
            parts.append("</ul></details>")
        parts.append("</section>")
    parts.append(f'<p>More questions like these: the <a href="{escape(quiz_id)}.html">{escape(data["title"])}</a>.</p>')
    parts.append("</div>")
    return HTML("".join(parts))
