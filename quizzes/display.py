"""HTML snippets for book chapters (executed at build time)."""
from __future__ import annotations

from html import escape

from IPython.display import HTML

from . import vocab
from .registry import load_registry

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


def review_position(modality: str) -> HTML:
    """The registry records for a modality (and those covering all modalities): the review's
    statements first, then other sources, each with its source and certainty."""
    if modality not in vocab.MODALITIES:
        raise ValueError(f"modality must be one of {', '.join(vocab.MODALITIES)}")
    registry = load_registry()
    records = [r for r in registry.records.values() if r.modality in (modality, "all")]
    review = [r for r in records if r.is_review]
    other = [r for r in records if not r.is_review]

    def item(rec) -> str:
        src = registry.sources[rec.source]
        return ("<li><strong>" + escape(rec.label) + "</strong>: " + escape(rec.paraphrase)
                + " <small>(" + escape(src.label) + ", " + escape(rec.locator)
                + "; basis: " + escape(_CERTAINTY_TEXT.get(rec.certainty, rec.certainty))
                + " &mdash; " + escape(rec.certainty_note) + ")</small></li>")

    parts = ['<div class="crlm-review-position">',
             "<p><strong>What the review says</strong> (Raphael et al., JCO 2022; abstract only)</p>",
             "<ul>" + "".join(item(r) for r in review) + "</ul>"]
    if other:
        parts += ["<p><strong>Other sources the course uses</strong> (not the review's "
                  "statements)</p>", "<ul>" + "".join(item(r) for r in other) + "</ul>"]
    parts.append("</div>")
    return HTML("".join(parts))
