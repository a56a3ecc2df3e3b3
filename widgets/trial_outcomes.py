"""HAIP trial outcomes by arm and time point, read from book/data/trials.yaml.

The numbers come only from the YAML (loaded at build time). What this module
adds is teaching text: a short reading of each trial's design and of each
result (what it does and does not show), and a P-value reading computed by
``p_reading``. ``bar_scale`` is the Python reference for the chart scale in
``widgets/trial_outcomes.js``.
"""

from __future__ import annotations

import math
import re

import traitlets

from .base import CourseWidget
from .sources import TAG_LEGEND, source_labels
from .trials import TRIALS_YAML, load_trials

DEFAULT_TRIALS = (
    "kemeny-1999",
    "kemeny-1999-10-year-update",
    "groot-koerkamp-2017",
    "mskcc-2016-protocols",
    "calgb-9481",
)

# Short arm labels for the chart; the full arm text from the YAML is shown beside it.
ARM_LABELS = {
    "kemeny-1999": ["Pump + systemic", "Systemic alone"],
    "kemeny-1999-10-year-update": ["Pump + systemic", "Systemic alone"],
    "groot-koerkamp-2017": ["Pump (HAI)", "No pump"],
    "mskcc-2016-protocols": ["Before 2003", "After 2003"],
    "calgb-9481": ["HAI alone", "Systemic 5-FU/LV"],
}

# Our own reading of each design: what kind of comparison the numbers are.
DESIGN_NOTES = {
    "kemeny-1999": "Randomised: chance decided who got the pump, so a difference estimates the effect of adding it, "
    "in one expert centre and against 5-FU-based systemic therapy.",
    "kemeny-1999-10-year-update": "The same randomised trial followed for a median of 10.3 years: "
    "early gains can shrink as follow-up lengthens.",
    "groot-koerkamp-2017": "Not randomised: patients who had a pump are compared with those who did not, after "
    "propensity-score adjustment for measured differences. Unmeasured differences can remain, "
    "so this shows an association, not proof that the pump caused the gain.",
    "mskcc-2016-protocols": "Not randomised and no group without a pump: everyone had pump therapy, and patients "
    "treated before and after 2003 are compared. The gain reflects everything that changed "
    "over time, not the pump itself.",
    "calgb-9481": "Randomised, but the arterial arm had no systemic chemotherapy and the comparator was bolus "
    "5-FU/leucovorin, an old regimen.",
}

# The same caution for each subgroup of the non-randomised Groot Koerkamp comparison.
SUBGROUP_NOTE = "A subgroup of a non-randomised comparison. The P value is small, but it cannot remove selection bias."

# Notes on single results, keyed by (trial id, endpoint as written in the YAML).
RESULT_NOTES = {
    (
        "kemeny-1999",
        "2-year overall survival",
    ): "A snapshot at 2 years. It says nothing about later years: see the 10-year update.",
    (
        "kemeny-1999",
        "2-year survival free of hepatic recurrence",
    ): "Liver control was the clearest effect: the pump treats the liver, where it is infused.",
    (
        "kemeny-1999",
        "2-year progression-free survival",
    ): "Progression anywhere in the body; the gap did not reach the usual threshold of significance.",
    (
        "kemeny-1999-10-year-update",
        "Overall survival (median)",
    ): "Not significant: the gap of 9.6 months (our arithmetic) is compatible with chance. That does not prove "
    "the pump has no effect.",
    (
        "kemeny-1999-10-year-update",
        "10-year survival",
    ): "The letter reports no P value for this time point.",
    (
        "groot-koerkamp-2017",
        "Propensity-adjusted hazard ratio for death",
    ): "A hazard ratio below 1 means a lower rate of death over time with the pump. It is still an adjusted "
    "observational estimate, not a randomised one.",
    (
        "groot-koerkamp-2017",
        "Median overall survival with modern systemic chemotherapy (n = 1,442)",
    ): "Significant, but the comparison is not randomised: a small P value does not remove selection bias.",
    (
        "groot-koerkamp-2017",
        "Median overall survival, node-negative primary",
    ): SUBGROUP_NOTE,
    (
        "groot-koerkamp-2017",
        "Median overall survival, clinical risk score 0-2",
    ): SUBGROUP_NOTE,
    (
        "mskcc-2016-protocols",
        "Median overall survival",
    ): "Not reached means fewer than half of the later patients had died when the data were analysed.",
    (
        "calgb-9481",
        "Time to extrahepatic progression",
    ): "Here the systemic arm did better: with arterial therapy alone, disease outside the liver progressed "
    "sooner. This trade-off is why the pump is combined with systemic chemotherapy.",
    (
        "calgb-9481",
        "Time to hepatic progression",
    ): "Liver control favoured arterial therapy (P = .034). This was a secondary end point, and the arterial "
    "arm had no systemic chemotherapy.",
    (
        "calgb-9481",
        "Grade 3 or higher bilirubin elevation",
    ): "A harm: lower is better. It reflects the hepatobiliary toxicity of arterial FUDR.",
}


