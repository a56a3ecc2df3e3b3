"""Decision explorer: what the course's decision rules say for a described situation.

The rules live in quizzes.rules.decide; this widget never re-implements them. At build time every
combination of the vocabulary (3 settings x 3 extents x 5 goals x 32 contraindication sets =
1440) is computed with decide.all_combinations() and handed to the browser as a compact table,
so the static page shows exactly what the engine says.

Compact table (trait `table`), small enough for a page (about 10 KB of rows):
  {"modalities": ["haip", "tace", "tare"], "stances": [...], "sentences": [str, ...],
   "explanations": [[sentence index, ...], ...] (joined with one space),
   "becauses": [[record id, ...], ...], "order": {vocabulary lists},
   "cells": [[[stance index, explanation index, because index] per modality], ...],
   "rows": [cell index for combination 0, 1, ... 1439]}
  A combination's number is ((setting * 3 + disease) * 5 + goal) * 32 + contraindication bits,
  each index taken from the vocabulary order and bit i set when contraindication i is present.
  combo_key() and expand() are the Python reference of the JavaScript comboKey() and lookup().
"""

from __future__ import annotations

import re

import traitlets

from quizzes import vocab
from quizzes.parsing.registry import load_registry
from quizzes.rules import decide

from .base import CourseWidget

MODALITY_LABELS = vocab.MODALITY_NAMES
SETTING_LABELS = {
    "adjuvant": "After complete resection of the liver metastases (adjuvant)",
    "first-line": "First line, unresectable disease",
    "after-progression": "After progression on chemotherapy",
}
DISEASE_LABELS = {
    "liver-limited": "Liver only",
    "liver-dominant": "Liver-dominant (at least 80% of the tumour in the liver)",
    "extrahepatic": "Substantial disease outside the liver",
}
GOAL_LABELS = {
    "conversion": "Become resectable (conversion)",
    "regional-control": "Response and control of the liver disease",
    "survival": "Live longer",
    "quality-of-life": "Quality of life",
    "avoid-procedures": "Avoid further procedures",
}
CONTRA_LABELS = vocab.CONTRAINDICATION_LABELS
STANCE_LABELS = {
    "option": "Option to discuss",
    "caution": "Caution: the MDT must weigh a risk",
    "not-supported": "Not supported here",
    "contraindicated": "Contraindicated",
}


def combo_key(case: dict) -> int:
    """The combination's number in the table (see the module docstring)."""
    bits = sum(1 << vocab.CONTRAINDICATIONS.index(c) for c in set(case.get("contraindications", [])))
    index = vocab.SETTINGS.index(case["setting"]) * len(vocab.DISEASES) + vocab.DISEASES.index(case["disease"])
    index = index * len(vocab.GOALS) + vocab.GOALS.index(case["goal"])
    return index * (1 << len(vocab.CONTRAINDICATIONS)) + bits


# Explanations combine the sentences of several rules; storing each sentence once keeps
# the page small. A split is used only if joining the pieces gives the text back exactly.
SENTENCE_END = re.compile(r"(?<=[.)])\s(?=[A-Z(])")


def split_sentences(text: str) -> list[str]:
    parts = SENTENCE_END.split(text)
    return parts if " ".join(parts) == text else [text]


