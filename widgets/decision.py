"""Decision explorer: what the course's decision rules say for a described situation.

The rules live in quizzes.decide; this widget never re-implements them. At build time every
combination of the vocabulary (3 settings x 3 extents x 5 goals x 32 contraindication sets =
1440) is computed with decide.all_combinations() and handed to the browser as a compact table,
so the static page shows exactly what the engine says.

Compact table (trait `table`):
  {"modalities": ["haip", "tace", "tare"], "stances": [...], "explanations": [str, ...],
   "becauses": [[record id, ...], ...],
   "rows": {key: [[stance index, explanation index, because index] per modality]}}
  key = "setting|disease|goal|c1,c2" with the contraindications sorted alphabetically
  (empty after the last bar when there are none). combo_key() and expand() are the Python
  reference of the JavaScript comboKey() and lookup().
"""
from __future__ import annotations

import traitlets

from quizzes import decide, vocab
from quizzes.registry import load_registry

from .base import CourseWidget

MODALITY_LABELS = {"haip": "HAIP", "tace": "DEBIRI-TACE", "tare": "TARE"}
SETTING_LABELS = {
    "adjuvant": "After complete resection of the liver metastases (adjuvant)",
    "first-line": "First line, unresectable disease",
    "after-progression": "After progression on chemotherapy",
}
DISEASE_LABELS = {
    "liver-limited": "Liver only",
    "liver-dominant": "Liver-dominant (most of the tumour in the liver)",
    "extrahepatic": "Substantial disease outside the liver",
}
GOAL_LABELS = {
    "conversion": "Become resectable (conversion)",
    "regional-control": "Response and control of the liver disease",
    "survival": "Live longer",
    "quality-of-life": "Quality of life",
    "avoid-procedures": "Avoid further procedures",
}
CONTRA_LABELS = {
    "portal-vein-thrombosis": "Portal vein thrombosis",
    "unfit-for-laparotomy": "Not fit for a laparotomy",
    "hyperbilirubinemia": "Total bilirubin 1.5 mg/dL or more",
    "lung-shunt-over-20pct": "Lung shunt fraction above 20%",
    "liver-involvement-over-60pct": "Tumour involves more than 60% of the liver",
}
STANCE_LABELS = {
    "option": "Option to discuss",
    "not-supported": "Not supported here",
    "contraindicated": "Contraindicated",
}


def combo_key(case: dict) -> str:
    contras = ",".join(sorted(case.get("contraindications", [])))
    return f"{case['setting']}|{case['disease']}|{case['goal']}|{contras}"


def compact_table(rows: list[dict] | None = None) -> dict:
    """The engine's full decision table in the compact form described above."""
    rows = decide.all_combinations() if rows is None else rows
    explanations: list[str] = []
    becauses: list[list[str]] = []
    exp_index: dict[str, int] = {}
    because_index: dict[tuple, int] = {}
    out: dict[str, list] = {}
    for row in rows:
        cells = []
        for m in vocab.MODALITIES:
            entry = row["result"][m]
            e = exp_index.setdefault(entry["explanation"], len(explanations))
            if e == len(explanations):
                explanations.append(entry["explanation"])
            b_key = tuple(entry["because"])
            b = because_index.setdefault(b_key, len(becauses))
            if b == len(becauses):
                becauses.append(list(b_key))
            cells.append([vocab.STANCES.index(entry["stance"]), e, b])
        out[combo_key(row["input"])] = cells
    return {"modalities": list(vocab.MODALITIES), "stances": list(vocab.STANCES),
            "explanations": explanations, "becauses": becauses, "rows": out}


def expand(table: dict, case: dict) -> dict | None:
    """recommend()-shaped result for a case, read back from the compact table."""
    cells = table["rows"].get(combo_key(case))
    if cells is None:
        return None
    return {m: {"stance": table["stances"][s], "because": list(table["becauses"][b]),
                "explanation": table["explanations"][e]}
            for m, (s, e, b) in zip(table["modalities"], cells)}


def labels() -> dict:
    registry = load_registry()
    ids = sorted(decide.rule_record_ids())
    records = {}
    for rid in ids:
        rec = registry.records[rid]
        records[rid] = {"label": rec.label, "review": rec.is_review,
                        "source": registry.sources[rec.source].label}
    return {"modalities": MODALITY_LABELS, "settings": SETTING_LABELS,
            "diseases": DISEASE_LABELS, "goals": GOAL_LABELS, "contraindications": CONTRA_LABELS,
            "stances": STANCE_LABELS,
            "order": {"settings": list(vocab.SETTINGS), "diseases": list(vocab.DISEASES),
                      "goals": list(vocab.GOALS),
                      "contraindications": list(vocab.CONTRAINDICATIONS)},
            "records": records}


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
        return {"setting": self.setting, "disease": self.disease, "goal": self.goal,
                "contraindications": list(self.contraindications)}

    def result(self) -> dict:
        """What the front end shows, straight from the engine."""
        return decide.recommend(self.case())