def p_reading(p: str | None, ci_low: float | None = None, ci_high: float | None = None) -> str:
    """A plain reading of a reported P value (or a hazard ratio's 95% CI) against the 0.05 convention."""
    if p is None and ci_low is not None and ci_high is not None:
        side = "excludes" if ci_high < 1 or ci_low > 1 else "includes"
        verdict = "significant at the 5% level" if side == "excludes" else "not significant at the 5% level"
        return f"No P value given; the 95% confidence interval ({ci_low} to {ci_high}) {side} 1: {verdict}."
    if p is None:
        return "No P value in the cited report: do not read significance into the gap."
    m = re.fullmatch(r"\s*([<>=]?)\s*(\d*\.?\d+)\s*", p)
    if not m:
        raise ValueError(f"cannot read P value {p!r}")
    op, value = m.group(1), float(m.group(2))
    shown = f"P {op} {m.group(2)}" if op else f"P = {m.group(2)}"
    if (op == "<" and value <= 0.05) or (op != "<" and op != ">" and value < 0.05):
        return f"{shown}: below 0.05, conventionally called significant."
    return f"{shown}: not below 0.05, so not significant by the usual convention."


def comparable(trial: dict, result: dict) -> bool:
    """A result the chart can draw: one value per arm (some may be missing), or a hazard ratio."""
    values = result.get("values")
    if values and len(values) == len(trial["arms"]) >= 2 and any(v is not None for v in values):
        return True
    return result.get("hr") is not None


def bar_scale(unit: str, values: list) -> float:
    """Axis maximum: 100 for percentages, else the largest value rounded up to a step of 10."""
    if unit == "%":
        return 100.0
    top = max(v for v in values if v is not None)
    return float(max(10, math.ceil(top * 1.1 / 10) * 10))


def outcomes(trials: list[dict], ids=DEFAULT_TRIALS) -> list[dict]:
    """The data handed to the front end: chosen trials, their drawable results and notes."""
    by_id = {t["id"]: t for t in trials}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise ValueError(f"trials not in trials.yaml: {missing}")
    out = []
    for tid in ids:
        t = by_id[tid]
        results = []
        for r in t["results"]:
            if not comparable(t, r):
                continue
            results.append(
                {
                    "endpoint": r["endpoint"],
                    "text": r["text"],
                    "values": r.get("values"),
                    "unit": r.get("unit"),
                    "hr": r.get("hr"),
                    "ci_low": r.get("ci_low"),
                    "ci_high": r.get("ci_high"),
                    "p": r.get("p"),
                    "source": r["source"],
                    "citation": r.get("citation") or t["citation"],
                    "p_reading": p_reading(r.get("p"), r.get("ci_low"), r.get("ci_high")),
                    "note": RESULT_NOTES.get((tid, r["endpoint"]), ""),
                }
            )
        out.append(
            {
                "id": tid,
                "name": t["name"],
                "citation": t["citation"],
                "design": t["design"],
                "n": t["n"],
                "arms": t["arms"],
                "arm_labels": ARM_LABELS.get(tid, [f"Arm {i + 1}" for i in range(len(t["arms"]))]),
                "design_note": DESIGN_NOTES.get(tid, ""),
                "results": results,
            }
        )
    return out


class TrialOutcomes(CourseWidget):
    """Pick a HAIP trial and an endpoint; paired bars by arm, with the numbers, their source and a reading."""

    _front_end = "trial_outcomes"
    _repr_traits = ("trial", "endpoint")

    trial = traitlets.Unicode(DEFAULT_TRIALS[0]).tag(sync=True)
    endpoint = traitlets.Int(0).tag(sync=True)  # index into the chosen trial's drawable results
    data = traitlets.List().tag(sync=True)
    # Readable names for the citation keys in `data` (readers never see a key), and V/S in words.
    source_labels = traitlets.Dict().tag(sync=True)
    tag_legend = traitlets.Unicode(TAG_LEGEND).tag(sync=True)

    def __init__(self, ids=DEFAULT_TRIALS, path=TRIALS_YAML, **kwargs):
        data = outcomes(load_trials(path), ids)
        keys = {d["citation"] for d in data} | {r["citation"] for d in data for r in d["results"]}
        super().__init__(data=data, source_labels=source_labels(keys), **kwargs)

    @traitlets.validate("trial")
    def _valid_trial(self, proposal):
        ids = [d["id"] for d in self.data] if self.data else list(DEFAULT_TRIALS)
        if proposal["value"] not in ids:
            raise traitlets.TraitError(f"trial must be one of {ids}, not {proposal['value']!r}")
        return proposal["value"]

    @traitlets.validate("endpoint")
    def _valid_endpoint(self, proposal):
        trial = next((d for d in self.data if d["id"] == self.trial), None)
        count = len(trial["results"]) if trial else 0
        if trial and not 0 <= proposal["value"] < count:
            raise traitlets.TraitError(f"endpoint must be an index from 0 to {count - 1}, got {proposal['value']!r}")
        return proposal["value"]