def compact_table(rows: list[dict] | None = None) -> dict:
    """The engine's full decision table in the compact form described above."""
    rows = decide.all_combinations() if rows is None else rows
    strings: dict[str, list] = {"sentences": [], "explanations": [], "becauses": [], "cells": []}
    seen: dict[str, dict] = {name: {} for name in strings}

    def intern(name, value):
        key = repr(value)
        if key not in seen[name]:
            seen[name][key] = len(strings[name])
            strings[name].append(value)
        return seen[name][key]

    numbered = [None] * (len(vocab.SETTINGS) * len(vocab.DISEASES) * len(vocab.GOALS) << len(vocab.CONTRAINDICATIONS))
    for row in rows:
        cells = [
            [
                vocab.STANCES.index(row["result"][m]["stance"]),
                intern(
                    "explanations",
                    [intern("sentences", part) for part in split_sentences(row["result"][m]["explanation"])],
                ),
                intern("becauses", list(row["result"][m]["because"])),
            ]
            for m in vocab.MODALITIES
        ]
        numbered[combo_key(row["input"])] = intern("cells", cells)
    order = {
        "settings": list(vocab.SETTINGS),
        "diseases": list(vocab.DISEASES),
        "goals": list(vocab.GOALS),
        "contraindications": list(vocab.CONTRAINDICATIONS),
    }
    return {
        "modalities": list(vocab.MODALITIES),
        "stances": list(vocab.STANCES),
        "order": order,
        **strings,
        "rows": numbered,
    }


def expand(table: dict, case: dict) -> dict | None:
    """recommend()-shaped result for a case, read back from the compact table."""
    cell = table["rows"][combo_key(case)]
    if cell is None:
        return None
    return {
        m: {
            "stance": table["stances"][s],
            "because": list(table["becauses"][b]),
            "explanation": " ".join(table["sentences"][i] for i in table["explanations"][e]),
        }
        for m, (s, e, b) in zip(table["modalities"], table["cells"][cell], strict=True)
    }


def labels() -> dict:
    registry = load_registry()
    ids = sorted(decide.rule_record_ids())
    records = {}
    for rid in ids:
        rec = registry.records[rid]
        records[rid] = {"label": rec.label, "review": rec.is_review, "source": registry.sources[rec.source].label}
    return {
        "modalities": MODALITY_LABELS,
        "settings": SETTING_LABELS,
        "diseases": DISEASE_LABELS,
        "goals": GOAL_LABELS,
        "contraindications": CONTRA_LABELS,
        "stances": STANCE_LABELS,
        "order": {
            "settings": list(vocab.SETTINGS),
            "diseases": list(vocab.DISEASES),
            "goals": list(vocab.GOALS),
            "contraindications": list(vocab.CONTRAINDICATIONS),
        },
        "records": records,
    }


class DecisionExplorer(CourseWidget):
    """Radio groups for setting, extent and goal, checkboxes for contraindications; for each of
    HAIP, DEBIRI-TACE and TARE the engine's stance, explanation and the records it rests on."""

    _front_end = "decision"
    _repr_traits = ("setting", "disease", "goal", "contraindications")

    setting = traitlets.Unicode("first-line").tag(sync=True)
    disease = traitlets.Unicode("liver-limited").tag(sync=True)
    goal = traitlets.Unicode("conversion").tag(sync=True)
    contraindications = traitlets.List(traitlets.Unicode()).tag(sync=True)
    table = traitlets.Dict().tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(table=compact_table(), labels=labels(), **kwargs)

    @traitlets.validate("setting", "disease", "goal")
    def _known_value(self, proposal):
        name, value = proposal["trait"].name, proposal["value"]
        allowed = {"setting": vocab.SETTINGS, "disease": vocab.DISEASES, "goal": vocab.GOALS}[name]
        if value not in allowed:
            raise traitlets.TraitError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
        return value

    @traitlets.validate("contraindications")
    def _known_contras(self, proposal):
        bad = [c for c in proposal["value"] if c not in vocab.CONTRAINDICATIONS]
        if bad:
            raise traitlets.TraitError(f"unknown contraindication(s): {', '.join(bad)}")
        return [c for c in vocab.CONTRAINDICATIONS if c in proposal["value"]]

    def case(self) -> dict:
        return {
            "setting": self.setting,
            "disease": self.disease,
            "goal": self.goal,
            "contraindications": list(self.contraindications),
        }

    def result(self) -> dict:
        """What the front end shows, straight from the engine."""
        return decide.recommend(self.case())
